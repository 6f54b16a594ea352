from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mailer import delivery, sweep, tasks


class Command(BaseCommand):
    help = (
        "Send the mail outbox's pending mails now, without waiting for Celery: queued mails whose "
        "retry time has come and sends interrupted for longer than OUTBOX_STALE_SENDING_SECONDS. "
        "Idempotent and safe alongside running workers: each mail is claimed before it is sent, so "
        "none goes out twice. A mail that fails again follows the normal back-off and is marked "
        "failed after OUTBOX_MAX_ATTEMPTS. --ignore-backoff also sends queued mails still waiting "
        "for their retry time (e.g. once the mail server is back). --enqueue hands the mails to "
        "Celery instead of sending them here. Prints one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue a Celery task per mail instead of sending.")
        parser.add_argument(
            "--ignore-backoff", action="store_true", help="Also take queued mails whose retry time has not come."
        )
        parser.add_argument("--limit", type=int, default=sweep.SWEEP_BATCH, help="At most this many mails.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = sweep.pending_mail_ids(ignore_backoff=options["ignore_backoff"], limit=options["limit"])
        if options["enqueue"]:
            queued = sum(1 for mail_id in ids if tasks.enqueue_mail(mail_id=mail_id))
            self.stdout.write(f"{len(ids)} pending mail(s): {queued} handed to Celery, {len(ids) - queued} not.")
            return
        counts = dict.fromkeys(delivery.Outcome, 0)
        for mail_id in ids:
            outcome = delivery.deliver_mail(mail_id=mail_id, ignore_backoff=options["ignore_backoff"]).outcome
            counts[outcome] += 1
        self.stdout.write(
            f"{len(ids)} pending mail(s): {counts[delivery.Outcome.SENT]} sent, "
            f"{counts[delivery.Outcome.RETRY]} to retry, {counts[delivery.Outcome.FAILED]} failed, "
            f"{counts[delivery.Outcome.SKIPPED]} skipped (taken by another sender)."
        )
