"""The commitment pages: the suggestion page's section, one commitment with its actions and
letters, the list, the resolution rate and the look-back, each as the ledger rules allow."""

import datetime

import pytest

from minsheng.ledger import commitments
from minsheng.ledger.models import LedgerItem
from tests import states

pytestmark = pytest.mark.django_db

FOLLOW_UP = {
    "category": "A",
    "text": "护栏已全部安装完毕。",
    "contact_method": "phone",
    "contact_leader": "孙立新",
    "contact_leader_phone": "0871-1234567",
    "case_officer": "赵敏",
    "case_officer_phone": "0871-7654321",
}


@pytest.fixture
def promised(cast):
    s = states.answered(cast, category_code="B")
    return s, LedgerItem.objects.get(source_suggestion=s)


def test_the_suggestion_page_shows_its_commitment(client, cast, promised):
    s, item = promised
    client.force_login(cast.deputy)
    page = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert 'data-testid="commitment-panel"' in page and f"/ledger/commitments/{item.pk}/" in page
    client.force_login(cast.clerk_b)
    assert client.get(f"/suggestions/{s.pk}/").status_code == 404


def test_the_unit_drafts_and_the_head_signs_on_the_page(client, cast, promised):
    _s, item = promised
    client.force_login(cast.clerk_a)
    page = client.get(f"/ledger/commitments/{item.pk}/").content.decode()
    assert 'data-commitment-action="draft_follow_up"' in page
    assert 'data-commitment-action="report"' in page
    assert 'data-commitment-action="sign_follow_up"' not in page
    data = {**FOLLOW_UP, "contacted_on": datetime.date.today().isoformat(), "expected_version": 1}
    answer = client.post(f"/ledger/commitments/{item.pk}/act/draft_follow_up/", data)
    assert answer.status_code == 302
    client.force_login(cast.head_a)
    page = client.get(f"/ledger/commitments/{item.pk}/").content.decode()
    assert 'data-commitment-action="sign_follow_up"' in page
    item.refresh_from_db()
    answer = client.post(
        f"/ledger/commitments/{item.pk}/act/sign_follow_up/", {"expected_version": item.version}
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert commitments.is_solved(item)
    letter = client.get(f"/ledger/commitments/{item.pk}/second-replies/1/letter.docx")
    assert letter.status_code == 200 and letter["Content-Type"].startswith("application/vnd")
    client.force_login(cast.deputy)
    assert (
        client.get(f"/ledger/commitments/{item.pk}/second-replies/1/letter.docx").status_code == 200
    )


def test_a_refused_form_shows_its_error(client, cast, promised):
    _s, item = promised
    client.force_login(cast.clerk_a)
    answer = client.post(
        f"/ledger/commitments/{item.pk}/act/draft_follow_up/", {**FOLLOW_UP, "text": ""}
    )
    assert answer.status_code == 422


def test_the_list_and_the_rate_drill_down(client, cast, promised):
    _s, item = promised
    client.force_login(cast.staff)
    page = client.get("/ledger/commitments/resolution/?by=unit_category").content.decode()
    assert 'data-testid="total-rate">0.0%' in page
    assert f"unit={cast.unit_a.pk}" in page
    listing = client.get(f"/ledger/commitments/?unit={cast.unit_a.pk}&status=open").content.decode()
    assert f'data-testid="commitment-{item.pk}"' in listing
    solved = client.get(
        f"/ledger/commitments/?unit={cast.unit_a.pk}&status=solved"
    ).content.decode()
    assert f'data-testid="commitment-{item.pk}"' not in solved
    client.force_login(cast.clerk_b)
    assert (
        f'data-testid="commitment-{item.pk}"'
        not in client.get("/ledger/commitments/").content.decode()
    )
    assert client.get(f"/ledger/commitments/{item.pk}/").status_code == 404


def test_the_look_back_is_the_office_s(client, cast, promised):
    _s, item = promised
    client.force_login(cast.staff)
    year = datetime.date.today().year
    page = client.get(f"/ledger/commitments/look-back/?year={year}").content.decode()
    assert f'data-testid="unresolved-{item.pk}"' in page
    client.force_login(cast.head_a)
    assert client.get("/ledger/commitments/look-back/").status_code == 403


def test_the_home_worklist_counts_commitments(client, cast, promised):
    client.force_login(cast.clerk_a)
    page = client.get("/").content.decode()
    assert "Commitments to report on" in page or "待报告进展的承诺" in page


def test_the_look_back_shows_repeated_topics_with_their_shared_words(client, cast):
    """The page and the API list this year's suggestion raised again, the earlier one, the
    similarity and the words they share (the similar-suggestion index)."""

    body = "建议在{}增设护栏、警示标志和减速带，消除急弯陡坡路段的安全隐患。"
    with states.frozen(datetime.date(2025, 3, 1)):
        old = states.registered(
            cast, title="关于改善农村公路安全设施的建议", body=body.format("农村")
        )
    with states.frozen(datetime.date(2026, 3, 1)):
        again = states.registered(cast, title="关于山区道路安全的建议", body=body.format("山区"))
    client.force_login(cast.staff)
    client.cookies["django_language"] = "en"
    page = client.get("/ledger/commitments/look-back/?year=2026").content.decode()
    assert f'data-testid="repeat-{again.pk}"' in page
    assert f'href="/suggestions/{old.pk}/"' in page and "shared words:" in page
    assert "by the similar-suggestion index" in page
    found = client.get("/api/v1/commitments/look-back?year=2026").json()["repeated"]
    assert [r["suggestion"]["id"] for r in found] == [again.pk]
    earlier = found[0]["earlier"][0]
    assert earlier["id"] == old.pk and earlier["similarity"] >= 0.3 and earlier["shared"]
    # 2025 itself has no earlier year with the topic.
    assert client.get("/api/v1/commitments/look-back?year=2025").json()["repeated"] == []
