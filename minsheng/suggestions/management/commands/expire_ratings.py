"""`minsheng expire_ratings`: record "not rated" for replies whose rating window has passed."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.suggestions import workflow


class Command(BaseCommand):
    help = (
        "Record 'not rated' for every sent reply whose rating window has passed (never "
        "'satisfied'). Idempotent: each reply is recorded once, so it is safe to run as often as "
        "you like, e.g. daily from cron, or keep it running with --loop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, once every SECONDS, until stopped with SIGTERM or Ctrl-C.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["loop"]
        if seconds is None:
            self.run_once()
            return
        if seconds <= 0:
            raise CommandError(_("--loop needs a positive number of seconds."))
        self.loop(seconds)

    def run_once(self) -> int:
        count = workflow.expire_ratings()
        self.stdout.write(
            _("%(date)s: %(count)s replies recorded as not rated.")
            % {"date": timezone.localdate().isoformat(), "count": count}
        )
        return count

    def loop(self, seconds: float) -> None:
        stop = threading.Event()
        previous = None
        try:
            previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        except ValueError:  # not the main thread: only Ctrl-C / the caller can stop us
            previous = None
        try:
            while not stop.is_set():
                try:
                    self.run_once()
                except Exception as exc:  # noqa: BLE001 - a worker must survive a bad round
                    self.stderr.write(_("This round failed: %(error)s") % {"error": exc})
                stop.wait(seconds)
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        self.stdout.write(_("Stopped."))
