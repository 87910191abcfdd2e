"""Prepare the publication record of every suggestion with a sent reply that has none (an
existing database's first run, or after a failure of the automatic step). Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from minsheng.disclosure import workflow


class Command(BaseCommand):
    help = "Prepare missing publication records (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jurisdiction", type=int, default=None)

    def handle(self, *args: object, **options: object) -> None:
        count = workflow.prepare_all(options["jurisdiction"])  # type: ignore[arg-type]
        self.stdout.write(f"{count} publication records prepared")
