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

from django.db import connection
from django.http import HttpRequest, HttpResponse
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
ORDER BY s.created_at DESC, s.id DESC
LIMIT {limit}
"""

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


def floor_workbench(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT jurisdiction_id FROM people_role "
            "WHERE user_id = %s AND kind IN ('staff', 'admin')",
            [user_id],
        )
        staff_j = [row[0] for row in cur.fetchall()] or [0]
        marks = ", ".join(["%s"] * len(staff_j))
        # The unary plus keeps SQLite from answering the OR with two index searches and a sort
        # of every matching row: the floor walks the created_at index like the page does.
        where = (
            f"((+s.jurisdiction_id IN ({marks}) AND s.state <> 'draft') OR +s.created_by_id = %s)"
        )
        params = [*staff_j, user_id]
        # Only "%s" placeholders are put into the SQL text; the values go as parameters.
        cur.execute(f"SELECT COUNT(*) FROM suggestions_suggestion s WHERE {where}", params)  # noqa: S608
        count = cur.fetchone()[0]
        cur.execute(ROWS_SQL.format(where=where, limit=PER_PAGE), params)
        rows = cur.fetchall()
        ids = [r[0] for r in rows] or [0]
        units_sql = UNITS_SQL.format(marks=", ".join(["%s"] * len(ids)))
        cur.execute(units_sql, ids)
        units: dict[int, list[str]] = {}
        for sid, short, name, mode in cur.fetchall():
            label = f"{escape(short or name)}<small>{MODE_LABELS[mode]}</small>"
            units.setdefault(sid, []).append(f'<span class="unit">{label}</span>')
    today = timezone.localdate()
    out = [
        "<!doctype html><html lang=zh-hans><meta charset=utf-8><title>建议</title>",
        f'<p class="result-count">共{count:,}件</p><table class="list"><tbody>',
    ]
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
    out.append("</tbody></table></html>")
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


def floor_ledger(request: HttpRequest) -> HttpResponse:
    """The ledger list's first page by hand: staff's rows, next deadline first, 50 a page."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT jurisdiction_id FROM people_role "
            "WHERE user_id = %s AND kind IN ('staff', 'admin')",
            [request.user.pk],
        )
        staff_j = [row[0] for row in cur.fetchall()] or [0]
        marks = ", ".join(["%s"] * len(staff_j))
        cur.execute(
            f"SELECT COUNT(*) FROM ledger_ledgeritem WHERE jurisdiction_id IN ({marks})",  # noqa: S608
            staff_j,
        )
        count = cur.fetchone()[0]
        cur.execute(LEDGER_SQL.format(marks=marks, limit=PER_PAGE), staff_j)
        rows = cur.fetchall()
    today = timezone.localdate()
    out = [
        "<!doctype html><html lang=zh-hans><meta charset=utf-8><title>台账</title>",
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
    out.append("</tbody></table></html>")


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
