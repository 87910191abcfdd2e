"""Reference views the pages are measured against, mounted only by bench/urls.py.

- `bare`: the smallest Django view behind the same middleware (sessions, auth, locale, CSRF…):
  what any page costs before it does anything.
- `floor_workbench`: the staff workbench's first page written by hand: the same rows (the staff
  visibility rule, newest first, 50 a page), the same columns and the same count, in raw SQL and
  string building. It is what the workbench could cost at best on this stack; `make bench`
  checks that both show the same suggestions and reports the page as a ratio to it.
"""

from __future__ import annotations

import datetime
from html import escape
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

PER_PAGE = 50
STATE_LABELS = {
    "submitted": "已提交",
    "registered": "已立案",
    "assigned": "已交办",
    "handling": "办理中",
    "answered": "已答复",
    "rehandling": "重新办理",
    "closed": "已办结",
    "returned": "退回修改",
    "declined": "不予立案",
    "withdrawn": "已撤回",
    "merged": "已并案",
    "draft": "草稿",
}
MODE_LABELS = {"lead": "主办", "joint": "会办", "separate": "分办"}
IN_HANDLING = ("assigned", "handling", "rehandling")


# --- the signed-in frame -------------------------------------------------------------------------
# What every signed-in page does around its content, by hand: the person's active roles (one
# read; the staff congresses come from it), the unread-message count in the header, the main
# navigation for a staff member, the person's name, the CSRF token of the language and sign-out
# forms, and the footer. A page cannot skip these, so neither does its floor.
STAFF_NAV = "".join(
    f'<li><a href="{href}">{label}</a></li>'
    for href, label in (
        ("/suggestions/list/", "建议"),
        ("/suggestions/assign/", "交办会"),
        ("/suggestions/import/", "导入"),
        ("/reports/dashboard/", "看板"),
        ("/reports/", "办理报告"),
        ("/supervision/", "督办"),
        ("/ledger/", "台账"),
        ("/wishes/", "微心愿"),
        ("/insight/topics/", "热点"),
        ("/insight/duplicates/", "相似建议"),
        ("/gongkai/staff/", "公开审核"),
        ("/wishes/queue/", "待核实心愿"),
        ("/commitments/", "承诺"),
        ("/evaluation/", "评价"),
        ("/evaluation/campaigns/", "评价活动"),
    )
)


def _frame(request: HttpRequest, title: str) -> tuple[list[int], str, str]:
    """(the staff congresses, the page's head and header, its footer)."""
    user = request.user
    with connection.cursor() as cur:
        cur.execute(
            "SELECT kind, jurisdiction_id FROM people_role WHERE user_id = %s AND is_active",
            [user.pk],
        )
        roles = cur.fetchall()
        cur.execute(
            "SELECT COUNT(*) FROM notifications_notification "
            "WHERE recipient_id = %s AND read_at IS NULL",
            [user.pk],
        )
        unread = cur.fetchone()[0]
    staff_j = sorted({j for kind, j in roles if kind in ("staff", "admin")}) or [0]
    count = f' <span class="nav-count">{unread}</span>' if unread else ""
    token = get_token(request)
    name = escape(getattr(user, "real_name", "") or user.get_username())
    head = (
        f"<!doctype html><html lang=zh-hans><meta charset=utf-8><title>{title} · 民生</title>"
        '<header class="site-header"><a class="brand" href="/">民生</a><nav><ul>'
        f'<li><a href="/">我的工作</a></li><li><a href="/notifications/">消息{count}</a></li>'
        f'{STAFF_NAV}<li><a href="/account/">账户</a></li></ul></nav>'
        f'<form action="/i18n/setlang/" method="post"><input type="hidden" '
        f'name="csrfmiddlewaretoken" value="{token}"><button name="language" value="en">'
        f'English</button></form><span class="who">{name}</span><form action="/logout/" '
        f'method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        "<button>退出</button></form></header><main>"
    )
    return staff_j, head, "</main><footer>民生</footer></html>"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


ROWS_SQL = """
SELECT s.id, s.series, s.number, s.title, s.source, s.is_key, s.is_confidential, s.is_complex,
       s.reply_due_uncertain, s.state, s.round, s.reply_due, s.warn_from, s.extended_to,
       u.real_name, d.name, c.name, p.name
FROM suggestions_suggestion s
JOIN people_deputy dep ON dep.id = s.lead_deputy_id
JOIN people_user u ON u.id = dep.user_id
JOIN people_organisation d ON d.id = dep.delegation_id
LEFT JOIN suggestions_category c ON c.id = s.category_id
LEFT JOIN suggestions_category p ON p.id = c.parent_id
WHERE {where}
ORDER BY {order}
LIMIT {limit}
"""
NEWEST = "s.created_at DESC, s.id DESC"

UNITS_SQL = """
SELECT a.suggestion_id, o.short_name, o.name, a.mode
FROM suggestions_assignment a JOIN people_organisation o ON o.id = a.unit_id
WHERE a.suggestion_id IN ({marks}) AND a.state <> 'cancelled'
ORDER BY a.suggestion_id, a.mode, a.id
"""


def _date(value: object) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value  # type: ignore[return-value]
    return datetime.date.fromisoformat(str(value))


# The workbench's filter bar: its choices of session, category and unit, read as the page
# reads them (the person's congresses; categories under their parents), and its fixed selects.
WORKBENCH_CHOICES_SQL = (
    """SELECT se.id, t.number, se.number FROM people_session se
    JOIN people_term t ON t.id = se.term_id WHERE t.jurisdiction_id IN ({marks})
    ORDER BY t.number DESC, se.number DESC""",
    """SELECT c.id, c.name, p.name FROM suggestions_category c
    LEFT JOIN suggestions_category p ON p.id = c.parent_id
    WHERE c.is_active AND c.jurisdiction_id IN ({marks})
    ORDER BY p.sort_order, c.sort_order, c.name""",
    """SELECT o.id, o.name FROM people_organisation o
    WHERE o.is_handling_unit AND o.is_active AND o.jurisdiction_id IN ({marks})
    ORDER BY o.sort_order, o.name""",
)
WORKBENCH_STATES = "".join(f'<option value="{k}">{v}</option>' for k, v in STATE_LABELS.items())


def _workbench_filters(cur: Any, marks: str, staff_j: list[int]) -> str:
    cur.execute(WORKBENCH_CHOICES_SQL[0].format(marks=marks), staff_j)
    sessions = "".join(
        f'<option value="{pk}">第{term}届第{number}次会议</option>' for pk, term, number in cur
    )
    cur.execute(WORKBENCH_CHOICES_SQL[1].format(marks=marks), staff_j)
    categories = "".join(
        f'<option value="{pk}">{escape(f"{parent} › {name}" if parent else name)}</option>'
        for pk, name, parent in cur
    )
    cur.execute(WORKBENCH_CHOICES_SQL[2].format(marks=marks), staff_j)
    units = "".join(f'<option value="{pk}">{escape(name)}</option>' for pk, name in cur)
    return (
        '<form method="get"><input type="search" name="q">'
        f'<select name="session"><option value="">全部</option>{sessions}</select>'
        f'<select name="category"><option value="">全部</option>{categories}</select>'
        f'<select name="unit"><option value="">全部</option>{units}</select>'
        f'<select name="state"><option value="">全部</option>{WORKBENCH_STATES}</select>'
        '<select name="warning"><option value="">全部</option><option value="red">已超期'
        '</option><option value="yellow">即将到期</option><option value="green">正常</option>'
        '</select><input type="date" name="date_from"><input type="date" name="date_to">'
        "<button>筛选</button></form>"
    )


def floor_workbench(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    staff_j, head, foot = _frame(request, "建议")
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(staff_j))
        # The unary plus keeps SQLite from answering the OR with two index searches and a sort
        # of every matching row: the floor walks the created_at index like the page does.
        where = (
            f"((+s.jurisdiction_id IN ({marks}) AND s.state <> 'draft') OR +s.created_by_id = %s)"
        )
        params = [*staff_j, user_id]
        order, order_params = NEWEST, []
        q = request.GET.get("q", "")
        if q:
            # The workbench's search by hand: the index's matches or a deputy of that name,
            # exact title runs first, then titles with every word, then the rest, newest first.
            from minsheng.search import backends, tokens

            query = tokens.parse(q)
            vendor = connection.vendor
            m = backends.match(vendor, "staff", query, "s.id")
            named = (
                "SELECT dep.id FROM people_deputy dep JOIN people_user nu ON nu.id = dep.user_id "
                "WHERE nu.real_name LIKE %s"
            )
            where += f" AND (s.id IN ({m.ids}) OR s.lead_deputy_id IN ({named}))"
            params += [*m.ids_params, f"%{q}%"]
            exact, exact_params = backends.title_ids(vendor, "staff", query, exact=True)
            every, every_params = backends.title_ids(vendor, "staff", query, exact=False)
            order = (
                f"CASE WHEN s.id IN ({exact}) THEN 0 WHEN s.id IN ({every}) THEN 1 ELSE 2 END, "
                + NEWEST
            )
            order_params = [*exact_params, *every_params]
        # Only "%s" placeholders are put into the SQL text; the values go as parameters.
        cur.execute(f"SELECT COUNT(*) FROM suggestions_suggestion s WHERE {where}", params)  # noqa: S608
        count = cur.fetchone()[0]
        cur.execute(
            ROWS_SQL.format(where=where, order=order, limit=PER_PAGE), [*params, *order_params]
        )
        rows = cur.fetchall()
        filters = _workbench_filters(cur, marks, staff_j)
        ids = [r[0] for r in rows] or [0]
        units_sql = UNITS_SQL.format(marks=", ".join(["%s"] * len(ids)))
        cur.execute(units_sql, ids)
        units: dict[int, list[str]] = {}
        for sid, short, name, mode in cur.fetchall():
            label = f"{escape(short or name)}<small>{MODE_LABELS[mode]}</small>"
            units.setdefault(sid, []).append(f'<span class="unit">{label}</span>')
    today = timezone.localdate()
    out = [head, filters, f'<p class="result-count">共{count:,}件</p><table class="list"><tbody>']
    for r in rows:
        (sid, series, number, title, source, key, secret, complex_, uncertain, state, rnd) = r[:11]
        reply_due, warn_from, extended = _date(r[11]), _date(r[12]), r[13]
        deputy, delegation, category, parent = r[14:]
        num = f"{'闭会期间' if series == 'B' else ''}第{number:04d}号" if number else "—"
        flags = "".join(
            f'<span class="flag">{word}</span>'
            for on, word in ((key, "重点"), (secret, "涉密"), (complex_, "复杂"), (uncertain, "⚠"))
            if on
        )
        if reply_due is None:
            due = "—"
        else:
            if state not in IN_HANDLING:
                light = ""
            elif today > reply_due:
                light = '<span class="warn warn-red">● 已超期</span>'
            elif warn_from and today >= warn_from:
                light = '<span class="warn warn-yellow">● 即将到期</span>'
            else:
                light = '<span class="warn warn-green">● 正常</span>'
            ext = " <small>已延期</small>" if extended else ""
            due = f"{reply_due.year}年{reply_due.month}月{reply_due.day}日{ext}<br>{light}"
        cat = f"{parent} › {category}" if parent else (category or "—")
        sub = "" if source == "in_session" else '<span class="sub">闭会期间</span>'
        round_ = f'<span class="sub">第{rnd}轮</span>' if rnd > 1 else ""
        out.append(
            f'<tr data-state="{state}"><td>{num}</td>'
            f'<td class="title"><a href="/suggestions/{sid}/">{escape(title)}</a>{sub}'
            f'<span class="flags">{flags}</span></td>'
            f'<td>{escape(deputy)}<span class="sub">{escape(delegation)}</span></td>'
            f"<td>{escape(cat)}</td><td>{''.join(units.get(sid, [])) or '—'}</td>"
            f'<td><span class="state state-{state}">{STATE_LABELS.get(state, state)}</span>'
            f"{round_}</td><td>{due}</td></tr>"
        )
    out.append(f"</tbody></table>{foot}")
    return HttpResponse("".join(out))


LEDGER_STATUS = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "lagging": "滞后",
    "stopped": "已停止",
}
KIND_LABELS = {
    "practical": "民生实事项目",
    "legislation": "立法及立法调研",
    "inspection": "执法检查",
    "investigation": "专题调研",
    "decision": "重大事项决定",
    "appointment": "人事任免调研与监督",
    "commitment": "B类承诺",
    "other": "其他",
}
LEDGER_SQL = """
SELECT i.id, i.title, i.year, i.kind, i.state, i.all_stopped, i.progress, i.due, i.warn_from,
       i.reported_on, o.name, p.title
FROM ledger_ledgeritem i
LEFT JOIN people_organisation o ON o.id = i.responsible_unit_id
LEFT JOIN ledger_ledgeritem p ON p.id = i.parent_id
WHERE i.jurisdiction_id IN ({marks})
ORDER BY i.due IS NULL, i.due, i.id
LIMIT {limit}
"""


LEDGER_UNITS_SQL = """
SELECT id, name FROM people_organisation
WHERE is_handling_unit AND is_active AND jurisdiction_id IN ({marks}) ORDER BY sort_order, name
"""
# The ledger list's filter bar: its fixed selects and the responsible units.
LEDGER_FILTERS = (
    '<form method="get"><input type="search" name="q">'
    '<select name="kind"><option value="">全部</option>'
    + "".join(f'<option value="{k}">{v}</option>' for k, v in KIND_LABELS.items())
    + '</select><input type="number" name="year"><select name="unit"><option value="">全部'
    "</option>{units}</select>"
    '<select name="status"><option value="">全部</option>'
    + "".join(f'<option value="{k}">{v}</option>' for k, v in LEDGER_STATUS.items())
    + '</select><select name="warning"><option value="">全部</option><option value="red">'
    '已超期</option><option value="yellow">即将到期</option><option value="green">正常</option>'
    '</select><select name="pace"><option value="">全部</option><option value="ordinary">普通'
    '</option><option value="complex">复杂</option></select><select name="sort">'
    '<option value="due">下一截止日</option><option value="-progress">进度最多</option>'
    '<option value="progress">进度最少</option><option value="title">标题</option>'
    '<option value="new">最新</option></select><input type="checkbox" name="top" value="1">'
    "<button>筛选</button></form>"
)


def floor_ledger(request: HttpRequest) -> HttpResponse:
    """The ledger list's first page by hand: staff's rows, next deadline first, 50 a page."""
    staff_j, head, foot = _frame(request, "台账")
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(staff_j))
        cur.execute(LEDGER_UNITS_SQL.format(marks=marks), staff_j)
        units = "".join(
            f'<option value="{pk}">{escape(name)}</option>' for pk, name in cur.fetchall()
        )
        cur.execute(
            f"SELECT COUNT(*) FROM ledger_ledgeritem WHERE jurisdiction_id IN ({marks})",  # noqa: S608
            staff_j,
        )
        count = cur.fetchone()[0]
        cur.execute(LEDGER_SQL.format(marks=marks, limit=PER_PAGE), staff_j)
        rows = cur.fetchall()
    today = timezone.localdate()
    out = [
        head,
        LEDGER_FILTERS.format(units=units),
        f'<p class="result-count">共{count:,}项</p><table class="list"><tbody>',
    ]
    for r in rows:
        pk, title, year, kind, state, all_stopped, progress, due_, warn_, reported, unit, parent = r
        due, warn_from = _date(due_), _date(warn_)
        stopped = state == "stopped" or all_stopped
        if stopped:
            status = "stopped"
        elif progress >= 100:
            status = "done"
        elif due is not None and due < today:
            status = "lagging"
        elif reported is None and progress == 0:
            status = "not_started"
        else:
            status = "in_progress"
        light = ""
        if not stopped and progress < 100 and due is not None:
            if today > due:
                light = '<br><span class="warn warn-red">● 已超期</span>'
            elif warn_from and today >= warn_from:
                light = '<br><span class="warn warn-yellow">● 即将到期</span>'
            else:
                light = '<br><span class="warn warn-green">● 正常</span>'
        sub = f" · {escape(parent)}" if parent else ""
        shown_due = f"{due.year}年{due.month}月{due.day}日" if due and not stopped else "—"
        out.append(
            f'<tr><td class="title"><a href="/ledger/{pk}/">{escape(title)}</a>'
            f'<span class="sub">{year} · {KIND_LABELS[kind]}{sub}</span></td>'
            f'<td><span class="state lstate-{status}">{LEDGER_STATUS[status]}</span>{light}</td>'
            f'<td><progress max="100" value="{progress}"></progress> {progress}%</td>'
            f"<td>{escape(unit or '—')}</td><td>{shown_due}</td></tr>"
        )
    out.append(f"</tbody></table>{foot}")
    return HttpResponse("".join(out))


# --- the public wish wall ------------------------------------------------------------------------

WALL_PER_PAGE = 24
WISH_STATES = {
    "verified": "可认领",
    "claimed": "已认领",
    "fulfilled": "已完成",
    "confirmed": "社区已确认",
}
WISH_GROUPS = {
    "elderly_alone": "独居老人",
    "left_behind_child": "留守儿童",
    "disabled": "残疾人",
    "low_income": "低收入家庭",
    "other": "其他",
}
PUBLIC = "w.wall = 1"
WALL_SQL = f"""
SELECT w.id, w.title, w.description, w.category, w."group", w.state, w.priority,
       o.name, w.claimant_name, w.verified_at, w.fulfilled_at
FROM wishes_wish w JOIN people_organisation o ON o.id = w.community_id
WHERE {PUBLIC}
ORDER BY w.priority, w.posted_at DESC, w.id DESC
LIMIT {WALL_PER_PAGE}
"""  # noqa: S608 - constants only
AREAS_SQL = f"""
SELECT o.name, COUNT(*), SUM(CASE WHEN w.state = 'verified' THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.state IN ('fulfilled', 'confirmed') THEN 1 ELSE 0 END)
FROM wishes_wish w JOIN people_organisation o ON o.id = w.community_id
WHERE {PUBLIC} GROUP BY w.community_id, o.name ORDER BY 2 DESC, o.name
"""  # noqa: S608 - constants only
CLAIMANTS_SQL = """
SELECT claimant_name, COUNT(*), SUM(CASE WHEN state IN ('fulfilled', 'confirmed') THEN 1 ELSE 0 END)
FROM wishes_wish WHERE state IN ('claimed', 'fulfilled', 'confirmed')
GROUP BY claimant_name ORDER BY 3 DESC, 2 DESC, claimant_name LIMIT 10
"""


def floor_wall(request: HttpRequest) -> HttpResponse:
    """The wish wall's first page by hand: the same 24 cards (public states, vulnerable groups
    first, newest first), the same count and the same two totals tables."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM wishes_wish w WHERE {PUBLIC}")  # noqa: S608
        count = cur.fetchone()[0]
        cur.execute(WALL_SQL)
        rows = cur.fetchall()
        cur.execute(AREAS_SQL)
        areas = cur.fetchall()
        cur.execute(CLAIMANTS_SQL)
        claimants = cur.fetchall()
    out = [
        "<!doctype html><html lang=zh-hans><meta charset=utf-8><title>微心愿墙</title>",
        f'<p class="result-count">{count:,} 个心愿</p><ul class="wish-grid">',
    ]
    for pk, title, description, _category, group, state, _prio, community, claimant, *_ in rows:
        by = f" · {escape(claimant)}认领" if claimant else ""
        out.append(
            f'<li class="wish-card" data-testid="wish-{pk}" data-state="{state}">'
            f"<h3>{escape(title)}</h3><p><span>{WISH_STATES[state]}</span> "
            f"<span>{WISH_GROUPS.get(group, group)}</span></p><p>{escape(description[:120])}</p>"
            f'<p class="meta">{escape(community)}{by}</p></li>'
        )
    out.append("</ul><table>")
    for name, total, open_, done in areas:
        out.append(
            f"<tr><td>{escape(name)}</td><td>{total}</td><td>{open_}</td><td>{done}</td></tr>"
        )
    out.append("</table><table>")
    for name, total, done in claimants:
        out.append(f"<tr><td>{escape(name)}</td><td>{total}</td><td>{done}</td></tr>")
    out.append("</table></html>")
    return HttpResponse("".join(out))


# --- the evaluation ranking ----------------------------------------------------------------------

# The Hainan preset (evaluation/presets.py), which the demo makes this year's scheme.
RANKING_WEIGHTS = (("reply_on_time", 20.0), ("satisfaction", 50.0), ("share_ab", 30.0))
ANSWERING = "('lead', 'separate')"
RATED = "('satisfied', 'basically', 'unsatisfied')"
RANKING_SQL = {
    # Replies signed in the year, not late by the event log's flag; and overdue open ones.
    "reply_on_time": [
        """SELECT a.unit_id, COUNT(*), SUM(CASE WHEN {late} THEN 0 ELSE 1 END)
        FROM audit_event e JOIN suggestions_assignment a ON a.id = e.part_id
        JOIN suggestions_suggestion s ON s.id = a.suggestion_id
        WHERE e.subject_type_id = %(sugg_ct)s AND e.part_type_id = %(assignment_ct)s
          AND e.action = 'sign_reply' AND s.jurisdiction_id = %(j)s
          AND e.at >= %(start)s AND e.at < %(end)s GROUP BY a.unit_id""",
        """SELECT a.unit_id, COUNT(*), 0 FROM suggestions_assignment a
        JOIN suggestions_suggestion s ON s.id = a.suggestion_id
        WHERE s.jurisdiction_id = %(j)s AND a.mode IN """  # noqa: S608 - constants only
        + ANSWERING
        + """ AND a.state IN ('awaiting_signature', 'signed', 'adjustment_requested')
          AND s.state IN ('assigned', 'handling', 'rehandling')
          AND s.reply_due >= %(first)s AND s.reply_due <= %(last)s AND s.reply_due < %(as_of)s
        GROUP BY a.unit_id""",
    ],
    # The last rating of each assignment, rated in the year; not rated left out.
    "satisfaction": [
        """SELECT a.unit_id, COUNT(*),
          SUM(CASE WHEN r.overall IN ('satisfied', 'basically') THEN 1 ELSE 0 END)
        FROM suggestions_rating r JOIN suggestions_reply p ON p.id = r.reply_id
        JOIN suggestions_assignment a ON a.id = p.assignment_id
        JOIN suggestions_suggestion s ON s.id = r.suggestion_id
        WHERE s.jurisdiction_id = %(j)s AND r.overall IN """  # noqa: S608 - constants only
        + RATED
        + """ AND r.rated_at >= %(start)s AND r.rated_at < %(end)s
          AND NOT EXISTS (SELECT 1 FROM suggestions_rating r2
            JOIN suggestions_reply p2 ON p2.id = r2.reply_id
            WHERE p2.assignment_id = p.assignment_id AND r2.round > r.round)
        GROUP BY a.unit_id""",
    ],
    # Each assignment's last sent reply in the year: A or B.
    "share_ab": [
        """SELECT a.unit_id, COUNT(*), SUM(CASE WHEN p.category IN ('A', 'B') THEN 1 ELSE 0 END)
        FROM suggestions_reply p JOIN suggestions_assignment a ON a.id = p.assignment_id
        JOIN suggestions_suggestion s ON s.id = p.suggestion_id
        WHERE s.jurisdiction_id = %(j)s AND p.state = 'sent' AND a.mode IN """  # noqa: S608
        + ANSWERING
        + """ AND p.sent_at >= %(start)s AND p.sent_at < %(end)s
          AND NOT EXISTS (SELECT 1 FROM suggestions_reply p2
            WHERE p2.assignment_id = p.assignment_id AND p2.state = 'sent'
              AND p2.round > p.round)
        GROUP BY a.unit_id""",
    ],
}


def floor_ranking(request: HttpRequest) -> HttpResponse:
    """The ranking page's year (`?year=`) by hand: the Hainan points of every handling unit of
    the person's congress, from the same rows in raw SQL, best first, no data last."""
    _staff_j, head, foot = _frame(request, "单位排名")
    return HttpResponse(f"{head}{_ranking_table(request)}{foot}")


def _ranking_table(request: HttpRequest) -> str:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from minsheng.suggestions.models import Assignment, Suggestion

    year = int(request.GET.get("year") or timezone.localdate().year)
    zone = ZoneInfo(settings.TIME_ZONE)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    as_of = min(last + datetime.timedelta(days=1), timezone.localdate())
    late = (
        "e.data ->> 'late' = 'true'"
        if connection.vendor == "postgresql"
        else "json_extract(e.data, '$.late') = 1"
    )
    params = {
        "j": request.user.jurisdiction_id,  # type: ignore[union-attr]
        "start": datetime.datetime.combine(first, datetime.time(), tzinfo=zone),
        "end": datetime.datetime.combine(last, datetime.time(), tzinfo=zone)
        + datetime.timedelta(days=1),
        "first": first,
        "last": last,
        "as_of": as_of,
        "sugg_ct": ContentType.objects.get_for_model(Suggestion).pk,
        "assignment_ct": ContentType.objects.get_for_model(Assignment).pk,
    }
    tallies: dict[str, dict[int, list[int]]] = {}
    with connection.cursor() as cur:
        for key, parts in RANKING_SQL.items():
            per_unit: dict[int, list[int]] = {}
            for sql in parts:
                cur.execute(sql.replace("{late}", late), params)
                for unit_id, counted, met in cur.fetchall():
                    got = per_unit.setdefault(unit_id, [0, 0])
                    got[0] += counted
                    got[1] += met or 0
            tallies[key] = per_unit
        cur.execute(
            "SELECT id, name FROM people_organisation WHERE jurisdiction_id = %s "
            "AND is_handling_unit AND is_active ORDER BY sort_order, name",
            [params["j"]],
        )
        units = cur.fetchall()
    scored = []
    for unit_id, name in units:
        earned = covered = 0.0
        cells = []
        for key, weight in RANKING_WEIGHTS:
            counted, met = tallies[key].get(unit_id, (0, 0))
            if counted:
                value = round(100 * met / counted, 1)
                earned += round(weight * value / 100, 2)
                covered += weight
                cells.append(f"<td>{value:g}% ({met}/{counted})</td>")
            else:
                cells.append("<td>无数据</td>")
        score = round(earned * 100 / covered, 1) if covered else None
        scored.append((score is None, -(score or 0.0), unit_id, name, score, cells))
    scored.sort()
    out = ["<table class=list><tbody>"]
    place, previous = 0, None
    for position, (no_data, neg, unit_id, name, score, cells) in enumerate(scored, start=1):
        if (no_data, neg) != previous:
            place, previous = position, (no_data, neg)
        out.append(
            f'<tr data-testid="unit-{unit_id}"><td>{"—" if no_data else place}</td>'
            f'<td><a href="/evaluation/units/{unit_id}/">{escape(name)}</a></td>'
            f"<td>{'无数据' if score is None else f'{score:g}'}</td>{''.join(cells)}</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


# --- publication: the public list and the staff's queue ------------------------------------------

PUBLIC_PER_PAGE = 20
PUBLIC_SQL = """
SELECT p.id, s.title, s.series, s.number, se.name, c.name, u.name, p.result, p.rating,
       p.answered_on, p.fingerprints, p.spans, p.shown
FROM disclosure_publication p
JOIN suggestions_suggestion s ON s.id = p.suggestion_id
LEFT JOIN people_session se ON se.id = p.session_id
LEFT JOIN suggestions_category c ON c.id = p.category_id
LEFT JOIN people_organisation u ON u.id = p.unit_id
WHERE p.public = 1 AND NOT s.is_confidential
ORDER BY p.published_at DESC, p.id DESC LIMIT {limit}
"""
# The filter lists as the page reads them: a DISTINCT over one covering index, then the names.
PUBLIC_CHOICES_SQL = [
    "SELECT DISTINCT year FROM disclosure_publication WHERE public = 1",
    *[
        f"SELECT o.id, o.name FROM {table} o WHERE o.id IN "  # noqa: S608
        f"(SELECT DISTINCT {column}_id FROM disclosure_publication WHERE public = 1)"
        for table, column in (
            ("people_session", "session"),
            ("suggestions_category", "category"),
            ("people_organisation", "unit"),
            ("people_organisation", "delegation"),
        )
    ],
]
RATINGS = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
RESULTS = {"A": "A · 已解决或基本解决", "B": "B · 正在解决或列入计划解决", "C": "C", "D": "D"}


def floor_public(request: HttpRequest) -> HttpResponse:
    """The public list's first page by hand: the same 20 cards (published, newest first), the
    same count, the same five filter lists and the same redaction of each title."""
    import json

    from minsheng.disclosure import redaction

    with connection.cursor() as cur:
        # Counted on the records' own flag, as the page (disclosure.public.public_count).
        cur.execute("SELECT COUNT(*) FROM disclosure_publication WHERE public = 1")
        count = cur.fetchone()[0]
        choices = []
        for sql in PUBLIC_CHOICES_SQL:
            cur.execute(sql)
            choices.append(cur.fetchall())
        cur.execute(PUBLIC_SQL.format(limit=PUBLIC_PER_PAGE))
        rows = cur.fetchall()
    out = [
        "<!doctype html><html lang=zh-hans><meta charset=utf-8><title>建议公开</title><form>",
    ]
    for options in choices:
        out.append("<select>")
        out.extend(f'<option value="{o[0]}">{escape(str(o[-1]))}</option>' for o in options)
        out.append("</select>")
    out.append(f'</form><p class="result-count">{count:,} 件公开的建议</p><ol class="pub-list">')
    for (
        pk,
        title,
        series,
        number,
        session,
        category,
        unit,
        result,
        rating,
        answered,
        *review,
    ) in rows:
        spans = review[1] if isinstance(review[1], dict) else json.loads(review[1] or "{}")
        shown = title if "title" in (review[2] or "") else ""
        shown = redaction.apply(shown, spans.get("title", []))
        out.append(
            f'<li class="pub-card" data-testid="pub-{pk}"><h2><a href="/gongkai/{pk}/">'
            f"{escape(shown)}</a></h2><p><span>{RESULTS.get(result, '')}</span> "
            f"<span>{RATINGS.get(rating, '')}</span> "
            f"<span>{escape(category or '')}</span></p><p class=meta>{series}{number} · "
            f"{escape(session or '')} · {escape(unit or '')} · {answered}</p></li>"
        )
    out.append("</ol></html>")
    return HttpResponse("".join(out))


def floor_public_search(request: HttpRequest) -> HttpResponse:
    """The public list's search by hand: the same match, count and ranking (the search
    backend's own SQL fragments), the same 20 cards with the marked, redacted title and a
    snippet of the body, the same five filter lists."""
    import json

    from minsheng.disclosure import redaction
    from minsheng.search import backends, highlight, tokens

    query = tokens.parse(request.GET.get("q", ""))
    m = backends.match(connection.vendor, "public", query, "0")
    key = "rowid" if connection.vendor == "sqlite" else "id"
    with connection.cursor() as cur:
        # As the page: the index ranks alone, the table keeps what is public, a page's rows.
        cur.execute(
            f"SELECT {key} FROM {m.table} WHERE {m.where} ORDER BY {m.rank}, {key} DESC "  # noqa: S608
            "LIMIT 2000",
            [*m.where_params, *m.rank_params],
        )
        ranked = [r[0] for r in cur.fetchall()]
        marks = ", ".join("%s" for _ in ranked) or "NULL"
        cur.execute(
            "SELECT p.id FROM disclosure_publication p JOIN suggestions_suggestion s "  # noqa: S608
            f"ON s.id = p.suggestion_id WHERE p.id IN ({marks}) AND p.public = 1 "
            "AND NOT s.is_confidential",
            ranked,
        )
        allowed = {r[0] for r in cur.fetchall()}
        ids = [pk for pk in ranked if pk in allowed]
        count = len(ids)
        choices = []
        for sql in PUBLIC_CHOICES_SQL:
            cur.execute(sql)
            choices.append(cur.fetchall())
        page = ids[:PUBLIC_PER_PAGE]
        marks = ", ".join("%s" for _ in page) or "NULL"
        cur.execute(
            "SELECT p.id, s.title, s.body, s.series, s.number, se.name, c.name, u.name, "  # noqa: S608
            "p.result, p.rating, p.answered_on, p.spans, p.shown "
            "FROM disclosure_publication p JOIN suggestions_suggestion s ON s.id = p.suggestion_id "
            "LEFT JOIN people_session se ON se.id = p.session_id "
            "LEFT JOIN suggestions_category c ON c.id = p.category_id "
            "LEFT JOIN people_organisation u ON u.id = p.unit_id "
            f"WHERE p.id IN ({marks})",
            page,
        )
        by_id = {r[0]: r for r in cur.fetchall()}
        rows = [by_id[pk] for pk in page if pk in by_id]
    out = ["<!doctype html><html lang=zh-hans><meta charset=utf-8><title>建议公开</title><form>"]
    for options in choices:
        out.append("<select>")
        out.extend(f'<option value="{o[0]}">{escape(str(o[-1]))}</option>' for o in options)
        out.append("</select>")
    out.append(f'</form><p class="result-count">{count:,} 件公开的建议</p><ol class="pub-list">')
    for (
        pk,
        title,
        body,
        series,
        number,
        session,
        category,
        unit,
        result,
        rating,
        answered,
        *rv,
    ) in rows:
        spans = rv[0] if isinstance(rv[0], dict) else json.loads(rv[0] or "{}")
        shown = rv[1] if isinstance(rv[1], list) else json.loads(rv[1] or "[]")
        title = redaction.apply(title, spans.get("title", [])) if "title" in shown else ""
        body = redaction.apply(body, spans.get("body", [])) if "body" in shown else ""
        out.append(
            f'<li class="pub-card" data-testid="pub-{pk}"><h2><a href="/gongkai/{pk}/">'
            f"{highlight.mark(title, query.marks)}</a></h2>"
            f'<p class="pub-snippet">{highlight.snippet([body], query.marks)}</p>'
            f"<p><span>{RESULTS.get(result, '')}</span> "
            f"<span>{RATINGS.get(rating, '')}</span> "
            f"<span>{escape(category or '')}</span></p><p class=meta>{series}{number} · "
            f"{escape(session or '')} · {escape(unit or '')} · {answered}</p></li>"
        )
    out.append("</ol></html>")
    return HttpResponse("".join(out))


QUEUE_SQL = """
SELECT p.id, p.state, p.due, p.spans, p.summaries, s.title, s.series, s.number, s.is_confidential
FROM disclosure_publication p
JOIN suggestions_suggestion s ON s.id = p.suggestion_id
WHERE p.jurisdiction_id IN ({marks}) AND p.state = 'pending_review'
ORDER BY p.due, p.id LIMIT {limit}
"""
PUB_STATES = {"pending_review": "待审核", "published": "已公开", "withheld": "不予公开"}


def floor_queue(request: HttpRequest) -> HttpResponse:
    """The staff's publication queue by hand: the records waiting for review, what is due
    first, 50 a page, with the same columns and count."""
    import json

    staff_j, head, foot = _frame(request, "待公开审核")
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(staff_j))
        cur.execute(
            "SELECT COUNT(*) FROM disclosure_publication "  # noqa: S608
            f"WHERE jurisdiction_id IN ({marks}) AND state = 'pending_review'",
            staff_j,
        )
        count = cur.fetchone()[0]
        cur.execute(QUEUE_SQL.format(marks=marks, limit=PER_PAGE), staff_j)
        rows = cur.fetchall()
    today = timezone.localdate()
    out = [head, f'<p class="result-count">{count:,} 条公开记录</p><table class="list"><tbody>']
    for pk, state, due_, spans, summaries, title, series, number, secret in rows:
        due = _date(due_)
        spans = spans if isinstance(spans, dict) else json.loads(spans or "{}")
        masks = sum(len(v) for v in spans.values())
        late = " · 已超期" if due and due < today else ""
        summaries = summaries if isinstance(summaries, dict) else json.loads(summaries or "{}")
        tags = (" · 涉密" if secret else "") + (" · 摘要" if summaries else "")
        out.append(
            f'<tr data-testid="row-{pk}"><td><input type="checkbox" name="ids" value="{pk}"></td>'
            f'<td><a href="/gongkai/staff/{pk}/">{series}{number} {escape(title)}</a></td>'
            f"<td>{PUB_STATES.get(state, state)}</td><td>{due}{late}</td>"
            f"<td>{masks}{tags}</td></tr>"
        )
    out.append(f"</tbody></table>{foot}")
    return HttpResponse("".join(out))


def floor_dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard's year (`?year=`) by hand: the same figures (totals, each month, states,
    lights, categories, units, delegations, ratings, A/B/C/D) in raw SQL, one grouped query
    each, as plain tables, and the ranking's own floor. No charts: the page's charts are drawn
    once per set of numbers into files every worker reads (`reports.chart_cache`), so on a
    repeated request it only counts (and, between two changes, reads its cached panels)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    year = int(request.GET.get("year") or timezone.localdate().year)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    params = {
        "j": request.user.jurisdiction_id,  # type: ignore[union-attr]
        # As the ORM passes them (SQLite: UTC text), so the year's bounds are the page's.
        "start": connection.ops.adapt_datetimefield_value(
            datetime.datetime(year, 1, 1, tzinfo=zone)
        ),
        "end": connection.ops.adapt_datetimefield_value(
            datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        ),
        "today": today,
    }
    period = (
        "s.jurisdiction_id = %(j)s AND s.registered_at >= %(start)s AND s.registered_at < %(end)s"
    )
    handling = "s.state IN ('assigned', 'handling', 'rehandling')"
    answered = "s.answered_at IS NOT NULL AND s.state IN ('answered', 'rehandling', 'closed')"
    month = (
        "to_char(s.{col} AT TIME ZONE '" + settings.TIME_ZONE + "', 'YYYY-MM')"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m', s.{col}, '+8 hours')"
    )
    sugg = "FROM suggestions_suggestion s"
    queries = {
        "totals": f"""
            SELECT 'registered', COUNT(*) {sugg} WHERE {period}
            UNION ALL SELECT 'answered', COUNT(*) {sugg} WHERE {period} AND {answered}
            UNION ALL SELECT 'overdue', COUNT(*) {sugg}
                WHERE {period} AND {handling} AND s.reply_due < %(today)s""",
        "registered by month": f"""
            SELECT {month.format(col="registered_at")}, COUNT(*) {sugg} WHERE {period}
            GROUP BY 1 ORDER BY 1""",
        "answered by month": f"""
            SELECT {month.format(col="answered_at")}, COUNT(*) {sugg}
            WHERE {period} AND {answered} GROUP BY 1 ORDER BY 1""",
        "states": f"SELECT s.state, COUNT(*) {sugg} WHERE {period} GROUP BY s.state",
        "lights": f"""
            SELECT CASE WHEN s.reply_due IS NULL THEN 'none'
                WHEN s.reply_due < %(today)s THEN 'red'
                WHEN s.warn_from <= %(today)s THEN 'yellow' ELSE 'green' END, COUNT(*)
            {sugg} WHERE {period} AND {handling} GROUP BY 1""",
        "categories": f"""
            SELECT COALESCE(p.name, c.name, '未分类'), COUNT(*) {sugg}
            LEFT JOIN suggestions_category c ON c.id = s.category_id
            LEFT JOIN suggestions_category p ON p.id = c.parent_id
            WHERE {period} GROUP BY 1 ORDER BY 2 DESC""",
        "units": f"""
            SELECT o.name, COUNT(*) FROM suggestions_assignment a
            JOIN suggestions_suggestion s ON s.id = a.suggestion_id
            JOIN people_organisation o ON o.id = a.unit_id
            WHERE {period} AND a.state <> 'cancelled' AND a.mode IN ('lead', 'separate')
            GROUP BY o.name ORDER BY 2 DESC""",  # noqa: S608 - constants only
        "delegations": f"""
            SELECT o.name, COUNT(*) {sugg} JOIN people_deputy d ON d.id = s.lead_deputy_id
            JOIN people_organisation o ON o.id = d.delegation_id
            WHERE {period} GROUP BY o.name ORDER BY 2 DESC""",
        "ratings": f"""
            SELECT r.overall, COUNT(*) FROM suggestions_rating r
            JOIN suggestions_suggestion s ON s.id = r.suggestion_id
            WHERE {period} AND NOT EXISTS (SELECT 1 FROM suggestions_rating l
                WHERE l.suggestion_id = r.suggestion_id AND l.round > r.round)
            GROUP BY r.overall""",  # noqa: S608 - constants only
        "categories of replies": f"""
            SELECT r.category, COUNT(*) FROM suggestions_reply r
            JOIN suggestions_suggestion s ON s.id = r.suggestion_id
            WHERE {period} AND r.state = 'sent' AND r.round = 1 GROUP BY r.category""",  # noqa: S608
    }
    _staff_j, head, foot = _frame(request, "看板")
    parts = [f"{head}<h1>{year}</h1>"]
    with connection.cursor() as cur:
        for title, sql in queries.items():
            cur.execute(sql, params)
            rows = "".join(
                f"<tr><th>{escape(str(k))}</th><td>{n:,}</td></tr>" for k, n in cur.fetchall()
            )
            parts.append(f"<section><h2>{title}</h2><table>{rows}</table></section>")
    parts.append(_ranking_table(request))
    parts.append(foot)
    return HttpResponse("".join(parts))
