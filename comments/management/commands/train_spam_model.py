"""Learn the spam score from moderators' decisions and print how it does on decisions it did
not see (comments/spam_score.py). Run it now and then, e.g. weekly from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comments import spam_score
from comments.models import Comment, SpamModel

# Below this the counts say more about chance than about the site's readers.
MIN_EACH = 5
# One decision in HOLD_BACK_EVERY is kept out of training to measure the model.
HOLD_BACK_EVERY = 5


def decisions() -> list[tuple[int, set[str], bool]]:
    """(comment, tokens, turned away?) for every comment a person published, rejected or
    marked as spam; the rules' own decisions teach nothing about the moderators."""
    rows = (
        Comment.objects.filter(
            moderated_by__isnull=False,
            status__in=[Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM],
        )
        .order_by("pk")
        .values_list("pk", "body", "name", "email", "status")
    )
    return [
        (pk, spam_score.tokens(body, name=name, email=email), status != Comment.Status.APPROVED)
        for pk, body, name, email, status in rows.iterator(chunk_size=2000)
    ]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class Command(BaseCommand):
    help = (
        "Train the spam score from moderators' approvals, rejections and spam marks; print "
        "its precision and recall on held-back decisions and store it for the rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Hold comments scoring this or more, 0 to 1 (default: the current model's, "
            "else 0.9).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current = SpamModel.current()
        threshold = options["threshold"]
        if threshold is None:
            threshold = current.threshold if current else 0.9
        if not 0 < threshold <= 1:
            raise CommandError("--threshold must be more than 0 and at most 1, e.g. 0.9.")
        examples = decisions()
        unwanted = sum(1 for _, _, is_unwanted in examples if is_unwanted)
        wanted = len(examples) - unwanted
        if unwanted < MIN_EACH or wanted < MIN_EACH:
            raise CommandError(
                f"Not enough decisions to learn from: {wanted} published and {unwanted} "
                f"rejected or spam by moderators; at least {MIN_EACH} of each are needed. "
                f"Nothing was stored."
            )
        training = [(t, u) for pk, t, u in examples if pk % HOLD_BACK_EVERY]
        held_back = [(t, u) for pk, t, u in examples if not pk % HOLD_BACK_EVERY]
        result = spam_score.evaluate(spam_score.train(training), held_back, threshold=threshold)
        # What the rules use learns from every decision; the figures are from the held-back run.
        model = spam_score.train((t, u) for _, t, u in examples)
        stored = SpamModel.objects.create(
            counts=model.as_json(),
            examples=len(examples),
            held_back=len(held_back),
            precision=result.precision,
            recall=result.recall,
            threshold=threshold,
        )
        self.stdout.write(
            f"Learned from {len(examples)} decisions ({wanted} published, {unwanted} rejected "
            f"or spam).\n"
            f"On {len(held_back)} held-back decisions, holding at {threshold:.2f}: "
            f"precision {_share(result.precision)}, recall {_share(result.recall)} "
            f"({result.true_positives} rightly held, {result.false_positives} wrongly held, "
            f"{result.false_negatives} missed).\n"
            f"Stored as spam model {stored.pk}; new comments scoring {threshold:.2f} or more "
            f"wait for a moderator."
        )
