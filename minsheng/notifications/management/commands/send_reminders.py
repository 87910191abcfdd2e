"""`minsheng send_reminders`: the reminder engine (minsheng/notifications/reminders.py)."""

from __future__ import annotations

import datetime
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minsheng.lib import terminal
from minsheng.notifications import reminders
from minsheng.people.models import User


def moment(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now: not an ISO date and time: {text!r}") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class Command(BaseCommand):
    help = (
        "Send every reminder that is due (sign-for, contact, due soon, overdue, joint opinion, "
        "drafts to sign, ratings), queue lost deliveries again and send the daily digests. "
        "Idempotent: a second run at the same moment sends nothing. Ends with one line: "
        "'N sent, M already sent, K failed'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, once every SECONDS, until stopped with SIGTERM or Ctrl-C.",
        )
        parser.add_argument(
            "--now",
            type=moment,
            metavar="ISO-DATETIME",
            help="Run as if it were this moment (local time unless an offset is given).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"]
        if options["dry_run"]:
            self.dry_run(now or timezone.now())
            return
        seconds = options["loop"]
        if seconds is None:
            self.run_once(now)
            return
        if seconds <= 0:
            raise CommandError("--loop needs a positive number of seconds.")
        self.loop(seconds, now)

    def run_once(self, now: datetime.datetime | None) -> reminders.Summary:
        summary = reminders.run(now)
        for error in summary.errors:
            self.stderr.write(error)
        if summary.skipped_kinds:
            self.stdout.write("working elsewhere, skipped: " + ", ".join(summary.skipped_kinds))
        self.stdout.write(summary.line())
        return summary

    def loop(self, seconds: float, now: datetime.datetime | None) -> None:
        stop = threading.Event()
        previous = None
        try:
            previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        except ValueError:  # not the main thread
            previous = None
        try:
            while not stop.is_set():
                try:
                    self.run_once(now)
                except Exception as exc:  # noqa: BLE001 - a worker must survive a bad round
                    self.stderr.write(f"This round failed: {exc}")
                stop.wait(seconds)
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Stopped.")

    def dry_run(self, now: datetime.datetime) -> None:
        summary = reminders.plan(now)
        names = dict(
            User.objects.filter(pk__in={p.draft.recipient_id for p in summary.planned}).values_list(
                "pk", "username"
            )
        )
        header = ("kind", "recipient", "suggestion", "day", "status", "title")
        rows = [
            (
                p.kind,
                names.get(p.draft.recipient_id, str(p.draft.recipient_id)),
                str(p.draft.params.get("number", "")),
                p.draft.key.rsplit(":", 1)[-1],
                p.status,
                self.title(p),
            )
            for p in summary.planned
        ]
        # Aligned by display width: a Chinese name or number takes two columns a character.
        for line in terminal.table([header, *rows]):
            self.stdout.write(line)
        self.stdout.write(f"dry run at {timezone.localtime(now):%Y-%m-%d %H:%M}: " + summary.line())

    @staticmethod
    def title(planned: reminders.Planned) -> str:
        from django.conf import settings
        from django.utils import translation

        from minsheng.notifications.kinds import render

        with translation.override(settings.LANGUAGE_CODE):
            return render(planned.kind, planned.draft.params, (planned.kind, ""))[0]
