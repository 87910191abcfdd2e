"""`minsheng report annual --year 2026 --out report.docx`: a period's documents from live data."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.lib.letters import to_bytes
from minsheng.lib.spreadsheets import workbook_bytes
from minsheng.people.models import Jurisdiction
from minsheng.reports import documents, figures

KINDS = ("annual", "brief", "workbook")


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text}) from exc


def jurisdiction_for(code: str | None) -> Jurisdiction:
    if code:
        found = Jurisdiction.objects.filter(code=code).first()
        if found is None:
            raise CommandError(_("No jurisdiction has the code “%(code)s”.") % {"code": code})
        return found
    tops = list(Jurisdiction.objects.filter(parent__isnull=True).order_by("pk")[:2])
    if len(tops) != 1:
        raise CommandError(_("Name the congress with --jurisdiction CODE."))
    return tops[0]


class Command(BaseCommand):
    help = (
        "Write a period's handling report (annual: the report to the standing committee, Word), "
        "press brief (brief, Word) or statistics workbook (workbook, Excel) from live data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--year", type=int, help="A calendar year (the default period).")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
        parser.add_argument("--jurisdiction", metavar="CODE", help="The congress's code.")
        parser.add_argument("--out", required=True, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = jurisdiction_for(options["jurisdiction"])
        if options["start"] or options["end"]:
            if not (options["start"] and options["end"]):
                raise CommandError(_("Give both --from and --to, or --year."))
            period = figures.Period(jurisdiction, _day(options["start"]), _day(options["end"]))
            if period.start > period.end:
                raise CommandError(_("The end of the period comes before its start."))
        else:
            year = options["year"] or timezone.localdate().year
            if not 1949 <= year <= 9999:
                raise CommandError(_("Choose a year from 1949 on."))
            period = figures.Period.year(jurisdiction, year)
        began = time.perf_counter()
        found = figures.compute(period)
        kind = options["kind"]
        if kind == "workbook":
            content = workbook_bytes(documents.workbook(found))
        elif kind == "brief":
            content = to_bytes(documents.press_brief(found))
        else:
            content = to_bytes(documents.annual_report(found))
        Path(options["out"]).write_bytes(content)
        self.stdout.write(
            _("Wrote %(path)s (%(size)s bytes, %(count)s suggestions) in %(seconds).1f s.")
            % {
                "path": options["out"],
                "size": f"{len(content):,}",
                "count": f"{found.totals.registered:,}",
                "seconds": time.perf_counter() - began,
            }
        )
