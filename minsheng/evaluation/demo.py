"""Demo: the three presets of DOMAIN.md §6 for the demo province, this year scored by the
Hainan points and last year by the Shenzhen gates (run by `minsheng demo` after the ledger's
demo modules; idempotent)."""

from __future__ import annotations

from django.utils import timezone

from minsheng.evaluation import figures, schemes
from minsheng.evaluation.models import Scheme, YearScheme
from minsheng.evaluation.presets import HAINAN, SHENZHEN
from minsheng.evaluation.scoring import Period
from minsheng.people.demo import DemoContext


def build(ctx: DemoContext) -> None:
    province = ctx.province
    staff = ctx.cast.get("staff")
    schemes.load_presets(province, by=staff)
    year = timezone.localdate().year
    for y, code in ((year, HAINAN), (year - 1, SHENZHEN)):
        if not YearScheme.objects.filter(jurisdiction=province, year=y).exists():
            chosen = Scheme.objects.filter(jurisdiction=province, code=code).order_by("-version")[0]
            schemes.use_for_year(province, y, chosen)
    scheme = schemes.for_year(province.pk, year)
    assert scheme is not None
    rows = figures.scores(figures.scope(province.pk, Period.year(year)), scheme)
    scored = sum(1 for r in rows if r.score.has_data)
    ctx.log.append(
        f"evaluation: 3 schemes; {year} scored by {scheme.name}: {scored} of {len(rows)} units"
    )
