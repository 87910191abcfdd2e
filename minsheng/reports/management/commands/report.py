"""`minsheng report annual --year 2026 --out report.docx`: a period's documents from live data;
`minsheng report dashboard --year 2026`: the period's dashboard charts drawn ahead into their
files (`reports.chart_cache`), `--clear` deletes those files."""

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
from minsheng.people.models import Jurisdiction, Organisation
from minsheng.reports import cards, documents, figures

KINDS = ("annual", "brief", "workbook", "card", "dashboard")


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
        "press brief (brief, Word), statistics workbook (workbook, Excel) or a handling unit's "
        "report card (card --unit ID-OR-NAME --year YYYY, Word) from live data; or draw a "
        "period's dashboard charts ahead (dashboard, every language; --clear deletes them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--year", type=int, help="A calendar year (the default period).")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
        parser.add_argument("--jurisdiction", metavar="CODE", help="The congress's code.")
        parser.add_argument("--out", metavar="FILE", help="The file to write (not for dashboard).")
        parser.add_argument(
            "--unit", metavar="ID-OR-NAME", help="card: the handling unit (its id or name)."
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="dashboard: delete every drawn chart file instead of drawing.",
        )

    def _unit(self, jurisdiction: Jurisdiction, value: str | None) -> Organisation:
        if not value:
            raise CommandError(_("Name the unit with --unit ID-OR-NAME."))
        units = Organisation.objects.handling_units().filter(jurisdiction=jurisdiction)
        found = (
            units.filter(pk=int(value)).first()
            if value.isdigit()
            else units.filter(name=value).first() or units.filter(short_name=value).first()
        )
        if found is None:
            raise CommandError(_("No handling unit “%(unit)s” in this congress.") % {"unit": value})
        return found

    def _card(self, jurisdiction: Jurisdiction, options: dict[str, Any]) -> None:
        if options["start"] or options["end"]:
            raise CommandError(_("A report card is for a year: give --year."))
        unit = self._unit(jurisdiction, options["unit"])
        year = options["year"] or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError(_("Give the year as four digits, e.g. 2026."))
        began = time.perf_counter()
        content = to_bytes(cards.unit_card(cards.collect(unit, year)))
        Path(options["out"]).write_bytes(content)
        self.stdout.write(
            _("Wrote %(path)s (%(size)s bytes) in %(seconds).1f s.")
            % {
                "path": options["out"],
                "size": f"{len(content):,}",
                "seconds": time.perf_counter() - began,
            }
        )

    def _dashboard(self, period: figures.Period) -> None:
        from minsheng.reports import chart_cache, dashboard

        began = time.perf_counter()
        drawn, found = dashboard.predraw(period, timezone.localdate())
        self.stdout.write(
            _("%(drawn)s charts drawn, %(found)s already drawn, in %(folder)s (%(seconds).1f s).")
            % {
                "drawn": drawn,
                "found": found,
                "folder": chart_cache.folder(),
                "seconds": time.perf_counter() - began,
            }
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "dashboard" and options["clear"]:
            from minsheng.reports import chart_cache

            removed = chart_cache.clear()
            self.stdout.write(
                _("%(n)s chart files deleted from %(folder)s.")
                % {"n": removed, "folder": chart_cache.folder()}
            )
            return
        if options["kind"] != "dashboard" and not options["out"]:
            raise CommandError(_("Name the file to write with --out FILE."))
        if options["kind"] == "card":
            unit = str(options["unit"] or "")
            by_id = unit.isdigit() and not options["jurisdiction"]
            named = Organisation.objects.filter(pk=int(unit)).first() if by_id else None
            where = named.jurisdiction if named else jurisdiction_for(options["jurisdiction"])
            self._card(where, options)
            return
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
        if options["kind"] == "dashboard":
            self._dashboard(period)
            return
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
