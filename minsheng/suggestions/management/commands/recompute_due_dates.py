"""`minsheng recompute_due_dates`: recompute open items' due dates from the rules and calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.people.models import Jurisdiction
from minsheng.suggestions import workflow


class Command(BaseCommand):
    help = (
        "Recompute the due dates of open suggestions from their start dates, the rule set and the "
        "working-day calendar, and log each change on its suggestion. Changes to the calendar "
        "and rule sets trigger this automatically; run it after loading them with loaddata. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdiction",
            metavar="CODE",
            help="Only this jurisdiction (its code); all jurisdictions when left out.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["jurisdiction"]
        jurisdiction_id = None
        if code:
            found = Jurisdiction.objects.filter(code=code).first()
            if found is None:
                raise CommandError(_("No jurisdiction has the code “%(code)s”.") % {"code": code})
            jurisdiction_id = found.pk
        changed = workflow.recompute_due_dates(jurisdiction_id)
        self.stdout.write(
            _("Due dates changed on %(count)s open suggestions.") % {"count": changed}
        )
