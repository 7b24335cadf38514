"""Sending an edition to its list, in batches, so that nobody ever receives it twice.

The design (docs/architecture.md, "Sending the newsletter"):

- A `Delivery` row (edition, subscriber) is unique. It is INSERTed, and committed, *before*
  the message is handed to the SMTP server; only the process whose INSERT succeeded sends.
  Two senders running at once, or a sender restarted after being killed, can never both
  send to one recipient: the second INSERT fails on the constraint and that recipient is
  skipped.
- After the server accepts the message the row becomes `sent` (or `failed` if the server
  refused that recipient). A process killed between the INSERT and that UPDATE leaves the
  row `sending`: the message may or may not have gone. It is never retried, so delivery is
  at most once; a killed run leaves at most one such row per connection, and the command
  reports them.
- Who is still to be sent is a query, not a cursor kept in memory: confirmed subscribers of
  the list with no delivery row for the edition, in primary-key order, one batch at a time.
  A restart simply asks again.

- An edition whose message cannot be built (a header Django refuses, a template error) is
  *held* before anyone is claimed: the run says why, the admin shows it, and the other
  approved editions still go. If building fails for one recipient mid-run, that recipient's
  claim is released (the row deleted) so they get the edition once it is corrected.

Per recipient that is two queries (the claim and its outcome) whatever the list's size,
plus one query per batch for the next recipients.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter import mail
from newsletter.models import Delivery, Edition, Subscription

log = logging.getLogger(__name__)

BATCH_SIZE = 200


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another sender first
    unknown: int = 0  # left `sending` by an interrupted run: never retried
    remaining: int = 0
    failures: list[str] = field(default_factory=list)
    held: str = ""  # why the edition could not be sent, if it was held


def pending(edition: Edition) -> Iterator[Subscription]:
    """Confirmed subscriptions of the edition's list with no delivery yet, in batches."""
    last_pk = 0
    while True:
        batch = list(
            Subscription.objects.confirmed()
            .filter(newsletter_id=edition.newsletter_id, subscriber_id__gt=last_pk)
            .exclude(
                Exists(
                    Delivery.objects.filter(
                        edition=edition, subscriber_id=OuterRef("subscriber_id")
                    )
                )
            )
            .select_related("subscriber")
            .order_by("subscriber_id")[:BATCH_SIZE]
        )
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].subscriber_id


def remaining_count(edition: Edition) -> int:
    return (
        Subscription.objects.confirmed()
        .filter(newsletter_id=edition.newsletter_id)
        .exclude(
            Exists(
                Delivery.objects.filter(edition=edition, subscriber_id=OuterRef("subscriber_id"))
            )
        )
        .count()
    )


def claim(edition: Edition, subscription: Subscription) -> Delivery | None:
    """The delivery row for this recipient if this process is the one to send; else None."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                edition=edition, subscriber_id=subscription.subscriber_id
            )
    except IntegrityError:
        return None


def send_edition(
    edition: Edition,
    *,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> SendReport:
    """Send `edition` to everyone on its list who has not had it. `progress(total)` returns a
    function called with the count of each message handed over (the command's bar)."""
    report = SendReport()
    try:
        rendered = mail.render_edition(edition)
        # Build one message before claiming anyone: a subject or list name Django refuses
        # as a header fails here, with nobody marked as being sent it.
        rendered.message_to("probe@example.invalid", mail.UNSUBSCRIBE_PLACEHOLDER).message()
    except Exception as error:  # any failure to build holds this edition only
        return _hold(edition, report, error)
    edition.start_sending()
    report.unknown = edition.deliveries.filter(status=Delivery.Status.SENDING).count()
    total = remaining_count(edition)
    advance = progress(total) if progress else (lambda n: None)
    connection = get_connection()
    connection.open()
    try:
        for subscription in pending(edition):
            delivery = claim(edition, subscription)
            if delivery is None:
                report.skipped += 1
                continue
            message = rendered.message_to(
                subscription.subscriber.email,
                mail.unsubscribe_url(subscription.pk),
                connection=connection,
            )
            try:
                message.message()
            except Exception as error:  # building, not sending, failed
                # Nothing was handed over: release the claim so this reader is sent the
                # edition once an editor has corrected it, and stop this edition.
                Delivery.objects.filter(pk=delivery.pk).delete()
                return _hold(edition, report, error)
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as refused:
                # This address only: record it and go on with the rest.
                _finish(delivery, Delivery.Status.FAILED, error=str(refused)[:200])
                report.failed += 1
                log.warning(
                    "Newsletter %s refused for %s", edition.pk, subscription.subscriber.log_id
                )
                advance(1)
                continue
            except (smtplib.SMTPException, OSError):
                # The server went away mid-send: whether this message went is unknown, so its
                # row stays `sending` (never retried); the run stops and the next resumes.
                log.exception("Newsletter %s: the mail server failed; stopping", edition.pk)
                raise
            _finish(delivery, Delivery.Status.SENT)
            report.sent += 1
            advance(1)
    finally:
        connection.close()
    report.remaining = remaining_count(edition)
    if report.remaining == 0:
        edition.finish_sending()
    log.info(
        "Newsletter edition %s: %s sent, %s refused, %s remaining",
        edition.pk,
        report.sent,
        report.failed,
        report.remaining,
    )
    return report


def _hold(edition: Edition, report: SendReport, error: Exception) -> SendReport:
    reason = _(
        "The message could not be built (%(error)s). Correct the subject or the list's name "
        "and approve the edition again."
    ) % {"error": f"{type(error).__name__}: {error}"}
    log.error("Newsletter edition %s held: %s", edition.pk, reason)
    edition.hold(reason)
    report.held = reason
    report.remaining = remaining_count(edition)
    return report


def _finish(delivery: Delivery, status: str, *, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, sent_at=timezone.now(), error=error
    )


def due_editions() -> list[Edition]:
    """Editions an editor approved, and any a previous run did not finish."""
    return list(
        Edition.objects.filter(status__in=[Edition.Status.APPROVED, Edition.Status.SENDING])
        .select_related("newsletter")
        .order_by("approved_at", "pk")
    )
