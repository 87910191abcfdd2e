"""The micro-wishes a signed-in person may see, as a sheet (微心愿台账).

The wisher's name, phone and address are written only on the rows whose private fields this
person may see (`permissions.PrivateSight`: staff of the congress, the wish's community, the
claimant while it is claimed); on every other row those cells stay empty, as on the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column
from minsheng.wishes.models import Wish
from minsheng.wishes.permissions import PrivateSight

COLUMNS = [
    Column("序号", 6),
    Column("心愿", 30),
    Column("说明", 40),
    Column("类别", 10),
    Column("群体", 14),
    Column("社区", 18),
    Column("状态", 12),
    Column("认领人", 18),
    Column("发布日期", 12, "date"),
    Column("认领日期", 12, "date"),
    Column("实现日期", 12, "date"),
    Column("确认日期", 12, "date"),
    Column("实现情况", 40),
    Column("心愿人", 10),
    Column("联系电话", 14),
    Column("地址", 30),
]


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def row(n: int, wish: Wish, private: bool) -> list[Any]:
    return [
        n,
        wish.title,
        wish.description,
        wish.get_category_display(),
        wish.get_group_display(),
        wish.community.name,
        wish.get_state_display(),
        wish.claimant_name,
        _day(wish.posted_at),
        _day(wish.claimed_at),
        _day(wish.fulfilled_at),
        _day(wish.confirmed_at),
        wish.fulfilment_note,
        wish.wisher_name if private else "",
        wish.wisher_phone if private else "",
        wish.wisher_address if private else "",
    ]


def export_response(rows: QuerySet[Wish], user: Any) -> Any:
    sight = PrivateSight(user)  # the person's roles, read once for every row
    today = timezone.localdate()
    items = rows.select_related("community").iterator(chunk_size=500)
    return spreadsheets.xlsx_response(
        lambda out: spreadsheets.write_table(
            out,
            title="微心愿台账",
            columns=COLUMNS,
            rows=(row(n, w, sight(w)) for n, w in enumerate(items, start=1)),
        ),
        f"微心愿-{today.isoformat()}.xlsx",
    )
