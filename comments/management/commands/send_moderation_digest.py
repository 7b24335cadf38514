"""Mail moderators a digest of what waits in the queue (run from cron, e.g. hourly)."""

from django.core.management.base import BaseCommand

from comments.notifications import send_digest


class Command(BaseCommand):
    help = "E-mail every moderator the list of comments waiting for moderation."

    def handle(self, *args: object, **options: object) -> None:
        sent = send_digest()
        self.stdout.write(f"Digest sent to {sent} moderator(s)." if sent else "Nothing to send.")
