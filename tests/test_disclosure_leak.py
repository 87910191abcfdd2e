"""The leak test (issue 10): confidential suggestions, private contact details, unpublished
replies, withheld and withdrawn ones and unredacted personal data carry unique markers; every
public page is crawled (following every link under /gongkai/, every filter, every page, every
record's permalink by id) anonymously and as a signed-in deputy, and no marker may appear.
A record that is not published answers exactly what a missing id answers."""

from __future__ import annotations

import re
from html import unescape

import pytest

from minsheng.disclosure import workflow
from minsheng.disclosure.models import Publication
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow as suggestions
from minsheng.suggestions.models import Reply
from tests import states

pytestmark = pytest.mark.django_db

ID_CARD = "11010519491231002X"
MARKERS = {
    "confidential title": "机密标记甲一",
    "confidential body": "机密正文标记乙二",
    "pending title": "待审标记丙三",
    "pending reply": "未公开答复标记丁四",
    "withdrawn title": "撤回标记戊五",
    "withheld reason": "不公开理由标记己六",
    "withdraw reason": "撤回理由标记庚七",
    "mobile in body": "13911112222",
    "id card in body": ID_CARD,
    "email in reply": "leak-marker@example.org",
    "house address": "88号3栋2单元501室",
    "plate": "云A·7K3Q9",
    "manual mask": "王某某家属姓名",
    "deputy phone": "13600001111",
    "deputy email": "deputy.private@example.net",
    "deputy address": "青川市标记巷口老邮局旁",
    "officer phone": "0871-66668888",
    "officer name": "泄露办事员",
    "leader phone": "0871-69996999",
    "later reply": "后续轮次未审答复标记辛八",
    "project leader": "项目领导标记壬九",
    "project person": "项目责任人标记癸十",
    "project description": "项目说明标记子一",
    "project location": "项目地点标记丑二",
    "project report": "项目进展叙述标记寅三",
}
PROJECT = "公开可见的民生实事项目"
SEEN = "公开可见的建议标题"  # a control: the published title must be found


def _answer(
    cast, capture, *, title, body="我市农村公路普遍缺少护栏。", reply_text="已解决。", **kw
):
    s = states.draft(cast, title=title, **kw)
    s.body = body
    s.save(update_fields=["body"])
    with capture(execute=True):
        s = suggestions.submit(s, by=cast.deputy)
        s = suggestions.register(s, by=cast.staff)
        s = suggestions.assign(s, by=cast.staff, plan=[suggestions.UnitPlan(cast.unit_a, "lead")])
        s = suggestions.sign(s, by=cast.clerk_a)
        states.contact(cast, s)
        suggestions.draft_reply(
            s,
            by=cast.clerk_a,
            **{
                **states.REPLY,
                "text": reply_text,
                "case_officer": MARKERS["officer name"],
                "case_officer_phone": MARKERS["officer phone"],
                "contact_leader_phone": MARKERS["leader phone"],
            },
        )
        suggestions.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    return s, Publication.objects.get(suggestion=s)


@pytest.fixture
def seeded(cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    deputy = Deputy.objects.get(user=cast.deputy)
    deputy.contact_phone = MARKERS["deputy phone"]
    deputy.contact_email = MARKERS["deputy email"]
    deputy.contact_address = MARKERS["deputy address"]
    deputy.save()
    m = MARKERS
    # Published, with every kind of personal data in its texts (masked automatically, and one
    # name masked by hand).
    s, pub = _answer(
        cast,
        capture,
        title=SEEN,
        body=(
            f"住户{m['manual mask']}（电话{m['mobile in body']}，身份证{m['id card in body']}）"
            f"住幸福路{m['house address']}，车辆{m['plate']}常被剐蹭。"
            f"代表联系方式：{m['deputy phone']}、{m['deputy email']}、{m['deputy address']}。"
        ),
        reply_text=(
            f"经研究已安排整改。来函请寄{m['email in reply']}，"
            f"经办人电话{m['officer phone']}，分管领导电话{m['leader phone']}。"
        ),
    )
    pub = workflow.mask(pub, by=cast.staff, piece="body", text=m["manual mask"])
    pub = workflow.publish(pub, by=cast.staff)
    # A later round's reply, never reviewed: not public.
    with capture(execute=True):
        suggestions.rate(s, by=cast.deputy, overall="unsatisfied", reasons="还不够。")
        states.contact(cast, s)
        suggestions.draft_reply(s, by=cast.clerk_a, **{**states.REPLY, "text": m["later reply"]})
        suggestions.sign_reply(s, by=cast.head_a)
    pub.refresh_from_db()
    assert pub.state == Publication.State.PUBLISHED
    assert any(k not in pub.shown for k in pub.fingerprints)
    # Confidential: withheld automatically.
    _s, secret = _answer(
        cast,
        capture,
        title=m["confidential title"],
        body=m["confidential body"],
        is_confidential=True,
    )
    assert secret.state == Publication.State.WITHHELD
    # Waiting for review.
    _s, pending = _answer(cast, capture, title=m["pending title"], reply_text=m["pending reply"])
    # Withheld with a reason.
    _s, withheld = _answer(cast, capture, title="另一件不公开的建议")
    workflow.withhold(withheld, by=cast.staff, reason=m["withheld reason"])
    # Published, then withdrawn.
    _s, withdrawn = _answer(cast, capture, title=m["withdrawn title"])
    withdrawn = workflow.publish(withdrawn, by=cast.staff)
    workflow.withdraw(withdrawn, by=cast.staff, reason=m["withdraw reason"])
    # A practical-matter project on the ledger: its title, unit and progress are public, the
    # people, description, location and the reports' texts are not.
    import datetime

    from django.utils import timezone

    from minsheng.ledger import workflow as ledger

    start = timezone.localdate() - datetime.timedelta(days=30)
    item = ledger.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        kind="practical",
        title=PROJECT,
        year=start.year,
        starts_on=start,
        responsible_unit=cast.unit_a,
        lead_leader=m["project leader"],
        responsible_person=m["project person"],
        description=m["project description"],
        location=m["project location"],
    )
    ledger.report(
        item, by=cast.clerk_a, on=timezone.localdate(), percent=40, narrative=m["project report"]
    )
    return {
        "published": pub.pk,
        "hidden": [secret.pk, pending.pk, withheld.pk, withdrawn.pk],
    }


LINK = re.compile(r'href="([^"#]+)"')


def body_text(response):
    """The text of any public answer: a page, the feed, JSON, a streamed CSV, or every cell of
    an XLSX workbook (its XML is zipped, so the bytes alone would hide a marker)."""
    data = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if data.startswith(b"PK"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if response.get("Content-Type", "").startswith("application/json"):
        import json

        # JSON escapes Chinese (\\u516c...): compare the markers with the decoded text.
        return json.dumps(json.loads(data), ensure_ascii=False)
    return data.decode("utf-8", "replace")


def crawl(client, start_urls):
    """Every page reachable from the start URLs without leaving /gongkai/ (the staff pages
    excluded): {url: (status, text)}."""
    seen, todo = {}, list(start_urls)
    while todo:
        url = todo.pop()
        if url in seen or len(seen) > 400:
            continue
        response = client.get(url)
        text = body_text(response)
        seen[url] = (response.status_code, text)
        if response.status_code != 200:
            continue
        for href in LINK.findall(text):
            href = unescape(href)
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith("/gongkai/") and not href.startswith("/gongkai/staff/"):
                todo.append(href)
    return seen


def _starts(seeded):
    pks = [seeded["published"], *seeded["hidden"], 999_999]
    starts = ["/gongkai/", "/gongkai/tongji/", "/gongkai/?page=2", "/gongkai/?page=nonsense"]
    starts += ["/gongkai/shishi/", "/gongkai/shishi/?year=x", "/gongkai/shishi/?year=1999"]
    starts += [f"/gongkai/{pk}/" for pk in pks]
    starts += [
        f"/gongkai/?{name}={value}"
        for name in ("year", "session", "category", "unit", "delegation", "result")
        for value in ("1", "x", "99999999999", "A")
    ]
    starts += ["/gongkai/tongji/?year=2026", "/gongkai/tongji/?year=%00"]
    # Open data: the feed (with the list's filters), the downloads page (which links every
    # year's CSV and XLSX: the crawl follows them) and a year with nothing.
    starts += ["/gongkai/feed/", "/gongkai/feed/?result=A", "/gongkai/feed/?year=x"]
    starts += ["/gongkai/data/", "/gongkai/data/1999.csv", "/gongkai/data/1999.xlsx"]
    # The public API: every operation, with filters and every record's id.
    api = "/api/v1/public"
    starts += [f"{api}/suggestions", f"{api}/suggestions?page_size=200", f"{api}/filters"]
    starts += [f"{api}/suggestions?result=A", f"{api}/suggestions?unit=x"]
    starts += [f"{api}/suggestions/{pk}" for pk in pks]
    starts += [f"{api}/statistics", f"{api}/statistics?year=2026", f"{api}/projects"]
    return starts


@pytest.mark.parametrize("who", ["anonymous", "deputy", "clerk_a"])
def test_no_marker_on_any_public_page(client, cast, seeded, who):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    pages = crawl(client, _starts(seeded))
    assert len(pages) >= 10
    leaks = [
        f"{name} ({marker}) on {url}"
        for url, (_status, text) in pages.items()
        for name, marker in MARKERS.items()
        if marker in text
    ]
    assert not leaks, "\n".join(leaks)
    # The control: the published suggestion is there, masked.
    detail = pages[f"/gongkai/{seeded['published']}/"]
    assert detail[0] == 200 and SEEN in detail[1] and "＊＊＊" in detail[1]
    assert SEEN in pages["/gongkai/"][1]
    assert PROJECT in pages["/gongkai/shishi/"][1] and "40%" in pages["/gongkai/shishi/"][1]
    assert not any(status >= 500 for status, _text in pages.values())
    # The controls of the open data: the published record is in the feed, the API and both
    # downloads (the crawl reached them from /gongkai/data/), masked.
    year = Publication.objects.get(pk=seeded["published"]).year
    for url in (
        "/gongkai/feed/",
        "/api/v1/public/suggestions",
        f"/api/v1/public/suggestions/{seeded['published']}",
        f"/gongkai/data/{year}.csv",
        f"/gongkai/data/{year}.xlsx",
    ):
        assert pages[url][0] == 200 and SEEN in pages[url][1], url
    for url in (f"/gongkai/data/{year}.csv", f"/gongkai/data/{year}.xlsx"):
        assert "＊＊＊" in pages[url][1], url
    assert PROJECT in pages["/api/v1/public/projects"][1]


def test_an_unpublished_or_confidential_id_is_the_same_404_as_a_missing_one(client, seeded):
    missing = client.get("/gongkai/999999/")
    assert missing.status_code == 404
    for pk in seeded["hidden"]:
        response = client.get(f"/gongkai/{pk}/")
        assert response.status_code == 404
        assert response.content == missing.content.replace(b"999999", str(pk).encode()) or (
            response.content == missing.content
        )


def test_every_reply_field_that_is_not_public_stays_out_of_the_detail(client, seeded):
    text = client.get(f"/gongkai/{seeded['published']}/").content.decode()
    reply = Reply.objects.filter(suggestion__publication__pk=seeded["published"]).first()
    for private in (reply.contact_leader_phone, reply.case_officer_phone, reply.case_officer):
        assert private not in text
