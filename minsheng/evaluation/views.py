"""The evaluation pages: the monthly ranking, a unit's card, the suggestions behind a figure,
the satisfaction measurement. Each table also downloads as Excel (`?format=xlsx`), from the
same rows the page shows.

Thin views: the access rule (`permissions.require_audience` / `get_unit_for_user`), the period
and scheme asked for (`periods`), the figures (`figures`), render."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minsheng.evaluation import figures, periods, schemes
from minsheng.evaluation.indicators import INDICATORS
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.permissions import get_unit_for_user, require_audience
from minsheng.evaluation.scoring import FAIL, GOOD, NO_DATA, PASS, POINTS, Tally
from minsheng.lib.spreadsheets import CellValue, Column, write_table, xlsx_response
from minsheng.people.models import User
from minsheng.suggestions.models import Suggestion

MAX_MEMBERS = 1000


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def gate_labels() -> dict[str, str]:
    return {GOOD: _("Good"), PASS: _("Pass"), FAIL: _("Fail"), NO_DATA: _("No data")}


def value_text(value: float | None) -> str:
    return _("No data") if value is None else f"{value:g}%"


def _xlsx(
    title: str, filename: str, columns: Sequence[Column], rows: Sequence[Sequence[CellValue]]
) -> HttpResponseBase:
    return xlsx_response(
        lambda out: write_table(out, title=title, columns=columns, rows=rows), filename
    )


def _bad(request: HttpRequest, error: periods.BadRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/bad_request.html",
        {"error": str(error), "months": periods.last_months()},
        status=400,
    )


# --- the ranking -------------------------------------------------------------------------------


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    audience = require_audience(user, rank=True)
    try:
        asked = periods.period(request.GET.get("month"), request.GET.get("year"))
        scheme = periods.scheme(audience.jurisdiction_id, asked.year, request.GET.get("scheme"))
    except periods.BadRequest as error:
        return _bad(request, error)
    available = schemes.latest(audience.jurisdiction_id)
    rows: list[figures.UnitRow] = []
    if scheme is not None:
        scope = figures.scope(audience.jurisdiction_id, asked.period)
        only = None if audience.all_units else sorted(audience.unit_ids)
        rows = figures.scores(scope, scheme, only_units=only)
    labels = gate_labels()
    keys = scheme.indicator_keys if scheme else []
    unit_base = reverse("evaluation:ranking") + "units/"
    key_labels = {key: str(INDICATORS[key].label) for key in keys}
    query = asked.query() + (f"&scheme={scheme.pk}" if scheme else "")
    for row in rows:
        # Every shown value prepared here once, as text (no per-cell filters in the template).
        row.parts_shown = [  # type: ignore[attr-defined]
            (p.label, labels[p.result] if p.result else _points(p.points, p.weight), p.result)
            for p in row.score.parts
        ]
        row.shown = {  # type: ignore[attr-defined]
            "rank": str(row.score.rank) if row.score.rank else "—",
            "url": f"{unit_base}{row.unit_id}/?{query}",
            "result": _score_text(row),
            "parts": [(label, shown) for label, shown, _r in row.parts_shown],  # type: ignore[attr-defined]
            "cells": [
                (
                    key_labels[key],
                    f"{unit_base}{row.unit_id}/{key}/?{asked.query()}"
                    if row.tallies[key].counted
                    else "",
                    value_text(row.values[key]),
                    f"({row.tallies[key].met:,}/{row.tallies[key].counted:,})"
                    if row.tallies[key].counted
                    else "",
                )
                for key in keys
            ],
        }
    if request.GET.get("format") == "xlsx" and scheme is not None:
        return _ranking_xlsx(scheme, asked, rows, keys)
    return render(
        request,
        "evaluation/ranking.html",
        {
            "asked": asked,
            "scheme": scheme,
            "schemes": available,
            "rows": rows,
            "keys": [(k, INDICATORS[k].label) for k in keys],
            "parts": [p.label for p in rows[0].score.parts] if rows else [],
            "months": periods.last_months(),
            "is_points": scheme is not None and scheme.style == POINTS,
            "result_labels": labels,
            "query": query,
        },
    )


def _points(points: float | None, weight: float | None) -> str:
    if points is None:
        return _("No data")
    return f"{points:g} / {weight:g}"


def _score_text(row: figures.UnitRow) -> str:
    if row.score.style == POINTS:
        return _("No data") if row.score.score is None else f"{row.score.score:g}"
    return gate_labels()[row.score.result]


def _ranking_xlsx(
    scheme: Scheme, asked: periods.Asked, rows: list[figures.UnitRow], keys: list[str]
) -> HttpResponseBase:
    parts = [p.label for p in rows[0].score.parts] if rows else []
    columns = [
        Column(_("Rank"), 6),
        Column(_("Unit"), 28),
        Column(_("Result"), 10),
        *[Column(label, 12) for label in parts],
        *[Column(str(INDICATORS[k].label), 14) for k in keys],
    ]
    data: list[list[CellValue]] = []
    for row in rows:
        data.append(
            [
                row.score.rank,
                row.unit,
                _score_text(row),
                *[shown for _label, shown, _r in row.parts_shown],  # type: ignore[attr-defined]
                *[row.values[k] if row.values[k] is not None else _("No data") for k in keys],
            ]
        )
    period = asked.month_value or str(asked.year)
    return _xlsx(f"{scheme.name} {period}", f"单位排名-{scheme.name}-{period}.xlsx", columns, data)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The navigation's entry: a unit's clerks and heads go to their (first) unit's card, the
    others who may rank to the ranking."""
    audience = require_audience(_user(request))
    if audience.can_rank:
        return redirect("evaluation:ranking")
    return redirect("evaluation:unit", pk=min(audience.unit_ids))


# --- a unit's card -----------------------------------------------------------------------------


@login_required
@require_GET
def unit_card(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    unit = get_unit_for_user(user, pk)
    audience = require_audience(user)
    try:
        asked = periods.period(request.GET.get("month"), request.GET.get("year"))
        scheme = periods.scheme(audience.jurisdiction_id, asked.year, request.GET.get("scheme"))
    except periods.BadRequest as error:
        return _bad(request, error)
    scope = figures.scope(audience.jurisdiction_id, asked.period)
    card = figures.unit_card(scope, unit.pk, scheme)
    rows = [
        (
            key,
            d.label,
            d.description,
            card["tallies"][key],
            value_text(card["tallies"][key].value),
            d.higher_is_better,
        )
        for key, d in INDICATORS.items()
    ]
    if request.GET.get("format") == "xlsx":
        columns = [
            Column(_("Indicator"), 30),
            Column(_("Counted"), 10),
            Column(_("Met"), 10),
            Column(_("Value (%)"), 12),
            Column(_("Higher is better"), 10),
        ]
        data: list[list[CellValue]] = [
            [
                str(label),
                t.counted,
                t.met,
                t.value if t.value is not None else _("No data"),
                _("Yes") if up else _("No"),
            ]
            for _k, label, _d, t, _v, up in rows
        ]
        period = asked.month_value or str(asked.year)
        return _xlsx(f"{unit.name} {period}", f"单位评价-{unit.name}-{period}.xlsx", columns, data)
    score = card["score"]
    labels = gate_labels()
    return render(
        request,
        "evaluation/unit_card.html",
        {
            "unit": unit,
            "asked": asked,
            "scheme": scheme,
            "rows": rows,
            "score": score,
            "score_text": (
                (_("No data") if score.score is None else f"{score.score:g}")
                if score and score.style == POINTS
                else (labels[score.result] if score else "")
            ),
            "parts": [
                (p.label, labels[p.result] if p.result else _points(p.points, p.weight), p.result)
                for p in (score.parts if score else [])
            ],
            "months": periods.last_months(),
            "schemes": schemes.latest(audience.jurisdiction_id),
            "can_rank": audience.can_rank,
            "query": asked.query() + (f"&scheme={scheme.pk}" if scheme else ""),
        },
    )


# --- the suggestions behind a figure -----------------------------------------------------------


@login_required
@require_GET
def drill_down(request: HttpRequest, pk: int, key: str) -> HttpResponseBase:
    user = _user(request)
    unit = get_unit_for_user(user, pk)
    audience = require_audience(user)
    if key not in INDICATORS:
        from django.http import Http404

        raise Http404("No such indicator.")
    try:
        asked = periods.period(request.GET.get("month"), request.GET.get("year"))
    except periods.BadRequest as error:
        return _bad(request, error)
    scope = figures.scope(audience.jurisdiction_id, asked.period)
    found = figures.members(scope, key, unit.pk)
    tally = Tally(len(found), sum(1 for m in found if m.met))
    visible = {
        s.pk: s
        for s in Suggestion.objects.visible_to(user)
        .filter(pk__in={m.suggestion_id for m in found})
        .only("pk", "series", "number", "title", "state")
    }
    states = dict(Suggestion.State.choices)
    rows = []
    for m in found[:MAX_MEMBERS]:
        s = visible.get(m.suggestion_id)
        if s is not None:
            rows.append((s, m.met, states.get(s.state, s.state)))
    hidden = sum(1 for m in found if m.suggestion_id not in visible)
    declared = INDICATORS[key]
    if request.GET.get("format") == "xlsx":
        columns = [
            Column(_("Number"), 14),
            Column(_("Title"), 50),
            Column(_("State"), 12),
            Column(_("Met"), 8),
        ]
        data: list[list[CellValue]] = [
            [s.display_number, s.title, str(state), _("Yes") if met else _("No")]
            for s, met, state in rows
        ]
        period = asked.month_value or str(asked.year)
        return _xlsx(
            f"{declared.label} {period}",
            f"{unit.name}-{declared.label}-{period}.xlsx",
            columns,
            data,
        )
    return render(
        request,
        "evaluation/drill_down.html",
        {
            "unit": unit,
            "key": key,
            "indicator": declared,
            "asked": asked,
            "tally": tally,
            "value": value_text(tally.value),
            "rows": rows,
            "hidden": hidden,
            "cut": max(0, len(found) - MAX_MEMBERS),
            "card_url": reverse("evaluation:unit", args=[unit.pk]) + "?" + asked.query(),
            "query": asked.query(),
        },
    )


# --- satisfaction ------------------------------------------------------------------------------


def satisfaction_groups() -> list[tuple[str, str]]:
    return [
        ("unit", _("By unit")),
        ("category", _("By category")),
        ("delegation", _("By delegation")),
        ("year", _("By year")),
    ]


@login_required
@require_GET
def satisfaction(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    audience = require_audience(user, rank=True)
    by = request.GET.get("by", "unit")
    if by not in figures.GROUPS:
        by = "unit"
    try:
        year_value = request.GET.get("year") or None
        year = periods.period(None, year_value).year if year_value else None
    except periods.BadRequest as error:
        return _bad(request, error)
    rows, total = figures.satisfaction(audience.jurisdiction_id, by=by, year=year)
    if not audience.all_units:
        if by != "unit":
            by, (rows, total) = (
                "unit",
                figures.satisfaction(audience.jurisdiction_id, by="unit", year=year),
            )
        rows = [r for r in rows if r.key in audience.unit_ids]
        total = figures.Satisfaction()
        for r in rows:
            total.add(r)
    visible = Suggestion.objects.visible_to(user).filter(jurisdiction_id=audience.jurisdiction_id)
    unsatisfied = figures.unsatisfied(visible, year=year)
    if not audience.all_units:
        unsatisfied = [
            u for u in unsatisfied if u.rating.reply.assignment.unit_id in audience.unit_ids
        ]
    table = request.GET.get("table", "rates")
    if request.GET.get("format") == "xlsx":
        return _satisfaction_xlsx(table, by, year, rows, total, unsatisfied)
    states = dict(Suggestion.State.choices)
    ratings = dict(figures.Rating.Overall.choices)
    return render(
        request,
        "evaluation/satisfaction.html",
        {
            "rows": rows,
            "total": total,
            "by": by,
            "groups": satisfaction_groups() if audience.all_units else satisfaction_groups()[:1],
            "year": year,
            "years": list(range(periods.this_year(), periods.this_year() - 6, -1)),
            "unsatisfied": [
                (u, states.get(u.rating.suggestion.state, ""), ratings.get(u.next_rating, ""))
                for u in unsatisfied
            ],
            "query": f"by={by}" + (f"&year={year}" if year else ""),
            "unit_base": reverse("evaluation:ranking") + "units/",
        },
    )


def _satisfaction_xlsx(
    table: str,
    by: str,
    year: int | None,
    rows: list[figures.Satisfaction],
    total: figures.Satisfaction,
    unsatisfied: list[figures.Unsatisfied],
) -> HttpResponseBase:
    suffix = str(year) if year else _("all years")
    if table == "unsatisfied":
        states = dict(Suggestion.State.choices)
        columns = [
            Column(_("Number"), 14),
            Column(_("Title"), 40),
            Column(_("Unit"), 24),
            Column(_("Round"), 6),
            Column(_("Rated"), 12, "date"),
            Column(_("Reasons"), 50),
            Column(_("State now"), 12),
            Column(_("Next reply sent"), 12, "date"),
            Column(_("Next rating"), 14),
        ]
        ratings = dict(figures.Rating.Overall.choices)
        data: list[list[CellValue]] = [
            [
                u.rating.suggestion.display_number,
                u.rating.suggestion.title,
                u.rating.reply.assignment.unit.name,
                u.rating.round,
                u.rating.rated_at.date(),
                u.rating.reasons,
                str(states.get(u.rating.suggestion.state, "")),
                u.next_reply.sent_at.date() if u.next_reply and u.next_reply.sent_at else None,
                str(ratings.get(u.next_rating, "")),
            ]
            for u in unsatisfied
        ]
        return _xlsx(_("Unsatisfied"), f"不满意建议-{suffix}.xlsx", columns, data)
    columns = [
        Column(dict(satisfaction_groups())[by], 28),
        Column(_("Satisfied"), 10),
        Column(_("Basically satisfied"), 10),
        Column(_("Unsatisfied"), 10),
        Column(_("Rated"), 10),
        Column(_("Satisfaction (%)"), 12),
        Column(_("Not rated"), 10),
        Column(_("Process rated"), 10),
        Column(_("Process satisfied (%)"), 12),
        Column(_("Result rated"), 10),
        Column(_("Result satisfied (%)"), 12),
    ]

    def line(r: figures.Satisfaction, label: str) -> list[CellValue]:
        return [
            label,
            r.satisfied,
            r.basically,
            r.unsatisfied,
            r.rated,
            r.rate,
            r.not_rated,
            r.process_rated,
            r.process_rate,
            r.result_rated,
            r.result_rate,
        ]

    data = [line(r, r.label or "—") for r in rows] + [line(total, _("Total"))]
    return _xlsx(_("Satisfaction"), f"满意度测评-{suffix}.xlsx", columns, data)
