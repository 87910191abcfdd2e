"""The dashboards' figures: one `Panel` per figure, each a table (the numbers, in the order
the chart draws them) and a chart drawn from that same table (`charts`, SVG for the page).

Every number comes from the reports' figures (`reports.figures`, the functions the annual
report, the brief and the workbook call) or the evaluation's (`evaluation.figures.scores`,
the ranking page's and the API's): nothing is counted here, so the dashboard, the report and
the API agree by construction (`tests/test_reports_dashboard.py` checks it against the API).

A panel's table is also its Excel download (`views.dashboard_table`), so "every figure and
table on the page" downloads as the rows the page shows.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from minsheng.lib.spreadsheets import CellValue, Column
from minsheng.reports import charts
from minsheng.reports import figures as report_figures
from minsheng.reports.figures import Period
from minsheng.suggestions.models import Rating, Reply, Suggestion

__all__ = ["KEYS", "Panel", "Table", "build", "panels", "table"]

ALT_ROWS = 6
ONE_SERIES = ("#4a7ab5",)  # one colour where the bars are one measure of many groups
COLOUR_RED, COLOUR_YELLOW, COLOUR_GREEN, COLOUR_GREY = "#b22222", "#d4a017", "#2e8b57", "#7f7f7f"


@dataclass
class Table:
    """A figure's rows: numbers as numbers, None for no data (shown as 无数据)."""

    headers: list[str]
    rows: list[list[CellValue]]
    percent: frozenset[int] = frozenset()  # columns holding a percentage

    def shown(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = []
            for i, v in enumerate(row):
                if v is None:
                    cells.append(_("no data"))
                elif i in self.percent:
                    cells.append(f"{v:.1f}%")
                elif isinstance(v, int):
                    cells.append(f"{v:,}")
                else:
                    cells.append(str(v))
            out.append(cells)
        return out

    def columns(self) -> list[Column]:
        return [Column(h, max(10, 2 * len(h) + 4)) for h in self.headers]

    def numeric(self) -> list[bool]:
        return [
            any(isinstance(row[i], int | float) for row in self.rows)
            for i in range(len(self.headers))
        ]


@dataclass
class Panel:
    key: str
    title: str
    table: Table
    chart: Callable[[str], str] | None = None  # (alt text) -> SVG markup, drawn on demand
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_chart(self) -> bool:
        return self.chart is not None

    @property
    def head(self) -> list[tuple[str, bool]]:
        return list(zip(self.table.headers, self.table.numeric(), strict=True))

    @property
    def body_html(self) -> SafeString:
        """The table's rows as markup, built once here rather than cell by cell in the
        template (a units table is a few hundred cells): every cell escaped."""
        numeric = self.table.numeric()
        rows = []
        for row in self.table.shown():
            cells = [f'<th scope="row">{escape(row[0])}</th>'] + [
                f'<td class="num">{escape(v)}</td>' if numeric[i] else f"<td>{escape(v)}</td>"
                for i, v in enumerate(row[1:], start=1)
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("".join(rows))  # noqa: S308 - every cell escaped above

    @property
    def alt(self) -> str:
        """The chart's alternative text: its title and its first rows, as a sentence."""
        rows = self.table.shown()[:ALT_ROWS]
        parts = [f"{row[0]} {row[1]}" for row in rows if len(row) > 1]
        more = len(self.table.rows) - len(rows)
        text = f"{self.title}：" + "；".join(parts) if parts else f"{self.title}：{_('no data')}"
        if more > 0:
            text += _("; %(n)s more in the data table") % {"n": more}
        return text + "。"

    @functools.cached_property
    def svg(self) -> SafeString:
        return mark_safe(self.chart(self.alt)) if self.chart else mark_safe("")  # noqa: S308 - our own markup


@functools.lru_cache(maxsize=256)
def _bar(title: str, labels: tuple[str, ...], values: tuple[float, ...], **kw: Any) -> str:
    """The same figure drawn once: a page shown again with unchanged numbers costs no drawing."""
    return str(charts.bar_chart(title, labels, values, fmt="svg", **kw))


@functools.lru_cache(maxsize=64)
def _line(
    title: str,
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[int, ...]], ...],
    key: str,
    alt: str,
) -> str:
    return str(charts.line_chart(title, labels, series, fmt="svg", key=key, alt=alt))


def bar(
    key: str, title: str, labels: Sequence[str], values: Sequence[float], **kw: Any
) -> Callable[[str], str]:
    if kw.get("colours") is not None:
        kw["colours"] = tuple(kw["colours"])
    return lambda alt: _bar(title, tuple(labels), tuple(values), key=key, alt=alt, **kw)


def _name_rows(groups: list[report_figures.Group], first: str, *, joint: bool = False) -> Table:
    headers = [first, _("Suggestions")]
    if joint:
        headers.append(_("Joint (会办)"))
    headers += [_("Answered"), _("Answered on time (%)"), _("Overdue")]
    rows: list[list[CellValue]] = []
    for g in groups:
        row: list[CellValue] = [g.name, g.count]
        if joint:
            row.append(g.extra.get("joint", 0))
        row += [g.answered, g.on_time_rate, g.overdue]
        rows.append(row)
    return Table(headers, rows, frozenset({len(headers) - 2}))


# --- the panels ----------------------------------------------------------------------------------


def _totals(period: Period, today: datetime.date) -> Panel:
    t = report_figures.totals(period, today)
    rows: list[list[CellValue]] = [
        [_("Registered"), t.registered],
        [_("Between sessions"), t.between_sessions],
        [_("Key suggestions"), t.key],
        [_("Answered"), t.answered],
        [_("In handling"), t.in_handling],
        [_("Overdue"), t.overdue],
        [_("Closed"), t.closed],
        [_("Answered on time (%)"), t.on_time_rate],
    ]
    table = Table([_("Figure"), _("Value")], rows)
    return Panel("totals", _("Headline figures"), table, extra={"totals": t})


def _monthly(period: Period, today: datetime.date) -> Panel:
    months = report_figures.monthly(period, today)
    labels = [
        f"{m.month.month}月"
        if len({x.month.year for x in months}) == 1
        else f"{m.month.year % 100}/{m.month.month}"
        for m in months
    ]
    table = Table(
        [_("Month"), _("Registered"), _("Answered")],
        [[m.label, m.registered, m.answered] for m in months],
    )
    title = _("Suggestions registered and answered each month")
    series = (
        (_("Registered"), tuple(m.registered for m in months)),
        (_("Answered"), tuple(m.answered for m in months)),
    )
    return Panel(
        "monthly", title, table, lambda alt: _line(title, tuple(labels), series, "monthly", alt)
    )


def _states(period: Period, today: datetime.date) -> Panel:
    found = report_figures.states(period)
    words = dict(Suggestion.State.choices)
    labels = [str(words[s]) for s in found]
    table = Table(
        [_("State"), _("Suggestions")],
        [[w, n] for w, n in zip(labels, found.values(), strict=True)],
    )
    title = _("Suggestions by state now")
    return Panel(
        "states",
        title,
        table,
        bar("states", title, labels, list(found.values()), horizontal=True, colours=ONE_SERIES),
    )


def _warnings(period: Period, today: datetime.date) -> Panel:
    w = report_figures.warnings(period, today)
    labels = [_("Red: overdue"), _("Yellow: due soon"), _("Green: on time"), _("No due date")]
    values = [w.red, w.yellow, w.green, w.none]
    table = Table(
        [_("Light"), _("Suggestions in handling")],
        [[lbl, v] for lbl, v in zip(labels, values, strict=True)],
    )
    title = _("Warning lights of the suggestions in handling")
    return Panel(
        "warnings",
        title,
        table,
        bar(
            "warnings",
            title,
            labels,
            values,
            horizontal=True,
            colours=(COLOUR_RED, COLOUR_YELLOW, COLOUR_GREEN, COLOUR_GREY),
        ),
        note=_("Red counts the same suggestions as “overdue” above and on the supervision board."),
    )


def _satisfaction(period: Period, today: datetime.date) -> Panel:
    s = report_figures.satisfaction(period)
    words = dict(Rating.Overall.choices)
    keys = list(Rating.Overall.values)
    labels = [str(words[k]) for k in keys]
    rows: list[list[CellValue]] = [
        [
            str(words[k]),
            s.counts[k],
            (
                None
                if k == Rating.Overall.NOT_RATED
                else report_figures._share(s.counts[k], s.rated)
            ),
        ]
        for k in keys
    ]
    rows.append(
        [
            _("Satisfied or basically satisfied (%)"),
            s.counts.get("satisfied", 0) + s.counts.get("basically", 0),
            s.satisfied_rate,
        ]
    )
    table = Table(
        [_("Rating"), _("Suggestions"), _("Share of those rated (%)")], rows, frozenset({2})
    )
    title = _("Deputies' ratings (latest round)")
    return Panel(
        "satisfaction",
        title,
        table,
        bar(
            "satisfaction",
            title,
            labels,
            [s.counts[k] for k in keys],
            horizontal=True,
            colours=(COLOUR_GREEN, "#6b8e23", COLOUR_RED, COLOUR_GREY),
        ),
        note=_("Not rated (the window passed) is shown apart and never counted as satisfied."),
        extra={"rate": s.satisfied_rate},
    )


def _reply_categories(period: Period, today: datetime.date) -> Panel:
    from minsheng.reports.documents import CATEGORY_WORDS

    c = report_figures.categories(period)
    codes = list(Reply.Category.values)
    table = Table(
        [_("Category"), _("Meaning"), _("Replies"), _("Share (%)")],
        [[code, CATEGORY_WORDS[code], c.counts[code], c.share(code)] for code in codes],
        frozenset({3}),
    )
    title = _("Result categories of the first replies (A/B/C/D)")
    return Panel(
        "reply_categories",
        title,
        table,
        bar(
            "reply_categories",
            title,
            [f"{code}类" for code in codes],
            [c.counts[code] for code in codes],
        ),
    )


def _categories(period: Period, today: datetime.date) -> Panel:
    groups = report_figures.by_category(period, today)
    title = _("Suggestions by category")
    return Panel(
        "categories",
        title,
        _name_rows(groups, _("Category")),
        bar(
            "categories",
            title,
            [g.name for g in groups],
            [g.count for g in groups],
            horizontal=True,
            colours=ONE_SERIES,
        ),
    )


def _units(period: Period, today: datetime.date) -> Panel:
    groups = report_figures.by_unit(period, today)
    title = _("Suggestions by handling unit (lead and separate)")
    return Panel(
        "units",
        title,
        _name_rows(groups, _("Handling unit"), joint=True),
        bar(
            "units",
            title,
            [g.name for g in groups],
            [g.count for g in groups],
            horizontal=True,
            colours=ONE_SERIES,
        ),
        note=_("The chart shows the first %(n)s units; the table has them all.")
        % {"n": charts.MAX_BARS_SHOWN}
        if len(groups) > charts.MAX_BARS_SHOWN
        else "",
    )


def _delegations(period: Period, today: datetime.date) -> Panel:
    groups = report_figures.by_delegation(period, today)
    title = _("Suggestions by delegation of the lead deputy")
    return Panel(
        "delegations",
        title,
        _name_rows(groups, _("Delegation")),
        bar(
            "delegations",
            title,
            [g.name for g in groups],
            [g.count for g in groups],
            horizontal=True,
            colours=ONE_SERIES,
        ),
        note=_("The chart shows the first %(n)s delegations; the table has them all.")
        % {"n": charts.MAX_BARS_SHOWN}
        if len(groups) > charts.MAX_BARS_SHOWN
        else "",
    )


def _ranking(period: Period, today: datetime.date) -> Panel:
    """The evaluation's ranking of the units for the period's year, under the year's scheme
    (the ranking page's and the API's own `evaluation.figures.scores`)."""
    from minsheng.evaluation import figures as evaluation
    from minsheng.evaluation import schemes
    from minsheng.evaluation.scoring import FAIL, GOOD, NO_DATA, PASS, POINTS
    from minsheng.evaluation.scoring import Period as EvaluationPeriod

    title = _("Unit ranking (evaluation)")
    empty = Table([_("Rank"), _("Handling unit"), _("Result")], [])
    if not period.is_calendar_year:
        return Panel(
            "ranking",
            title,
            empty,
            note=_(
                "The evaluation ranks units by year or month: choose a year to see the ranking."
            ),
        )
    year = period.start.year
    scheme = schemes.for_year(period.jurisdiction.pk, year)
    if scheme is None:
        return Panel("ranking", title, empty, note=_("No evaluation scheme is set for this year."))
    scope = evaluation.scope(period.jurisdiction.pk, EvaluationPeriod.year(year), today)
    rows = evaluation.scores(scope, scheme)
    name = f"{scheme.name} v{scheme.version}"
    if scheme.style == POINTS:
        table = Table(
            [_("Rank"), _("Handling unit"), _("Score")],
            [[r.score.rank, r.unit, r.score.score] for r in rows],
        )
        scored = [r for r in rows if r.score.score is not None]
        chart = bar(
            "ranking",
            f"{title} · {name}",
            [r.unit for r in scored],
            [round(r.score.score or 0, 1) for r in scored],
            horizontal=True,
            unit="分",
            colours=ONE_SERIES,
        )
    else:
        words = {GOOD: _("Good"), PASS: _("Pass"), FAIL: _("Fail"), NO_DATA: _("No data")}
        table = Table(
            [_("Rank"), _("Handling unit"), _("Result")],
            [[r.score.rank, r.unit, str(words.get(r.score.result, r.score.result))] for r in rows],
        )
        order = (GOOD, PASS, FAIL, NO_DATA)
        counts = [sum(1 for r in rows if r.score.result == k) for k in order]
        chart = bar(
            "ranking",
            f"{title} · {name}",
            [str(words[k]) for k in order],
            counts,
            unit="个",
            colours=(COLOUR_GREEN, COLOUR_YELLOW, COLOUR_RED, COLOUR_GREY),
        )
    return Panel(
        "ranking",
        title,
        table,
        chart,
        note=_("Under %(scheme)s, for %(year)s.") % {"scheme": name, "year": year},
        extra={"scheme": scheme},
    )


BUILDERS: dict[str, Callable[[Period, datetime.date], Panel]] = {
    "totals": _totals,
    "monthly": _monthly,
    "states": _states,
    "warnings": _warnings,
    "satisfaction": _satisfaction,
    "ranking": _ranking,
    "reply_categories": _reply_categories,
    "categories": _categories,
    "units": _units,
    "delegations": _delegations,
}
KEYS = tuple(BUILDERS)


def table(key: str, period: Period, today: datetime.date) -> Panel:
    """One panel (its table; its chart is drawn only if asked for)."""
    return BUILDERS[key](period, today)


def panels(period: Period, today: datetime.date) -> list[Panel]:
    return [builder(period, today) for builder in BUILDERS.values()]


def build(period: Period, today: datetime.date) -> dict[str, Panel]:
    return {key: builder(period, today) for key, builder in BUILDERS.items()}
