"""The deputy's pages: my suggestions, write one, edit a draft or a returned one."""

import datetime
from unittest.mock import patch

import pytest
from django.urls import reverse

from minsheng.audit.models import Event
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from tests import states
from tests.factories import DeputyFactory, RoleFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State
IN_SESSION = datetime.date(2026, 1, 20)
AFTER_SESSION = datetime.date(2026, 3, 2)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def post_new(client, user, today=IN_SESSION, **data):
    client.force_login(user)
    values = {
        "title": "关于增设公交线路的建议",
        "body": "建议增设通往新区的公交线路。",
        "intent": "draft",
        **data,
    }
    with patch("django.utils.timezone.localdate", return_value=today):
        return client.post(reverse("suggestions:new"), values)


# --- my suggestions ----------------------------------------------------------------------------


def test_mine_lists_led_and_cosigned_suggestions_as_cards(english, cast):
    led = states.registered(cast, title="我领衔的建议")
    invited = states.draft(cast, cosign=True, title="邀请附议的建议")
    english.force_login(cast.cosigner)
    html = english.get(reverse("suggestions:mine")).content.decode()
    assert invited.title in html and led.title not in html
    assert 'data-testid="to-cosign"' in html and "Co-signing to confirm" in html
    english.force_login(cast.deputy)
    html = english.get(reverse("suggestions:mine")).content.decode()
    assert led.title in html and invited.title in html
    assert "第0001号" in html
    assert 'data-testid="to-cosign"' not in html  # the lead is not invited


def test_mine_shows_a_clear_badge_when_a_reply_awaits_the_rating(english, cast):
    s = states.answered(cast, title="等待评价的建议")
    english.force_login(cast.deputy)
    response = english.get(reverse("suggestions:mine"))
    html = response.content.decode()
    todo = html[html.index('data-testid="todo"') :]
    assert s.title in todo and 'data-testid="to-rate"' in todo and "Please rate" in todo
    workflow.rate(s, by=cast.deputy, overall="satisfied")
    html = english.get(reverse("suggestions:mine")).content.decode()
    assert 'data-testid="to-rate"' not in html


def test_mine_shows_due_dates_of_open_suggestions(client, cast):
    states.assigned(cast, on=datetime.date(2026, 3, 9))
    client.force_login(cast.deputy)
    assert "2026年6月9日" in client.get(reverse("suggestions:mine")).content.decode()


def test_mine_never_lists_other_deputies_suggestions(client, cast):
    states.registered(cast, title="别人的建议")
    other = UserFactory(username="another_deputy", jurisdiction=cast.jurisdiction)
    RoleFactory(user=other, kind="deputy", jurisdiction=cast.jurisdiction)
    client.force_login(other)
    html = client.get(reverse("suggestions:mine")).content.decode()
    assert "别人的建议" not in html


def test_mine_pages_through_many_suggestions(client, cast):
    for n in range(23):
        states.draft(cast, title=f"建议{n:02d}")
    client.force_login(cast.deputy)
    first = client.get(reverse("suggestions:mine"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("suggestions:mine") + "?page=2")
    assert len(second.context["page"].object_list) == 3


# --- write a suggestion ------------------------------------------------------------------------


def test_new_offers_this_jurisdictions_categories_and_this_terms_deputies(english, cast):
    states.category(cast, "交通运输")
    from minsheng.suggestions.models import Category

    Category.objects.create(jurisdiction=cast.other_jurisdiction, name="外省分类")
    Category.objects.create(jurisdiction=cast.jurisdiction, name="已停用", is_active=False)
    old_term = TermFactory(jurisdiction=cast.jurisdiction, number=13, is_current=False)
    DeputyFactory(
        user=UserFactory(real_name="上届代表", jurisdiction=cast.jurisdiction),
        term=old_term,
        jurisdiction=cast.jurisdiction,
    )
    DeputyFactory(user=UserFactory(real_name="外省代表", jurisdiction=cast.other_jurisdiction))
    english.force_login(cast.deputy)
    response = english.get(reverse("suggestions:new"))
    form = response.context["form"]
    assert [c.name for c in form.fields["category"].queryset] == ["交通运输"]
    cosigners = list(form.fields["cosigners"].queryset)
    assert cosigners == [Deputy.objects.get(user=cast.cosigner)]
    html = response.content.decode()
    assert 'class="pick-list"' in html  # the filter box hooks onto it
    assert "suggestions.js" in html


def test_saving_a_draft_during_the_session(english, cast):
    category = states.category(cast)
    response = post_new(english, cast.deputy, category=category.pk, is_confidential="on")
    s = Suggestion.objects.get()
    assert response["Location"] == reverse("suggestions:detail", args=[s.pk])
    assert s.state == S.DRAFT and s.source == "in_session" and s.series == "S"
    assert s.category == category and s.is_confidential
    assert s.lead_deputy.user == cast.deputy and s.session.number == 4
    assert list(s.events.values_list("action", flat=True)) == ["create"]


def test_a_suggestion_written_after_the_session_is_between_sessions(english, cast):
    post_new(english, cast.deputy, today=AFTER_SESSION)
    s = Suggestion.objects.get()
    assert s.source == "between_sessions" and s.series == "B"


def test_save_and_submit_without_cosigners_submits(english, cast):
    post_new(english, cast.deputy, intent="submit")
    assert Suggestion.objects.get().state == S.SUBMITTED


def test_save_and_submit_keeps_the_draft_while_cosigners_have_not_confirmed(english, cast):
    cosigner = Deputy.objects.get(user=cast.cosigner)
    response = post_new(english, cast.deputy, intent="submit", cosigners=[cosigner.pk])
    s = Suggestion.objects.get()
    assert s.state == S.DRAFT
    assert s.cosigners.get().deputy == cosigner
    page = english.get(response["Location"]).content.decode()
    assert "Your draft is saved but was not submitted." in page
    assert cast.cosigner.display_name in page  # who is missing


def test_missing_title_keeps_everything_typed(english, cast):
    response = post_new(english, cast.deputy, title="", body="<b>我写了很长的内容</b>")
    assert response.status_code == 422
    html = response.content.decode()
    assert "&lt;b&gt;我写了很长的内容&lt;/b&gt;" in html
    assert not Suggestion.objects.exists()


def test_a_person_without_a_current_deputy_profile_is_told_so(english, cast):
    english.force_login(cast.staff)
    response = english.get(reverse("suggestions:new"))
    assert response.status_code == 403
    assert "Only a serving deputy of the current term" in response.content.decode()
    assert post_new(english, cast.staff).status_code == 403
    assert not Suggestion.objects.exists()


def test_a_jurisdiction_without_a_session_is_told_so(english, cast):
    cast.term.sessions.all().delete()
    english.force_login(cast.deputy)
    response = english.get(reverse("suggestions:new"))
    assert response.status_code == 403
    assert "has not yet set up the current session" in response.content.decode()


def test_the_new_page_needs_a_login(client, db):
    response = client.get(reverse("suggestions:new"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- edit --------------------------------------------------------------------------------------


def edit(client, user, s, **data):
    client.force_login(user)
    s.refresh_from_db()
    values = {
        "title": s.title,
        "body": s.body,
        "expected_version": s.version,
        "intent": "draft",
        **data,
    }
    return client.post(reverse("suggestions:edit", args=[s.pk]), values)


def test_the_lead_deputy_edits_a_draft(english, cast):
    s = states.draft(cast)
    response = edit(english, cast.deputy, s, title="新标题", body="新内容")
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.title, s.body) == ("新标题", "新内容")
    assert s.events.last().action == "edit"


def test_edit_page_shows_the_return_note_and_resubmits(english, cast):
    s = states.submitted(cast)
    workflow.return_for_revision(s, by=cast.staff, note="请补充具体路段和数据。")
    english.force_login(cast.deputy)
    html = english.get(reverse("suggestions:edit", args=[s.pk])).content.decode()
    assert 'data-testid="return-note"' in html and "请补充具体路段和数据。" in html
    edit(english, cast.deputy, s, body="补充了具体路段。", intent="submit")
    s.refresh_from_db()
    assert s.state == S.SUBMITTED and s.body == "补充了具体路段。"


def test_edit_adds_and_removes_cosigners(english, cast):
    s = states.draft(cast)
    cosigner = Deputy.objects.get(user=cast.cosigner)
    edit(english, cast.deputy, s, cosigners=[cosigner.pk])
    assert s.cosigners.get().deputy == cosigner
    edit(english, cast.deputy, s)
    assert not s.cosigners.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("cosigner", 403), ("staff", 404), ("clerk_a", 404), ("outsider", 404)]
)
def test_only_the_lead_deputy_may_edit(english, cast, persona, status):
    s = states.draft(cast, cosign=True)
    user = getattr(cast, persona)
    english.force_login(user)
    assert english.get(reverse("suggestions:edit", args=[s.pk])).status_code == status
    assert edit(english, user, s, title="篡改").status_code == status
    s.refresh_from_db()
    assert s.title != "篡改"


def test_a_submitted_suggestion_cannot_be_edited(english, cast):
    s = states.submitted(cast)
    response = edit(english, cast.deputy, s, title="改不了")
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.title != "改不了"
    assert (
        "Only a draft or a returned suggestion can be edited."
        in english.get(response["Location"]).content.decode()
    )


def test_a_stale_edit_is_a_conflict_that_keeps_the_input(english, cast):
    s = states.draft(cast)
    stale = s.version
    workflow.edit_draft(s, by=cast.deputy, title="另一处改动", body=s.body)
    response = edit(english, cast.deputy, s, title="我的改动", expected_version=stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this suggestion" in html and "我的改动" in html
    s.refresh_from_db()
    assert s.title == "另一处改动"
    assert Event.objects.filter(suggestion=s, action="edit").count() == 1


# --- the home-page panel -----------------------------------------------------------------------


def test_home_panel_lists_recent_suggestions_and_what_awaits(english, cast):
    answered = states.answered(cast, title="已答复待评价")
    states.draft(cast, title="草稿一")
    english.force_login(cast.deputy)
    html = english.get(reverse("home")).content.decode()
    assert 'data-testid="panel-recent"' in html and "草稿一" in html
    assert 'data-testid="panel-to-rate"' in html
    assert reverse("suggestions:detail", args=[answered.pk]) in html
    assert reverse("suggestions:new") in html and reverse("suggestions:mine") in html
    states.draft(cast, cosign=True, title="请附议")
    english.force_login(cast.cosigner)
    html = english.get(reverse("home")).content.decode()
    assert 'data-testid="panel-to-cosign"' in html and "请附议" in html
