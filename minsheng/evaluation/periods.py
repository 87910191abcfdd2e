"""The period and scheme a page or API request asks for: `month=YYYY-MM` or `year=YYYY`
(default: this month), `scheme=<id>` (default: the year's scheme). Bad values are a
`BadRequest` with the reason, shown by pages as a 400 with the form and by the API as a 422."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.evaluation import schemes
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.scoring import Period


class BadRequest(ValueError):
    pass


@dataclass(frozen=True)
class Asked:
    period: Period
    year: int
    month: int | None  # None: the whole year

    @property
    def month_value(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else ""

    def query(self) -> str:
        return f"month={self.month_value}" if self.month else f"year={self.year}"


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def period(month: str | None, year: str | int | None) -> Asked:
    today = timezone.localdate()
    if month:
        found = MONTH.match(str(month).strip())
        if (
            not found
            or not 1 <= int(found.group(2)) <= 12
            or not 2000 <= int(found.group(1)) <= 2100
        ):
            raise BadRequest(_("Give the month as YYYY-MM, e.g. 2026-11."))
        y, m = int(found.group(1)), int(found.group(2))
        return Asked(Period.month(y, m), y, m)
    if year not in (None, ""):
        try:
            y = int(str(year))
        except ValueError:
            raise BadRequest(_("Give the year as four digits, e.g. 2026.")) from None
        if not 2000 <= y <= 2100:
            raise BadRequest(_("Give the year as four digits, e.g. 2026."))
        return Asked(Period.year(y), y, None)
    return Asked(Period.month(today.year, today.month), today.year, today.month)


def scheme(jurisdiction_id: int, year: int, value: str | int | None) -> Scheme | None:
    """The scheme asked for (any version of the congress), else the year's, else None."""
    if value not in (None, ""):
        try:
            return Scheme.objects.get(pk=int(str(value)), jurisdiction_id=jurisdiction_id)
        except (Scheme.DoesNotExist, ValueError):
            raise BadRequest(_("No such scheme.")) from None
    return schemes.for_year(jurisdiction_id, year)


def last_months(count: int = 24) -> list[str]:
    today = timezone.localdate()
    out, y, m = [], today.year, today.month
    for _i in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def this_year() -> int:
    return timezone.localdate().year
