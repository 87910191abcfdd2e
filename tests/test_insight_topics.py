"""Hot topics (insight/topics.py): deterministic for a seed, recovers clearly different themes
with labels that are words of the texts, growth against the previous period, bad input, files
and the command."""

from __future__ import annotations

import csv
import datetime
import json
import random

import pytest
from django.core.management import CommandError, call_command

from minsheng.insight import topics as T
from minsheng.insight.evaluate import DataError
from minsheng.insight.topics import Item, previous_period, split_period, topics

# Three themes that share no content word; each text says its theme in its own way.
THEMES = {
    "road": (
        ["农村公路", "村道", "道路硬化", "公路护栏", "乡村道路"],
        [
            "路面坑洼破损",
            "雨天道路泥泞难行",
            "急弯缺少护栏和警示标志",
            "村道太窄会车困难",
            "公路养护资金不足",
        ],
    ),
    "school": (
        ["乡村学校", "教师待遇", "课后托管", "学生午餐", "校舍改造"],
        [
            "乡村教师流失严重",
            "学生放学后无人照看",
            "学校食堂条件简陋",
            "教室桌椅陈旧",
            "寄宿学生宿舍拥挤",
        ],
    ),
    "health": (
        ["基层医疗", "医保报销", "乡镇卫生院", "看病难", "家庭医生"],
        [
            "卫生院缺少医生和药品",
            "医保异地报销手续繁琐",
            "老人看病要跑很远",
            "村卫生室设备落后",
            "慢性病药品报销比例低",
        ],
    ),
}


def theme_items(
    per_theme: int = 12,
    *,
    seed: int = 1,
    day: datetime.date | None = None,
    start_key: int = 0,
    counts: dict[str, int] | None = None,
) -> list[Item]:
    rng = random.Random(seed)
    found = []
    key = start_key
    for theme, (titles, details) in THEMES.items():
        for _ in range((counts or {}).get(theme, per_theme)):
            title = f"关于{rng.choice(['A市', 'B县', 'C区'])}{rng.choice(titles)}的建议"
            body = "，".join(rng.sample(details, 3)) + "。希望尽快解决。"
            found.append(Item(key, title, body, day))
            key += 1
    return found


def theme_of(key: int, items: list[Item]) -> str:
    item = next(i for i in items if i.key == key)
    return next(t for t, (titles, _) in THEMES.items() if any(w in item.title for w in titles))


def comparable(result: T.TopicResult) -> dict:
    found = result.as_dict()
    found.pop("seconds")
    return found


def test_same_seed_same_topics_whatever_the_order():
    items = theme_items()
    one = topics(items, seed=7)
    shuffled = list(items)
    random.Random(3).shuffle(shuffled)
    two = topics(shuffled, seed=7)
    assert comparable(one) == comparable(two)
    assert comparable(topics(items, seed=7, k=4)) == comparable(topics(items, seed=7, k=4))


def test_three_themes_are_recovered_and_labelled_with_their_words():
    items = theme_items()
    result = topics(items, seed=0)
    named = [t for t in result.topics if not t.other]
    assert result.k == 3
    assert len(named) == 3
    themes = set()
    for topic in named:
        members = {theme_of(k, items) for k in topic.members}
        assert len(members) == 1, topic  # one theme per topic
        themes |= members
        assert topic.size == 12
        text = "".join(i.title + i.body for i in items if i.key in set(topic.members))
        assert 3 <= len(topic.terms) <= 4
        for word in topic.terms:
            assert word in text  # a real word of the topic's texts
        assert len(topic.representatives) == 5
        assert all(0 < m.score <= 1 for m in topic.representatives)
        scores = [m.score for m in topic.representatives]
        assert scores == sorted(scores, reverse=True)
    assert themes == set(THEMES)


def test_growth_against_the_previous_period():
    now = theme_items(12, day=datetime.date(2026, 3, 1))
    before = theme_items(
        day=datetime.date(2026, 1, 1),
        seed=2,
        start_key=1000,
        counts={"road": 6, "school": 12, "health": 0},
    )
    result = topics(now, before, seed=0)
    by_theme = {theme_of(t.members[0], now): t for t in result.topics if not t.other}
    assert by_theme["road"].previous == 6 and by_theme["road"].growth == pytest.approx(1.0)
    assert by_theme["school"].previous == 12 and by_theme["school"].growth == pytest.approx(0.0)
    assert by_theme["health"].previous == 0 and by_theme["health"].growth is None
    assert by_theme["health"].new
    assert result.previous_items == 18
    assert by_theme["road"].as_dict()["growth"] == 1.0


def test_previous_period_has_the_same_length():
    assert previous_period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)) == (
        datetime.date(2025, 7, 4),  # 181 days, as January to June
        datetime.date(2025, 12, 31),
    )
    assert previous_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)) == (
        datetime.date(2026, 2, 28),
        datetime.date(2026, 2, 28),
    )
    items = [
        Item(1, "a", day=datetime.date(2026, 3, 1)),
        Item(2, "b", day=datetime.date(2026, 2, 28)),
        Item(3, "c", day=None),
        Item(4, "d", day=datetime.date(2026, 2, 1)),
    ]
    current, before = split_period(items, datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    assert [i.key for i in current] == [1] and [i.key for i in before] == [2]


def test_small_clusters_go_to_other_and_k_is_obeyed():
    items = theme_items(10) + [Item(900, "关于养蜂合作社的建议", "蜂蜜销路差，蜂农收入低。")]
    result = topics(items, seed=0, k=4, min_size=3)
    assert result.k == 4
    other = [t for t in result.topics if t.other]
    assert other and 900 in other[0].members
    assert sum(t.size for t in result.topics) == len(items)


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["", "   ", "\u200b"],
        ["。。。！！！", "？？，，、", "……——"],
        ["的的的", "关于建议"],
        ["农村公路"],
    ],
)
def test_bad_input_gives_a_result(texts):
    items = [Item(i, t) for i, t in enumerate(texts)]
    result = topics(items, [Item(99, "。")], seed=0)
    assert result.items == len(items)
    assert sum(t.size for t in result.topics) == len(items)
    if not items:
        assert result.topics == []


def test_long_and_mixed_script_texts():
    items = theme_items(8)
    items.append(Item(500, "关于农村公路的建议", "村道路面坑洼破损。" * 12000))  # 108,000 chars
    tibetan = "བོད་ཡིག་ནི་བོད་མིའི་ཡི་གེ་ཡིན། ལམ་ཁ་ཞིག་བཟོ་རྒྱུ།"
    mongolian = "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ ᠵᠠᠮ ᠵᠠᠰᠠᠬᠤ"
    uyghur = "يېزا يولىنى ياخشىلاش توغرىسىدا تەكلىپ"
    for n, text in enumerate((tibetan, mongolian, uyghur, f"{tibetan} 农村公路 {uyghur}")):
        items.append(Item(600 + n, text, text))
    result = topics(items, seed=0)
    assert sum(t.size for t in result.topics) == len(items)
    assert result.seconds < 30


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        topics(theme_items(3), k=0)


# --- files and the command ---------------------------------------------------------------------


def write_csv(path, items, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["留言编号", "留言主题", "留言时间", "留言详情"])
        w.writerow(["", "", "", ""])  # padding
        for i in items:
            w.writerow(
                [
                    i.key,
                    f"  {i.title}<br>",
                    i.day.strftime("%Y/%m/%d %H:%M:%S") if i.day else "",
                    i.body,
                ]
            )


def test_parse_day():
    assert T.parse_day("2019/4/25 9:32:09") == datetime.date(2019, 4, 25)
    assert T.parse_day("2019-04-25") == datetime.date(2019, 4, 25)
    assert T.parse_day("2019年4月5日") == datetime.date(2019, 4, 5)
    assert T.parse_day("43580.4") == datetime.date(2019, 4, 25)
    assert T.parse_day("2019/13/45") is None
    assert T.parse_day("昨天") is None
    assert T.parse_day("") is None


def test_read_items_gbk_and_wrong_encoding(tmp_path):
    items = theme_items(2, day=datetime.date(2026, 2, 3))
    path = tmp_path / "msgs.csv"
    write_csv(path, items, encoding="gb18030")
    read = T.read_items(path, ["留言主题", "留言详情"], "留言时间")
    assert read.encoding == "gb18030" and len(read.items) == len(items)
    assert read.items[0].key == 3  # spreadsheet row: header 1, padding 2
    assert read.items[0].day == datetime.date(2026, 2, 3)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("留言主题,留言详情\n".encode("utf-16"))
    with pytest.raises(DataError, match="not UTF-8"):
        T.read_items(bad, ["留言主题", "留言详情"])
    with pytest.raises(DataError, match="not found"):
        T.read_items(path, ["主题"])


def test_command_on_a_file(tmp_path, capsys):
    now = theme_items(10, day=datetime.date(2026, 3, 10))
    before = theme_items(
        day=datetime.date(2026, 2, 10),
        start_key=100,
        counts={"road": 5, "school": 10, "health": 10},
    )
    path = tmp_path / "msgs.csv"
    write_csv(path, now + before)
    out = tmp_path / "topics.json"
    call_command(
        "insight",
        "topics",
        "--file",
        str(path),
        "--text-cols",
        "留言主题,留言详情",
        "--date-col",
        "留言时间",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--json",
        str(out),
        "--quiet",
    )
    printed = capsys.readouterr().out
    assert "msgs.csv: 55 rows" in printed
    assert "growth" in printed and "+100%" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["items"] == 30 and data["previous_items"] == 25 and data["k"] == 3
    road = next(t for t in data["topics"] if t["previous"] == 5)
    assert road["growth"] == 1.0 and road["label"]
    # the whole file when no period is given
    call_command("insight", "topics", "--file", str(path), "--quiet", "--seed", "3")
    assert "—" in capsys.readouterr().out


def test_command_refuses_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("留言主题,留言详情\n".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("insight", "topics", "--file", str(bad), "--quiet")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("insight", "topics", "--from", "2026-13-01", "--to", "2026-12-31")
    with pytest.raises(CommandError, match="before"):
        call_command("insight", "topics", "--from", "2026-06-01", "--to", "2026-01-01")
    with pytest.raises(CommandError, match="--from and --to"):
        call_command("insight", "topics")


def test_xlsx_with_padding_and_excel_dates(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["市民留言导出"])  # a title row above the header
    sheet.append(["留言编号", "留言主题", "留言时间", "留言详情"])
    for item in theme_items(4):
        sheet.append([item.key, item.title, datetime.datetime(2026, 3, 2, 9, 30), item.body])
    sheet.append([None, None, None, None])  # padding
    sheet.append([None, "   ", None, "。。"])  # punctuation only: read, no words
    path = tmp_path / "msgs.xlsx"
    book.save(path)
    read = T.read_items(path, ["留言主题", "留言详情"], "留言时间")
    assert read.encoding == "xlsx" and len(read.items) == 13
    assert read.items[0].day == datetime.date(2026, 3, 2) and read.undated == 1
    result = topics(read.items, seed=0)
    assert result.without_words == 1 and result.k == 3
