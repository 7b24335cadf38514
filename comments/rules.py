"""The moderation rules, in the order they run.

Each rule looks at a submission and returns nothing (no opinion), a hold with its reason, or a
rejection with its reason. A rejection stops the run; holds are collected so a moderator sees
every reason at once. A submission nothing objects to is published.

The order: closed story, honeypot, too fast, length, duplicate, flood, blocks, reject words,
links, hold words, first-time commenter, pre-moderated story, and last the score learned from
moderators' decisions, which may only hold; a staff byline as the name is refused after the
blocks. Cheap, certain refusals come first so a bot costs the least work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from articles.models import Article, Author
from comments import spam_score
from comments.models import Block, Comment, Limits, ModerationWord, SpamModel
from comments.privacy import email_digest
from comments.text import find_links, name_key, word_pattern

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MIN_LENGTH = 2
MAX_LENGTH = 5000


class Action(StrEnum):
    ACCEPT = "accept"
    HOLD = "hold"
    REJECT = "reject"


@dataclass(frozen=True)
class Verdict:
    action: Action
    rule: str
    reason: str
    words: tuple[str, ...] = ()
    # Silent: a bot is told its comment is awaiting moderation, so it learns nothing.
    silent: bool = False
    # Flood: the reader is asked to slow down (HTTP 429) and nothing is stored.
    flood: bool = False
    # The hold lifts when the commenter confirms the address from the link mailed to it.
    confirm: bool = False

    def as_record(self) -> dict[str, object]:
        record: dict[str, object] = {
            "rule": self.rule,
            "action": str(self.action),
            "reason": self.reason,
        }
        if self.words:
            record["words"] = list(self.words)
        if self.confirm:
            record["confirm"] = True
        return record


@dataclass
class Submission:
    article: Article
    body: str
    name: str
    email: str
    ip_hash: str
    now: dt.datetime
    limits: Limits
    user: User | None = None
    rendered_at: dt.datetime | None = None
    honeypot: str = ""
    trusted: bool = False
    # Hashes of the addresses the sending browser has shown are its own (comments/trust.py).
    device_addresses: tuple[str, ...] = ()
    _words: dict[str, list[str]] = field(default_factory=dict)

    def words(self, action: str) -> list[str]:
        """The hold or reject list: the settings' defaults plus the moderators' own."""
        if not self._words:
            self._words = {
                "hold": list(settings.COMMENTS_HOLD_WORDS),
                "reject": list(settings.COMMENTS_REJECT_WORDS),
            }
            for word, kind in ModerationWord.objects.values_list("word", "action"):
                self._words[kind].append(word)
        return self._words[action]


Rule = Callable[[Submission], Verdict | None]


def _hold(rule: str, reason: str, words: tuple[str, ...] = ()) -> Verdict:
    return Verdict(Action.HOLD, rule, reason, words)


def _reject(rule: str, reason: str, *, silent: bool = False, flood: bool = False) -> Verdict:
    return Verdict(Action.REJECT, rule, reason, silent=silent, flood=flood)


def story_closed(s: Submission) -> Verdict | None:
    if not s.article.is_live(at=s.now) or not s.article.comments_open(at=s.now):
        return _reject("story_closed", "Comments are closed on this story.")
    return None


def honeypot(s: Submission) -> Verdict | None:
    if s.honeypot.strip():
        return _reject(
            "honeypot", "The hidden field only robots fill in was filled in.", silent=True
        )
    return None


def too_fast(s: Submission) -> Verdict | None:
    if s.rendered_at is None:
        return _reject("too_fast", "The form carried no valid signed time.", silent=True)
    seconds = (s.now - s.rendered_at).total_seconds()
    if seconds < s.limits.min_seconds:
        return _reject(
            "too_fast",
            f"Sent {max(seconds, 0):.1f} s after the form was opened "
            f"(under {s.limits.min_seconds} s).",
            silent=True,
        )
    return None


def length(s: Submission) -> Verdict | None:
    # The form says this to the reader first; the rule keeps other callers honest.
    if not MIN_LENGTH <= len(s.body) <= MAX_LENGTH:
        return _reject("length", f"Comments are {MIN_LENGTH} to {MAX_LENGTH:,} characters.")
    return None


def duplicate(s: Submission) -> Verdict | None:
    since = s.now - dt.timedelta(hours=s.limits.duplicate_hours)
    same_sender = Q(email__iexact=s.email) if s.email else Q(pk__in=[])
    if s.ip_hash:
        same_sender |= Q(ip_hash=s.ip_hash)
    if Comment.objects.filter(same_sender, created_at__gte=since, body=s.body).exists():
        return _reject(
            "duplicate",
            f"The same text came from this reader within {s.limits.duplicate_hours} hours.",
        )
    return None


def flood(s: Submission) -> Verdict | None:
    # Counted in the database so every worker and every host sees the same numbers; the
    # service holds a per-address lock while this runs, so two at once cannot both pass.
    if not s.ip_hash:
        return None
    recent = Comment.objects.filter(ip_hash=s.ip_hash)
    burst = s.now - dt.timedelta(seconds=s.limits.flood_burst_seconds)
    if recent.filter(created_at__gt=burst).exists():
        return _reject(
            "flood",
            f"More than one comment in {s.limits.flood_burst_seconds} seconds.",
            flood=True,
        )
    hour = s.now - dt.timedelta(hours=1)
    if recent.filter(created_at__gt=hour).count() >= s.limits.flood_per_hour:
        return _reject(
            "flood", f"More than {s.limits.flood_per_hour} comments in an hour.", flood=True
        )
    return None


def blocked(s: Submission) -> Verdict | None:
    checks = Q()
    if s.email:
        checks |= Q(kind=Block.Kind.EMAIL, value=s.email.lower())
        checks |= Q(kind=Block.Kind.DOMAIN, value=s.email.rpartition("@")[2].lower())
    if s.ip_hash:
        checks |= Q(kind=Block.Kind.IP_HASH, value=s.ip_hash)
    block = Block.objects.filter(checks).first() if checks else None
    if block is not None:
        return _reject("blocked", f"Blocked {block.get_kind_display().lower()}.")
    return None


# --- Names that belong to the newsroom -------------------------------------------------------
# A comment under an editor's byline reads as the newsroom speaking. Refused, not held: a held
# one waits for a moderator who may approve it in a hurry, the bylines are public anyway (so
# refusing tells an impersonator nothing), and a namesake can add an initial at once.

RESERVED_NAME_MESSAGE = (
    "That name is the byline of one of our journalists. Please choose another name to show "
    "with your comment."
)


def staff_name_keys() -> set[str]:
    """What the staff's names look like: bylines tied to an account, and staff accounts'
    full names."""
    names = list(Author.objects.filter(user__isnull=False).values_list("name", flat=True))
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    names += [f"{first} {last}" for first, last in staff.values_list("first_name", "last_name")]
    return {key for key in map(name_key, names) if key}


def is_staff_name(name: str) -> bool:
    """The name is a staff byline, or looks like one (other letters, width, marks, case)."""
    key = name_key(name)
    return bool(key) and key in staff_name_keys()


def reserved_name(s: Submission) -> Verdict | None:
    # The form says this to the reader first; the rule keeps other callers honest. Staff
    # signed in post under their own account's name.
    if s.user is None and is_staff_name(s.name):
        return _reject("reserved_name", "The name is a staff byline or looks like one.")
    return None


def _matches(text: str, words: list[str]) -> tuple[str, ...]:
    pattern = word_pattern(words)
    if pattern is None:
        return ()
    found = dict.fromkeys(" ".join(m.group(0).lower().split()) for m in pattern.finditer(text))
    return tuple(found)


def reject_words(s: Submission) -> Verdict | None:
    found = _matches(f"{s.name}\n{s.body}", s.words("reject"))
    if found:
        return Verdict(Action.REJECT, "reject_words", "Contains a word on the reject list.", found)
    return None


def links(s: Submission) -> Verdict | None:
    count = len(find_links(s.body))
    if count >= s.limits.hold_links:
        return _hold("links", f"Contains {count} links.")
    return None


def hold_words(s: Submission) -> Verdict | None:
    found = _matches(f"{s.name}\n{s.body}", s.words("hold"))
    if found:
        return _hold("hold_words", f"Contains {', '.join(found)}.", found)
    return None


UNCONFIRMED_REASON = (
    "Address not confirmed on this device: it has published comments, but this browser has "
    "not shown it is theirs."
)


def first_time(s: Submission) -> Verdict | None:
    """A commenter is trusted by what they have shown, never by what they type: a signed-in
    account with published comments, or an address with published comments on a browser that
    proved it (comments/trust.py). Anyone else waits, and the reason says which case it is."""
    if s.trusted:
        return None
    approved = Comment.objects.filter(status=Comment.Status.APPROVED)
    if s.user is not None and approved.filter(user=s.user).exists():
        return None
    if not s.email or not approved.filter(email__iexact=s.email).exists():
        return _hold("first_time", "First comment from this e-mail address.")
    if email_digest(s.email) not in s.device_addresses:
        return Verdict(Action.HOLD, "first_time", UNCONFIRMED_REASON, confirm=True)
    return None


def premoderated(s: Submission) -> Verdict | None:
    if s.article.comment_mode == s.article.CommentMode.PREMODERATED:
        return _hold("premoderated", "Every comment on this story waits for a moderator.")
    return None


def learned_spam(s: Submission) -> Verdict | None:
    """The score learned from moderators' decisions (`train_spam_model`). Holds only: it may
    send a comment to a person, never publish or reject one."""
    if s.trusted:
        return None
    stored = SpamModel.current()
    if stored is None:
        return None
    model = spam_score.Model.from_json(stored.counts)
    probability, weights = model.score(spam_score.tokens(s.body, name=s.name, email=s.email))
    if probability < stored.threshold:
        return None
    return _hold(
        "spam_score",
        f"Looks like comments moderators turned away: score {probability:.2f} "
        f"(holds at {stored.threshold:.2f}; learned from {stored.examples} decisions).",
        tuple(spam_score.heaviest(weights)),
    )


RULES: list[Rule] = [
    story_closed,
    honeypot,
    too_fast,
    length,
    duplicate,
    flood,
    blocked,
    reserved_name,
    reject_words,
    links,
    hold_words,
    first_time,
    premoderated,
    learned_spam,
]


def run(submission: Submission, rules: list[Rule] | None = None) -> list[Verdict]:
    """Every hold, or the first rejection, or a single accept."""
    holds: list[Verdict] = []
    for rule in rules if rules is not None else RULES:
        verdict = rule(submission)
        if verdict is None:
            continue
        if verdict.action == Action.REJECT:
            return [verdict]
        holds.append(verdict)
    return holds or [Verdict(Action.ACCEPT, "rules", "Passed every rule.")]
