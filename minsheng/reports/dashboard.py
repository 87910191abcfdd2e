"""The dashboards' figures: one `Panel` per figure, each a table (the numbers, in the order
the chart draws them) and a chart drawn from that same table (`charts`, SVG for the page).

Every number comes from the reports' figures (`reports.figures`, the functions the annual
report, the brief and the workbook call) or the evaluation's (`evaluation.figures.scores`,
the ranking page's and the API's): nothing is counted here, so the dashboard, the report and
the API agree by construction (`tests/test_reports_dashboard.py` checks it against the API).

A panel's table is also its Excel download (`views.dashboard_table`), so "every figure and
table on the page" downloads as the rows the page shows.

A panel's chart is a `chart_cache.Chart` (plain data: what to draw), drawn on demand into the
chart files shared by every process (`chart_cache`). The words a chart writes (the value's
unit, "no data", the months) are the page's language; the Word documents call `charts`
directly and stay Chinese.

`cached` is the page's way in: the panels built once per data version (`data_version`: the
event log's head and a fingerprint of the period's suggestions) and day, language and period,
kept in Django's cache with their tables' markup and their SVGs ready, so a page shown again
between two changes runs two small queries for its figures instead of twenty.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from minsheng.lib.spreadsheets import CellValue, Column
from minsheng.reports import charts
from minsheng.reports import figures as report_figures
from minsheng.reports.chart_cache import CODE_STAMP, Chart
from minsheng.reports.figures import Period
from minsheng.suggestions.models import Rating, Reply, Suggestion

__all__ = ["KEYS", "Panel", "Table", "build", "cached", "data_version", "panels", "table"]

ALT_ROWS = 6
ONE_SERIES = ("#4a7ab5",)  # one colour where the bars are one measure of many groups
COLOUR_RED, COLOUR_YELLOW, COLOUR_GREEN, COLOUR_GREY = "#b22222", "#d4a017", "#2e8b57", "#7f7f7f"
CACHE_SECONDS = 300  # what the data version does not see (a renamed unit, a new scheme)


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
    chart: Chart | None = None  # what to draw; drawn (or read from its file) on demand
    note: str = ""
    link: str = ""  # a page with more (the ranking page)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_chart(self) -> bool:
        return self.chart is not None

    @functools.cached_property
    def head(self) -> list[tuple[str, bool]]:
        return list(zip(self.table.headers, self.table.numeric(), strict=True))

    @functools.cached_property
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

    @functools.cached_property
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
        from minsheng.reports import chart_cache

        if self.chart is None:
            return mark_safe("")
        return mark_safe(chart_cache.svg(self.chart, self.alt)[0])  # noqa: S308 - our own markup

    def prepare(self) -> Panel:
        """Everything the page reads, worked out now (before the panel is cached)."""
        for name in ("head", "body_html", "alt", "svg"):
            getattr(self, name)
        return self


# --- the words a chart writes, in the page's language -----------------------------------------


def _chinese() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("zh")


def _bar(
    key: str, title: str, labels: Sequence[str], values: Sequence[float], **options: Any
) -> Chart:
    words = options.pop("words", _items)
    value_labels = [words(int(v)) % {"n": f"{int(v):,}"} for v in values]
    return Chart.bar(
        key,
        title,
        labels,
        values,
        value_labels=tuple(value_labels),
        no_data=_("No data"),
        **options,
    )


# What is written after a bar (12件 / 12 items, 1 item), a format of the number `n`.
def _items(n: int) -> str:
    return npgettext("chart", "%(n)s item", "%(n)s items", n)


def _replies(n: int) -> str:
    return npgettext("chart", "%(n)s reply", "%(n)s replies", n)


def _points(n: int) -> str:
    return npgettext("chart", "%(n)s point", "%(n)s points", n)


def _units(n: int) -> str:
    return npgettext("chart", "%(n)s unit", "%(n)s units", n)


def _month_label(month: datetime.date, one_year: bool) -> str:
    if not one_year:
        return f"{month.year % 100}/{month.month}"
    return f"{month.month}月" if _chinese() else calendar.month_abbr[month.month]


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
    one_year = len({m.month.year for m in months}) == 1
    chinese = _chinese()
    table = Table(
        [_("Month"), _("Registered"), _("Answered")],
        [[m.label if chinese else f"{m.month:%Y-%m}", m.registered, m.answered] for m in months],
    )
    title = _("Suggestions registered and answered each month")
    series = (
        (_("Registered"), [m.registered for m in months]),
        (_("Answered"), [m.answered for m in months]),
    )
    labels = [_month_label(m.month, one_year) for m in months]
    chart = Chart.line("monthly", title, labels, series, no_data=_("No data"))
    return Panel("monthly", title, table, chart)


def _states(period: Period, today: datetime.date) -> Panel:
    found = report_figures.states(period)
    words = dict(Suggestion.State.choices)
    labels = [str(words[s]) for s in found]
    values = list(found.values())
    table = Table(
        [_("State"), _("Suggestions")], [[w, n] for w, n in zip(labels, values, strict=True)]
    )
    title = _("Suggestions by state now")
    chart = _bar("states", title, labels, values, horizontal=True, colours=ONE_SERIES)
    return Panel("states", title, table, chart)


def _warnings(period: Period, today: datetime.date) -> Panel:
    w = report_figures.warnings(period, today)
    labels = [_("Red: overdue"), _("Yellow: due soon"), _("Green: on time"), _("No due date")]
    values = [w.red, w.yellow, w.green, w.none]
    table = Table(
        [_("Light"), _("Suggestions in handling")],
        [[lbl, v] for lbl, v in zip(labels, values, strict=True)],
    )
    title = _("Warning lights of the suggestions in handling")
    colours = (COLOUR_RED, COLOUR_YELLOW, COLOUR_GREEN, COLOUR_GREY)
    return Panel(
        "warnings",
        title,
        table,
        _bar("warnings", title, labels, values, horizontal=True, colours=colours),
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
    colours = (COLOUR_GREEN, "#6b8e23", COLOUR_RED, COLOUR_GREY)
    values = [s.counts[k] for k in keys]
    return Panel(
        "satisfaction",
        title,
        table,
        _bar("satisfaction", title, labels, values, horizontal=True, colours=colours),
        note=_("Not rated (the window passed) is shown apart and never counted as satisfied."),
        extra={"rate": s.satisfied_rate},
    )


def _reply_categories(period: Period, today: datetime.date) -> Panel:
    from minsheng.reports.documents import CATEGORY_WORDS

    c = report_figures.categories(period)
    codes = list(Reply.Category.values)
    if _chinese():  # the official wording of the four categories, as in the annual report
        meaning = CATEGORY_WORDS
    else:
        meaning = {k: str(v).split(" · ", 1)[-1] for k, v in Reply.Category.choices}
    table = Table(
        [_("Category"), _("Meaning"), _("Replies"), _("Share (%)")],
        [[code, meaning[code], c.counts[code], c.share(code)] for code in codes],
        frozenset({3}),
    )
    title = _("Result categories of the first replies (A/B/C/D)")
    labels = [_("Category %(code)s") % {"code": code} for code in codes]
    values = [c.counts[code] for code in codes]
    chart = _bar("reply_categories", title, labels, values, words=_replies)
    return Panel("reply_categories", title, table, chart)


# Three panels of one shape: named groups (the figure), their table and a bar per group.
# key: (the figure, (the table's first header, the title, the note when bars are left out)).
GROUPS: dict[
    str, tuple[Callable[[Period, datetime.date], list[Any]], Callable[[], tuple[str, str, str]]]
] = {
    "categories": (
        report_figures.by_category,
        lambda: (
            _("Category"),
            _("Suggestions by category"),
            _("The chart shows the first %(n)s categories; the table has them all."),
        ),
    ),
    "units": (
        report_figures.by_unit,
        lambda: (
            _("Handling unit"),
            _("Suggestions by handling unit (lead and separate)"),
            _("The chart shows the first %(n)s units; the table has them all."),
        ),
    ),
    "delegations": (
        report_figures.by_delegation,
        lambda: (
            _("Delegation"),
            _("Suggestions by delegation of the lead deputy"),
            _("The chart shows the first %(n)s delegations; the table has them all."),
        ),
    ),
}


def _groups(key: str) -> Callable[[Period, datetime.date], Panel]:
    figure, words = GROUPS[key]

    def build(period: Period, today: datetime.date) -> Panel:
        groups = figure(period, today)
        first, title, more = words()
        labels, values = [g.name for g in groups], [g.count for g in groups]
        return Panel(
            key,
            title,
            _name_rows(groups, first, joint=key == "units"),
            _bar(key, title, labels, values, horizontal=True, colours=ONE_SERIES),
            note=more % {"n": charts.MAX_BARS_SHOWN} if len(groups) > charts.MAX_BARS_SHOWN else "",
        )

    return build


def _ranking(period: Period, today: datetime.date) -> Panel:
    """The evaluation's ranking of the units for the period's calendar year or month, under
    the year's scheme (the ranking page's and the API's own `evaluation.figures.scores`)."""
    from django.urls import reverse

    from minsheng.evaluation import figures as evaluation
    from minsheng.evaluation import schemes
    from minsheng.evaluation.scoring import FAIL, GOOD, NO_DATA, PASS, POINTS
    from minsheng.evaluation.scoring import Period as EvaluationPeriod

    title = _("Unit ranking (evaluation)")
    empty = Table([_("Rank"), _("Handling unit"), _("Result")], [])
    year = period.start.year
    if period.is_calendar_year:
        asked, query = EvaluationPeriod.year(year), f"year={year}"
        under = _("Under %(scheme)s, for %(year)s.")
        when: dict[str, object] = {"year": year}
    elif period.is_calendar_month:
        month = period.start.month
        asked, query = EvaluationPeriod.month(year, month), f"month={year:04d}-{month:02d}"
        under = _("Under %(scheme)s, for %(month)s.")
        when = {
            "month": f"{year}年{month}月" if _chinese() else f"{calendar.month_name[month]} {year}"
        }
    else:
        return Panel(
            "ranking",
            title,
            empty,
            note=_(
                "The evaluation ranks units by calendar year or month: choose a year, or a "
                "period from the first to the last day of one month, to see the ranking."
            ),
        )
    scheme = schemes.for_year(period.jurisdiction.pk, year)
    if scheme is None:
        return Panel("ranking", title, empty, note=_("No evaluation scheme is set for this year."))
    scope = evaluation.scope(period.jurisdiction.pk, asked, today)
    rows = evaluation.scores(scope, scheme)
    name = f"{scheme.name} v{scheme.version}"
    if scheme.style == POINTS:
        table = Table(
            [_("Rank"), _("Handling unit"), _("Score")],
            [[r.score.rank, r.unit, r.score.score] for r in rows],
        )
        scored = [r for r in rows if r.score.score is not None]
        chart = _bar(
            "ranking",
            f"{title} · {name}",
            [r.unit for r in scored],
            [round(r.score.score or 0, 1) for r in scored],
            horizontal=True,
            words=_points,
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
        chart = _bar(
            "ranking",
            f"{title} · {name}",
            [str(words[k]) for k in order],
            counts,
            words=_units,
            colours=(COLOUR_GREEN, COLOUR_YELLOW, COLOUR_RED, COLOUR_GREY),
        )
    return Panel(
        "ranking",
        title,
        table,
        chart,
        note=under % {"scheme": name, **when},
        link=f"{reverse('evaluation:ranking')}?{query}",
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
    "categories": _groups("categories"),
    "units": _groups("units"),
    "delegations": _groups("delegations"),
}
KEYS = tuple(BUILDERS)


def table(key: str, period: Period, today: datetime.date) -> Panel:
    """One panel (its table; its chart is drawn only if asked for)."""
    return BUILDERS[key](period, today)


def panels(period: Period, today: datetime.date) -> list[Panel]:
    return [builder(period, today) for builder in BUILDERS.values()]


def build(period: Period, today: datetime.date) -> dict[str, Panel]:
    return {key: builder(period, today) for key, builder in BUILDERS.items()}


# --- the page's panels, cached under the data's version ---------------------------------------


def data_version(period: Period) -> str:
    """What the figures are computed from, in two small reads: the event log's head (every
    registration, assignment, reply, rating and state change is an event) and the count,
    highest id and summed row versions of the period's suggestions (what changed without an
    event: an import, a direct edit)."""
    from minsheng.disclosure.caching import version

    seq, _at = version()
    rows = report_figures.suggestions_of(period).aggregate(
        n=Count("pk"), top=Max("pk"), versions=Sum("version")
    )
    return f"{seq}-{rows['n']}-{rows['top'] or 0}-{rows['versions'] or 0}"


def _key(period: Period, today: datetime.date, version: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    raw = (
        f"{period.jurisdiction.pk}|{period.start}|{period.end}|{today}|{language}|{version}|"
        f"{CODE_STAMP}"
    )
    return "minsheng:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached(period: Period, today: datetime.date) -> dict[str, Panel]:
    """`build`, with every panel prepared (its table's markup, its SVG), kept in Django's
    cache under the data version for `CACHE_SECONDS`: the figures are computed again as soon
    as an event is sealed or a suggestion of the period changes, and at the latest after five
    minutes for what neither shows (a unit or a category renamed, a year's scheme chosen)."""
    key = _key(period, today, data_version(period))
    found = cache.get(key)
    if isinstance(found, dict) and set(found) == set(KEYS):
        return found
    found = {k: p.prepare() for k, p in build(period, today).items()}
    cache.set(key, found, getattr(settings, "DASHBOARD_CACHE_SECONDS", CACHE_SECONDS))
    return found


def predraw(period: Period, today: datetime.date) -> tuple[int, int]:
    """Draw every chart of the period's dashboard, in each language of the site, into the
    chart files (`minsheng report dashboard`): (drawn now, found drawn already)."""
    from minsheng.reports import chart_cache

    drawn = found = 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for panel in build(period, today).values():
                if panel.chart is not None:
                    _svg, new = chart_cache.svg(panel.chart, panel.alt)
                    drawn, found = drawn + new, found + (not new)
    return drawn, found
