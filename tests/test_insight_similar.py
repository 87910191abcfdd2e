"""Similar suggestions (issue 11 point 3): the core index and its explanations, near-duplicate
clusters, bad input, who sees what (no confidential or unpublished suggestion of someone else
ever shows), the API, the pages and the command."""

import datetime
import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from minsheng.insight import duplicates, neighbours
from minsheng.insight import similar_adapter as similar
from minsheng.insight.neighbours import DUPLICATE_FROM, SIMILAR_FROM, Index
from minsheng.people.models import Deputy, Role
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from tests import disclosure_states as pubs
from tests import states
from tests.factories import DeputyFactory, RoleFactory, SessionFactory, UserFactory
from tests.fixtures.similar_suggestions import TEXTS

S = Suggestion.State


@pytest.fixture(autouse=True)
def _fresh_indexes():
    similar.forget()
    yield
    similar.forget()


# --- the core ---------------------------------------------------------------------------------


def _fixture_index():
    return Index.build([(i, t, b) for i, (_g, t, b) in enumerate(TEXTS)], keep_rows=True)


def test_paraphrases_are_near_duplicates_and_other_matters_are_not():
    index = _fixture_index()
    for i, (group, _t, _b) in enumerate(TEXTS):
        found = index.similar_to(i, k=20, threshold=0.0001)
        for match in found:
            other = TEXTS[match.key][0]
            if group is not None and other == group:
                assert match.score >= DUPLICATE_FROM, (i, match)
            else:
                assert match.score < DUPLICATE_FROM, (i, match)
        if group is not None:
            assert TEXTS[found[0].key][0] == group  # the best match is a paraphrase


def test_explanations_name_words_of_the_query():
    index = _fixture_index()
    query = index.vector("关于拓宽硬化农村公路破损路段的建议", "")
    found = index.search(query, k=3)
    assert TEXTS[found[0].key][0] == "road"
    words = [w for w, _share in found[0].shared]
    assert "农村公路" in words or "破损" in words
    assert all(w in "关于拓宽硬化农村公路破损路段的建议" for w in words)
    assert 0 < sum(s for _w, s in found[0].shared) <= 1.001


def test_incremental_additions_are_found_before_and_after_folding(monkeypatch):
    index = _fixture_index()
    index.add("new", "关于新建扩建城区中小学增加学位的建议", "城区学位紧张，大班额。")
    query = index.vector("城区中小学学位不足", "")
    assert "new" in [m.key for m in index.search(query, k=5)]
    index.fold()
    assert "new" in [m.key for m in index.search(query, k=5)]
    index.remove("new")
    assert "new" not in [m.key for m in index.search(query, k=5)]


def test_held_vectors_are_the_texts_own_folded_or_pending():
    """`vectors_of` reads an indexed text's vector back (no segmenting again): the same terms
    and weights as the text's own vector, so the look-back's searches match a fresh query."""
    index = Index.build([(i, t, b) for i, (_g, t, b) in enumerate(TEXTS)])
    index.add("new", "关于新建扩建城区中小学增加学位的建议", "城区学位紧张，大班额。")
    held = index.vectors_of([0, 3, "new", "missing"])
    assert set(held) == {0, 3, "new"}
    for key, (title, body) in ((0, TEXTS[0][1:]), (3, TEXTS[3][1:])):
        fresh = index.vector(title, body)
        assert held[key].terms.keys() == fresh.terms.keys()
        assert all(abs(held[key].terms[t] - v) < 1e-5 for t, v in fresh.terms.items())
    first = [(m.key, m.score) for m in index.search(held[3], k=5, exclude={3})]
    assert first == [
        (m.key, m.score) for m in index.search(index.vector(*TEXTS[3][1:]), k=5, exclude={3})
    ]
    assert (
        held["new"].terms
        == index.vector("关于新建扩建城区中小学增加学位的建议", "城区学位紧张，大班额。").terms
    )


@pytest.mark.parametrize(
    "title, body",
    [
        ("", ""),
        ("。。！！？？……", "——、、，，"),
        ("12345", "2026"),
        ("关于农村公路的建议" * 10, "农村公路路面破损。" * 12000),  # about 100,000 characters
        ("ༀ་མ་ཎི་པདྨེ་ཧཱུྃ། བོད་ཡིག", "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ ئۇيغۇرچە يېزىق Ӱйғур"),
        ("农村公路 ཞིང་ལམ། يول", "ᠵᠠᠮ 路面破损"),
    ],
)
def test_bad_input_gives_results_or_nothing_never_a_crash(title, body):
    index = _fixture_index()
    started = time.perf_counter()
    found = index.search(index.vector(title, body), k=5)
    assert time.perf_counter() - started < 2
    assert all(0 <= m.score <= 1 for m in found)


def test_other_scripts_match_themselves():
    index = Index.build(
        [
            (1, "བོད་ཡིག་སློབ་གྲྭ", "ཞིང་པའི་ལམ་ཁ"),
            (2, "ئۇيغۇرچە مەكتەپ", "يېزا يولى"),
            (3, "关于农村公路的建议", "路面破损"),
        ]
    )
    found = index.search(index.vector("ئۇيغۇرچە مەكتەپ", "يېزا"), k=3)
    assert found and found[0].key == 2


def test_clusters_group_paraphrases_only():
    found = duplicates.clusters([(i, t, b) for i, (_g, t, b) in enumerate(TEXTS)])
    groups = {frozenset(c.keys) for c in found}
    expected = {}
    for i, (g, _t, _b) in enumerate(TEXTS):
        if g:
            expected.setdefault(g, set()).add(i)
    assert groups == {frozenset(v) for v in expected.values()}
    road = next(c for c in found if 0 in c.keys)
    assert road.min_score >= DUPLICATE_FROM and road.shared


def test_a_large_cluster_is_split_at_its_weakest_links():
    keys = list(range(6))
    links = [(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.31), (3, 4, 0.9), (4, 5, 0.9)]
    parts = duplicates._split(keys, links, max_size=3)
    assert sorted(sorted(p) for p, _l in parts) == [[0, 1, 2], [3, 4, 5]]


# --- the database: who sees what ----------------------------------------------------------------


def _write(cast, user, title, body, *, session=None, confidential=False, submit=True):
    deputy = Deputy.objects.get(user=user)
    s = workflow.create_draft(
        by=user,
        lead_deputy=deputy,
        title=title,
        body=body,
        session=session or cast.term.sessions.get(number=4),
        category=states.category(cast),
        is_confidential=confidential,
    )
    return workflow.submit(s, by=user) if submit else s


@pytest.fixture
def other_deputy(cast):
    user = UserFactory(username="deputy2", jurisdiction=cast.jurisdiction)
    RoleFactory(user=user, kind=Role.Kind.DEPUTY, jurisdiction=cast.jurisdiction)
    DeputyFactory(user=user, jurisdiction=cast.jurisdiction, term=cast.term)
    return user


ROAD = TEXTS[0][1:]
ROAD_AGAIN = TEXTS[1][1:]
SCHOOL = TEXTS[3][1:]


@pytest.mark.django_db
def test_staff_see_every_similar_submitted_suggestion_of_their_congress(cast):
    a = _write(cast, cast.deputy, *ROAD)
    b = _write(cast, cast.cosigner, *ROAD_AGAIN, confidential=True)
    _write(cast, cast.cosigner, *SCHOOL)
    draft = _write(cast, cast.cosigner, *TEXTS[2][1:], submit=False)
    found = similar.for_suggestion(cast.staff, a)
    ids = [f.suggestion_id for f in found]
    assert b.pk in ids  # staff may open confidential ones of their congress
    assert draft.pk not in ids  # nobody's unsent draft
    assert all(f.access == "full" for f in found)
    assert similar.for_suggestion(cast.outsider, a) == []  # another congress's staff


@pytest.mark.django_db
def test_a_deputy_never_sees_others_unpublished_or_confidential_suggestions(cast, other_deputy):
    _write(cast, cast.cosigner, *ROAD_AGAIN, confidential=True)
    _write(cast, cast.cosigner, *ROAD)  # not published
    mine = _write(cast, other_deputy, *TEXTS[2][1:])
    found = similar.for_text(other_deputy, cast.jurisdiction.pk, *ROAD)
    assert [f.suggestion_id for f in found] == [mine.pk]
    assert found[0].access == "full"


@pytest.mark.django_db
def test_a_published_suggestion_shows_as_its_public_record(
    cast, other_deputy, django_capture_on_commit_callbacks
):
    pub = pubs.published(cast, django_capture_on_commit_callbacks)
    found = similar.for_text(other_deputy, cast.jurisdiction.pk, "农村公路缺少护栏和警示标志", "")
    assert len(found) == 1
    f = found[0]
    assert (f.access, f.suggestion_id, f.publication_id) == ("public", None, pub.pk)
    assert f.url == reverse("disclosure:detail", args=[pub.pk])
    assert f.reply_category == "A" and f.state == ""
    assert all(w in f.title for w, _s in f.shared)
    # Marked confidential since: gone at once (the database decides at every query).
    Suggestion.objects.filter(pk=pub.suggestion_id).update(is_confidential=True)
    assert (
        similar.for_text(other_deputy, cast.jurisdiction.pk, "农村公路缺少护栏和警示标志", "") == []
    )


@pytest.mark.django_db
def test_later_sessions_do_not_count_and_earlier_answered_ones_are_repeats(cast):
    earlier = SessionFactory(
        term=cast.term,
        number=3,
        start_date=datetime.date(2025, 1, 20),
        end_date=datetime.date(2025, 1, 24),
    )
    old = _write(cast, cast.deputy, *ROAD, session=earlier)
    # Answered in the earlier session: a reply of category B.
    from minsheng.suggestions.models import Assignment, Reply

    workflow.register(old, by=cast.staff)
    old.refresh_from_db()
    Reply.objects.create(
        suggestion=old,
        assignment=Assignment.objects.create(
            suggestion=old,
            unit=cast.unit_a,
            mode="lead",
            assigned_on=datetime.date(2025, 2, 1),
            assigned_by=cast.staff,
            sign_due=datetime.date(2025, 2, 5),
            adjustment_until=datetime.date(2025, 2, 10),
        ),
        category="B",
        text="列入计划",
        plan="分两年改造",
        sent_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
        signed_by=cast.staff,
        contact_leader="张三",
        contact_leader_phone="0571-1",
        case_officer="李四",
        case_officer_phone="0571-2",
        state=Reply.State.SENT,
        drafted_by=cast.staff,
    )
    new = _write(cast, cast.cosigner, *TEXTS[2][1:])
    found = similar.for_suggestion(cast.staff, new)
    assert [f.suggestion_id for f in found] == [old.pk]
    assert found[0].earlier and found[0].reply_category == "B" and found[0].unit == "交通运输厅"
    assert [f.suggestion_id for f in similar.repeats(cast.staff, new)] == [old.pk]
    # From the earlier one, the later session's suggestion does not count.
    assert similar.for_suggestion(cast.staff, Suggestion.objects.get(pk=old.pk)) == []


@pytest.mark.django_db
def test_the_index_follows_new_and_edited_suggestions(cast, monkeypatch):
    a = _write(cast, cast.deputy, *ROAD)
    assert similar.for_text(cast.staff, cast.jurisdiction.pk, *SCHOOL) == []
    b = _write(cast, cast.cosigner, *SCHOOL)  # new: found at the next query
    assert [
        f.suggestion_id for f in similar.for_text(cast.staff, cast.jurisdiction.pk, *SCHOOL)
    ] == [b.pk]
    # Edited: found by its new text once the index rechecks.
    Suggestion.objects.filter(pk=a.pk).update(
        title="关于增加城区中小学学位的建议",
        body="城区中小学学位紧张，大班额。",
        version=a.version + 1,
    )
    monkeypatch.setattr(similar, "RECHECK_SECONDS", 0.0)
    ids = [f.suggestion_id for f in similar.for_text(cast.staff, cast.jurisdiction.pk, *SCHOOL)]
    assert a.pk in ids


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_similar_of_a_suggestion(cast, client):
    a = _write(cast, cast.deputy, *ROAD)
    b = _write(cast, cast.cosigner, *ROAD_AGAIN)
    client.force_login(cast.staff)
    data = client.get(f"/api/v1/suggestions/{a.pk}/similar").json()
    assert data["items"][0]["suggestion_id"] == b.pk
    item = data["items"][0]
    assert item["shared"] and item["access"] == "full" and item["url"].endswith(f"/{b.pk}/")
    client.force_login(cast.deputy)  # may see a, not b
    assert client.get(f"/api/v1/suggestions/{a.pk}/similar").json()["items"] == []
    client.force_login(cast.clerk_b)
    assert client.get(f"/api/v1/suggestions/{a.pk}/similar").status_code == 404


@pytest.mark.django_db
def test_api_similar_of_a_draft_text(cast, client):
    mine = _write(cast, cast.deputy, *ROAD)
    client.force_login(cast.deputy)
    data = client.post(
        "/api/v1/suggestions/similar",
        {"title": ROAD_AGAIN[0], "body": ROAD_AGAIN[1]},
        content_type="application/json",
    ).json()
    assert [i["suggestion_id"] for i in data["items"]] == [mine.pk]
    assert data["items"][0]["duplicate"] is (data["items"][0]["score"] >= DUPLICATE_FROM)
    got = client.get("/api/v1/suggestions/similar", {"title": "农村公路破损路段拓宽硬化"}).json()
    assert [i["suggestion_id"] for i in got["items"]] == [mine.pk]
    empty = client.post(
        "/api/v1/suggestions/similar",
        {"title": "。。。", "body": ""},
        content_type="application/json",
    ).json()
    assert empty["items"] == [] and empty["message"]
    client.cookies["django_language"] = "en"
    too_long = client.post(
        "/api/v1/suggestions/similar", {"title": "x" * 100_001}, content_type="application/json"
    )
    assert too_long.status_code == 422
    client.force_login(cast.clerk_a)
    assert (
        client.post(
            "/api/v1/suggestions/similar", {"title": "农村公路"}, content_type="application/json"
        ).status_code
        == 403
    )


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_draft_panel_warns_of_a_near_duplicate(cast, client):
    _write(cast, cast.deputy, *ROAD)
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:new"))
    assert f'data-similar-url="{reverse("insight:similar_draft")}"'.encode() in page.content
    answer = client.post(
        reverse("insight:similar_draft"), {"title": TEXTS[2][1], "body": TEXTS[2][2]}
    )
    assert answer.status_code == 200
    assert b'data-testid="similar-item"' in answer.content
    assert b'data-testid="similar-duplicate"' in answer.content
    nothing = client.post(reverse("insight:similar_draft"), {"title": "？？", "body": ""})
    assert b'data-testid="similar-message"' in nothing.content
    client.force_login(cast.clerk_a)
    assert client.post(reverse("insight:similar_draft"), {"title": "农村"}).status_code == 403


@pytest.mark.django_db
def test_the_staff_page_offers_the_merge_and_flags_nothing_for_the_deputy(cast, client):
    into = workflow.register(_write(cast, cast.cosigner, *ROAD), by=cast.staff)
    s = _write(cast, cast.deputy, *TEXTS[2][1:])
    client.force_login(cast.staff)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert 'data-testid="similar-section"' in page
    assert 'data-testid="merge-offer"' in page and f'value="#{into.pk}"' in page
    # The offer posts the workflow's own merge action.
    answer = client.post(
        reverse("suggestions:act", args=[s.pk, "merge"]),
        {"into": f"#{into.pk}", "note": "并案", "expected_version": s.version},
    )
    assert answer.status_code == 302
    s.refresh_from_db()
    assert s.state == S.MERGED and s.merged_into_id == into.pk
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert 'data-testid="similar-section"' not in page


@pytest.mark.django_db
def test_the_session_duplicates_page(cast, client):
    a = _write(cast, cast.deputy, *ROAD)
    b = _write(cast, cast.cosigner, *ROAD_AGAIN)
    _write(cast, cast.cosigner, *SCHOOL)
    client.force_login(cast.staff)
    page = client.get(reverse("insight:duplicates")).content.decode()
    assert page.count('data-testid="duplicate-group"') == 1
    assert f"/suggestions/{a.pk}/" in page and f"/suggestions/{b.pk}/" in page
    # Kept under the texts' versions: a second view clusters nothing, an edit is seen at once.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as again:
        client.get(reverse("insight:duplicates"))
    assert not any('"body"' in q["sql"] for q in again.captured_queries)
    Suggestion.objects.filter(pk=b.pk).update(
        title=SCHOOL[0], body=SCHOOL[1], version=b.version + 1
    )
    page = client.get(reverse("insight:duplicates")).content.decode()
    assert f"/suggestions/{a.pk}/" not in page or page.count('data-testid="duplicate-group"') == 1
    assert f'href="/suggestions/{b.pk}/"' in page  # now the school's pair
    client.force_login(cast.deputy)
    assert client.get(reverse("insight:duplicates")).status_code == 403


# --- the command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_duplicates_of_a_session(cast, capsys, tmp_path):
    a = _write(cast, cast.deputy, *ROAD)
    b = _write(cast, cast.cosigner, *ROAD_AGAIN)
    _write(cast, cast.cosigner, *SCHOOL)
    session = cast.term.sessions.get(number=4)
    out = tmp_path / "d.json"
    call_command("insight", "duplicates", "--session", str(session.pk), "--json", str(out))
    printed = capsys.readouterr().out
    assert f"#{a.pk}" in printed and f"#{b.pk}" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [sorted(c["keys"]) for c in data["clusters"]] == [sorted([a.pk, b.pk])]


def test_command_duplicates_of_a_file(tmp_path, capsys):
    path = tmp_path / "m.csv"
    lines = ["留言主题,留言详情"] + [f"{t},{b.replace(',', '，')}" for _g, t, b in TEXTS]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    out = tmp_path / "m.json"
    call_command("insight", "duplicates", "--file", str(path), "--json", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["clusters"]) == 3
    assert sorted(data["clusters"][0]["keys"]) == [2, 3, 4]  # spreadsheet rows of the road texts
    printed = capsys.readouterr().out
    assert "3" in printed.splitlines()[-2] or "clusters" in printed


def test_command_duplicates_says_what_is_wrong(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "m.csv"
    path.write_text("标题\n农村公路\n", encoding="utf-8")
    with pytest.raises(CommandError, match="留言主题"):
        call_command("insight", "duplicates", "--file", str(path))
    with pytest.raises(CommandError):
        call_command(
            "insight", "duplicates", "--file", str(path), "--text-cols", "标题", "--threshold", "2"
        )


def test_thresholds_are_ordered():
    assert 0 < SIMILAR_FROM < DUPLICATE_FROM < 1
    assert neighbours.BODY_CHARS >= 1000


@pytest.mark.django_db
def test_a_saved_index_is_used_and_caught_up(cast, settings, tmp_path, capsys):
    settings.INSIGHT_MODEL_DIR = tmp_path
    a = _write(cast, cast.deputy, *ROAD)
    call_command("insight", "index", "--jurisdiction", cast.jurisdiction.code)
    assert similar.index_path(cast.jurisdiction.pk).is_file()
    assert "1" in capsys.readouterr().out
    b = _write(cast, cast.cosigner, *ROAD_AGAIN)  # after the file: added at the first query
    similar.forget()
    found = similar.for_suggestion(cast.staff, Suggestion.objects.get(pk=b.pk))
    assert [f.suggestion_id for f in found] == [a.pk]
    # A broken file is refused (logged) and the index is built from the database instead.
    similar.index_path(cast.jurisdiction.pk).write_bytes(b"not an index")
    similar.forget()
    assert [f.suggestion_id for f in similar.for_suggestion(cast.staff, b)] == [a.pk]


@pytest.mark.django_db
def test_a_large_congress_without_a_saved_index_is_told_to_wait(cast, client, monkeypatch):
    a = _write(cast, cast.deputy, *ROAD)
    monkeypatch.setattr(similar, "BUILD_INLINE_MAX", 0)
    started = []
    monkeypatch.setattr(similar, "_build_in_background", started.append)
    client.force_login(cast.staff)
    data = client.get(f"/api/v1/suggestions/{a.pk}/similar").json()
    assert data["items"] == [] and data["message"]
    page = client.get(reverse("suggestions:detail", args=[a.pk])).content.decode()
    assert 'data-testid="similar-message"' in page
    assert started and started[0] == cast.jurisdiction.pk
