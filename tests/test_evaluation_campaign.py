"""The evaluation campaign: the template, the steps' actions on the engine, editing before a
step starts, warnings and lateness, documents, the history, the deputies' opinion forms
(sent through the inbox, answered once, changeable until the step closes), the answers'
summary and Excel, and who may do what."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from minsheng.audit.models import Event
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.evaluation import campaign_template, campaigns
from minsheng.evaluation.campaign_actions import OPINIONS, STEPS
from minsheng.evaluation.models_campaign import (
    OPINIONS_STEP,
    Campaign,
    CampaignStep,
    OpinionForm,
    StepDocument,
    StepTemplate,
)
from minsheng.notifications.models import Notification
from minsheng.people.models import Organisation
from minsheng.suggestions.models import WarningColour
from tests import states

pytestmark = pytest.mark.django_db
D = datetime.date
S = CampaignStep.State
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _client(user):
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


@pytest.fixture
def campaign(cast):
    return campaigns.create(
        by=cast.staff,
        jurisdiction=cast.jurisdiction,
        year=timezone.localdate().year,
        title="年度代表建议办理评估",
        starts_on=timezone.localdate(),
    )


def _step(campaign, code):
    return campaign.steps.get(code=code)


def test_a_campaign_copies_the_fourteen_template_steps_in_order(cast, campaign):
    steps = list(campaign.steps.order_by("position"))
    assert len(steps) == len(campaign_template.DEFAULT_STEPS) == 14
    assert [s.code for s in steps] == [s.code for s in campaign_template.DEFAULT_STEPS]
    assert [s.position for s in steps] == list(range(1, 15))
    assert all(s.state == S.NOT_STARTED for s in steps)
    assert steps[0].planned_start == campaign.starts_on
    assert all(s.planned_end >= s.planned_start for s in steps)
    assert all(s.warn_from is not None and s.warn_from >= s.planned_start for s in steps)
    # The template is data, loaded once per congress and editable.
    assert StepTemplate.objects.filter(jurisdiction=cast.jurisdiction).count() == 14
    assert campaign_template.load_default(cast.jurisdiction) == 0
    # The committee step is owned by the congress's special committee.
    assert _step(campaign, "committee_assessment").owner_organisation == cast.committee_org
    assert campaign.events.filter(action="create").count() == 1


def test_an_edited_template_is_what_the_next_campaign_copies(cast, campaign):
    StepTemplate.objects.filter(jurisdiction=cast.jurisdiction, code="press_conference").delete()
    StepTemplate.objects.filter(jurisdiction=cast.jurisdiction, code="plan").update(title="方案")
    c2 = campaigns.create(
        by=cast.staff,
        jurisdiction=cast.jurisdiction,
        year=2025,
        title="另一次",
        starts_on=D(2025, 3, 1),
    )
    assert c2.steps.count() == 13
    assert c2.steps.get(code="plan").title == "方案"


def test_bad_campaign_input_is_refused_with_a_reason(cast, campaign):
    with pytest.raises(Invalid, match="title"):
        campaigns.create(
            by=cast.staff,
            jurisdiction=cast.jurisdiction,
            year=2026,
            title=" ",
            starts_on=D(2026, 1, 1),
        )
    with pytest.raises(Invalid, match="already has a campaign"):
        campaigns.create(
            by=cast.staff,
            jurisdiction=cast.jurisdiction,
            year=campaign.year,
            title=campaign.title,
            starts_on=D(2026, 1, 1),
        )
    with pytest.raises(NotAllowed):
        campaigns.create(
            by=cast.clerk_a,
            jurisdiction=cast.jurisdiction,
            year=2026,
            title="x",
            starts_on=D(2026, 1, 1),
        )


def test_steps_move_through_the_declared_actions_and_log_on_the_campaign(cast, campaign):
    step = _step(campaign, "plan")
    assert STEPS.offered(cast.staff, step) == ["start", "skip", "note"]
    campaigns.start(step, by=cast.staff, note="开始")
    step.refresh_from_db()
    assert step.state == S.IN_PROGRESS and step.started_on == timezone.localdate()
    campaigns.finish(step, by=cast.staff, note="方案已印发")
    step.refresh_from_db()
    assert step.state == S.DONE and step.finished_on == timezone.localdate()
    with pytest.raises(Conflict):
        campaigns.finish(step, by=cast.staff)
    campaigns.reopen(step, by=cast.staff, reason="补充")
    step.refresh_from_db()
    assert step.state == S.IN_PROGRESS and step.finished_on is None
    actions = list(campaign.events.order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "start", "finish", "reopen"]
    event = campaign.events.get(action="finish")
    assert (
        event.part_id == step.pk and event.from_state == "in_progress" and event.to_state == "done"
    )


def test_skipping_needs_a_reason_and_staff(cast, campaign):
    step = _step(campaign, "press_conference")
    with pytest.raises(Invalid, match="why"):
        campaigns.skip(step, by=cast.staff, reason="")
    with pytest.raises(NotAllowed):
        campaigns.skip(step, by=cast.committee, reason="不开")
    campaigns.skip(step, by=cast.staff, reason="今年不开发布会")
    step.refresh_from_db()
    assert step.state == S.SKIPPED


def test_an_owner_acts_on_their_step_only(cast, campaign):
    mine = _step(campaign, "committee_assessment")
    other = _step(campaign, "plan")
    assert STEPS.offered(cast.committee, mine) == ["start", "note"]
    assert STEPS.offered(cast.committee, other) == []
    campaigns.start(mine, by=cast.committee)
    with pytest.raises(NotAllowed):
        campaigns.start(other, by=cast.committee)
    with pytest.raises(NotAllowed):
        campaigns.start(other, by=cast.clerk_a)
    # A person named as owner acts too.
    campaigns.edit_step(
        other,
        by=cast.staff,
        title=other.title,
        planned_start=other.planned_start,
        planned_end=other.planned_end,
        owner_person=cast.clerk_a,
        owner_organisation=None,
    )
    campaigns.start(other, by=cast.clerk_a)


def test_steps_are_added_moved_changed_and_removed_only_before_they_start(cast, campaign):
    first, second = campaign.steps.order_by("position")[:2]
    campaigns.move_step(second, by=cast.staff, up=True)
    assert list(campaign.steps.order_by("position").values_list("pk", flat=True)[:2]) == [
        second.pk,
        first.pk,
    ]
    campaigns.start(second, by=cast.staff)
    second.refresh_from_db()
    with pytest.raises(Conflict, match="not started"):
        campaigns.move_step(second, by=cast.staff, up=False)
    with pytest.raises(Conflict, match="has started"):
        campaigns.move_step(first, by=cast.staff, up=True)
    with pytest.raises(Conflict):
        campaigns.remove_step(second, by=cast.staff)
    added = campaigns.add_step(
        campaign,
        by=cast.staff,
        title="实地调研",
        planned_start=D(2026, 5, 1),
        planned_end=D(2026, 5, 10),
        after=first,
    )
    order = list(campaign.steps.order_by("position").values_list("pk", flat=True))
    assert order[:3] == [second.pk, first.pk, added.pk] and len(order) == 15
    with pytest.raises(Invalid, match="before the planned start"):
        campaigns.edit_step(
            added, by=cast.staff, title="x", planned_start=D(2026, 5, 2), planned_end=D(2026, 5, 1)
        )
    campaigns.remove_step(added, by=cast.staff)
    assert campaign.steps.count() == 14
    with pytest.raises(Exception, match="staff"):
        campaigns.remove_step(first, by=cast.committee)
    assert set(campaign.events.values_list("action", flat=True)) >= {
        "move_step",
        "add_step",
        "remove_step",
    }


def test_warnings_and_lateness_come_from_the_planned_end(cast, campaign):
    step = _step(campaign, "plan")
    end = step.planned_end
    assert step.warning(step.planned_start) in (WarningColour.GREEN, WarningColour.YELLOW)
    assert step.warning(end) == WarningColour.YELLOW
    assert step.warning(end + datetime.timedelta(days=1)) == WarningColour.RED
    assert step.days_late(end + datetime.timedelta(days=3)) == 3
    assert step.start_late(step.planned_start + datetime.timedelta(days=2)) == 2
    listed = campaigns.campaigns_with_progress(
        Campaign.objects.filter(pk=campaign.pk), end + datetime.timedelta(days=1)
    ).get()
    assert listed.n_steps == 14 and listed.n_red >= 1 and listed.n_done == 0


def test_the_campaign_page_shows_progress_steps_and_lateness(cast, campaign):
    campaigns.start(_step(campaign, "plan"), by=cast.staff)
    campaigns.finish(_step(campaign, "plan"), by=cast.staff)
    CampaignStep.objects.filter(code="scoring").update(
        planned_start=D(2020, 1, 1), planned_end=D(2020, 1, 5), warn_from=D(2020, 1, 1)
    )
    response = _client(cast.staff).get(f"/evaluation/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 of 14 steps done" in page
    assert "overdue" in page and "财政经济委员会" in page or cast.committee_org.name in page
    assert response.context["progress"].red >= 1


def test_documents_attach_to_a_step_and_download_for_who_sees_the_campaign(
    cast, campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    step = _step(campaign, "plan")
    c = _client(cast.staff)
    c.post(f"/evaluation/steps/{step.pk}/act/start/", {"expected_version": step.version})
    step.refresh_from_db()
    upload = SimpleUploadedFile("评估方案.pdf", PDF)
    response = c.post(
        f"/evaluation/steps/{step.pk}/act/finish/",
        {"expected_version": step.version, "note": "印发", "documents": upload},
    )
    assert response.status_code == 302
    doc = StepDocument.objects.get(step=step)
    assert doc.original_name == "评估方案.pdf"
    assert c.get(f"/evaluation/documents/{doc.pk}/").status_code == 200
    assert _client(cast.deputy).get(f"/evaluation/documents/{doc.pk}/").status_code == 404
    assert campaign.events.filter(action="documents").exists()
    # A refused action redraws the page with the reason and its status.
    response = c.post(
        f"/evaluation/steps/{step.pk}/act/finish/", {"expected_version": step.version}
    )
    assert response.status_code == 409


def test_the_history_lists_every_event(cast, campaign):
    campaigns.start(_step(campaign, "plan"), by=cast.staff, note="开始")
    response = _client(cast.staff).get(f"/evaluation/campaigns/{campaign.pk}/history/")
    assert response.status_code == 200
    assert [e.action for e in response.context["events"]] == ["start", "create"]


# --- the deputies' opinions ------------------------------------------------------------------


@pytest.fixture
def replied(cast):
    return states.answered(cast, title="关于修缮乡村道路的建议")


def _open_opinions(cast, campaign):
    step = _step(campaign, OPINIONS_STEP)
    campaigns.start(step, by=cast.staff)
    return CampaignStep.objects.get(pk=step.pk)


def test_opinion_forms_go_to_every_deputy_who_had_a_reply_through_the_inbox(
    cast, campaign, replied, django_capture_on_commit_callbacks
):
    step = _open_opinions(cast, campaign)
    campaigns.start(_step(campaign, "plan"), by=cast.staff)
    with pytest.raises(Conflict, match="Opinion forms are sent from"):
        campaigns.send_opinion_forms(_step(campaign, "plan"), by=cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns.send_opinion_forms(step, by=cast.staff) == 1
    form = OpinionForm.objects.get(campaign=campaign)
    assert form.deputy == cast.deputy and form.state == "sent"
    assert [i.suggestion_id for i in form.items.all()] == [replied.pk]
    note = Notification.objects.get(recipient=cast.deputy, kind="opinion_form")
    assert note.link == f"/evaluation/opinions/{form.pk}/"
    # Sending again reaches only deputies without a form: nobody here.
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns.send_opinion_forms(step, by=cast.staff) == 0
    assert Notification.objects.filter(kind="opinion_form").count() == 1
    assert campaign.events.filter(action="send_opinion_forms").count() == 2


def test_no_reply_in_the_period_no_forms(cast, campaign):
    step = _open_opinions(cast, campaign)
    with pytest.raises(Conflict, match="No deputy"):
        campaigns.send_opinion_forms(step, by=cast.staff)


def test_a_deputy_answers_once_and_changes_it_until_the_step_closes(cast, campaign, replied):
    step = _open_opinions(cast, campaign)
    campaigns.send_opinion_forms(step, by=cast.staff)
    form = OpinionForm.objects.get(campaign=campaign)
    c = _client(cast.deputy)
    page = c.get(f"/evaluation/opinions/{form.pk}/")
    assert page.status_code == 200 and "关于修缮乡村道路的建议" in page.content.decode()
    bad = c.post(f"/evaluation/opinions/{form.pk}/", {"expected_version": form.version})
    assert bad.status_code == 422 and "Rate the handling." in bad.content.decode()
    done = c.post(
        f"/evaluation/opinions/{form.pk}/",
        {
            "expected_version": form.version,
            "handling": "satisfied",
            "communication": "basically",
            "comment": "沟通及时",
            f"s{replied.pk}_handling": "satisfied",
            f"s{replied.pk}_communication": "",
        },
    )
    assert done.status_code == 302
    form.refresh_from_db()
    assert (form.state, form.handling, form.communication) == (
        "submitted",
        "satisfied",
        "basically",
    )
    assert form.submitted_at and not form.edited_at
    assert form.items.get().handling == "satisfied"
    campaigns.submit_opinion(
        form, by=cast.deputy, handling="unsatisfied", communication="basically"
    )
    form.refresh_from_db()
    assert form.handling == "unsatisfied" and form.edited_at
    # Others never open it.
    for other in (cast.staff, cast.cosigner, cast.clerk_a):
        assert _client(other).get(f"/evaluation/opinions/{form.pk}/").status_code == 404
    with pytest.raises(NotAllowed):
        campaigns.submit_opinion(
            form, by=cast.cosigner, handling="satisfied", communication="satisfied"
        )
    # Once the step is done, the form is closed.
    campaigns.finish(step, by=cast.staff)
    with pytest.raises(Conflict, match="closed"):
        campaigns.submit_opinion(
            form, by=cast.deputy, handling="satisfied", communication="satisfied"
        )
    assert OPINIONS.offered(cast.deputy, form) == []
    assert "closed" in c.get(f"/evaluation/opinions/{form.pk}/").content.decode()


def test_staff_see_the_response_rate_summary_and_export(cast, campaign, replied):
    step = _open_opinions(cast, campaign)
    campaigns.send_opinion_forms(step, by=cast.staff)
    form = OpinionForm.objects.get(campaign=campaign)
    c = _client(cast.staff)
    page = c.get(f"/evaluation/campaigns/{campaign.pk}/opinions/")
    assert page.context["summary"].rate == 0
    campaigns.submit_opinion(
        form, by=cast.deputy, handling="satisfied", communication="satisfied", comment="好"
    )
    summary = campaigns.summary(campaign)
    assert (summary.sent, summary.answered, summary.rate) == (1, 1, 100)
    assert summary.handling["satisfied"] == 1
    page = c.get(f"/evaluation/campaigns/{campaign.pk}/opinions/")
    assert "1 of 1 deputies answered (100%)" in page.content.decode()
    xlsx = c.get(f"/evaluation/campaigns/{campaign.pk}/opinions/?format=xlsx")
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Deputy" and len(rows) == 3  # header, overall, one suggestion
    assert rows[1][3] == "Satisfied (满意)" and rows[1][5] == "好"
    # Not for the step owners or anyone else.
    assert (
        _client(cast.committee).get(f"/evaluation/campaigns/{campaign.pk}/opinions/").status_code
        == 403
    )
    assert (
        _client(cast.deputy).get(f"/evaluation/campaigns/{campaign.pk}/opinions/").status_code
        == 404
    )


def test_who_sees_the_campaign(cast, campaign):
    assert _client(cast.staff).get("/evaluation/campaigns/").status_code == 200
    assert _client(cast.committee).get("/evaluation/campaigns/").status_code == 200  # owns a step
    for other in (cast.deputy, cast.clerk_b, cast.outsider):
        assert _client(other).get("/evaluation/campaigns/").status_code in (403, 200)
    assert _client(cast.deputy).get("/evaluation/campaigns/").status_code == 403
    assert _client(cast.outsider).get(f"/evaluation/campaigns/{campaign.pk}/").status_code == 404
    assert _client(cast.deputy).get(f"/evaluation/campaigns/{campaign.pk}/").status_code == 404
    assert _client(cast.committee).get(f"/evaluation/campaigns/{campaign.pk}/").status_code == 200


def test_staff_create_a_campaign_on_the_page(cast):
    c = _client(cast.staff)
    response = c.post(
        "/evaluation/campaigns/new/",
        {"title": "2026年评估", "year": "2026", "starts_on": "2026-11-02"},
    )
    assert response.status_code == 302
    made = Campaign.objects.get(title="2026年评估")
    assert made.steps.count() == 14 and made.period_start == D(2026, 1, 1)
    bad = c.post("/evaluation/campaigns/new/", {"title": "", "year": "1800", "starts_on": "x"})
    assert bad.status_code == 422
    assert _client(cast.deputy).get("/evaluation/campaigns/new/").status_code == 403


def test_the_calendar_changing_recomputes_open_steps(cast, campaign):
    CampaignStep.objects.filter(campaign=campaign).update(warn_from=None)
    assert campaigns.recompute_warnings() == 14
    assert campaigns.recompute_warnings() == 0
    assert Event.objects.filter(action="recompute_due").count() == 14


def test_an_organisation_of_another_congress_cannot_own_a_step(cast, campaign):
    foreign = Organisation.objects.create(
        jurisdiction=cast.other_jurisdiction, name="外省单位", kind=Organisation.Kind.DEPARTMENT
    )
    step = _step(campaign, "plan")
    with pytest.raises(Invalid, match="another congress"):
        campaigns.edit_step(
            step,
            by=cast.staff,
            title=step.title,
            planned_start=step.planned_start,
            planned_end=step.planned_end,
            owner_organisation=foreign,
        )


def test_the_campaign_page_takes_the_same_queries_for_14_and_24_steps(cast, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = _client(cast.staff)
    url = f"/evaluation/campaigns/{campaign.pk}/"
    c.get(url)
    with CaptureQueriesContext(connection) as fourteen:
        assert c.get(url).status_code == 200
    for n in range(10):
        campaigns.add_step(
            campaign,
            by=cast.staff,
            title=f"步骤{n}",
            planned_start=D(2026, 6, 1),
            planned_end=D(2026, 6, 9),
        )
    with CaptureQueriesContext(connection) as twenty_four:
        assert c.get(url).status_code == 200
    assert len(twenty_four) == len(fourteen)


def test_an_overdue_step_reminds_its_owners_once_then_weekly(cast, campaign):
    from minsheng.notifications import reminders

    step = _step(campaign, "committee_assessment")
    end = step.planned_end
    sent = Notification.objects.filter(
        kind="campaign_step_overdue", link=f"/evaluation/steps/{step.pk}/"
    )
    with states.frozen(end):
        reminders.run()
    assert not sent.exists()
    with states.frozen(end + datetime.timedelta(days=1)):
        reminders.run()
        reminders.run()
    assert [n.recipient for n in sent] == [cast.committee]  # the committee's member
    # A step of the office (no person, no office organisation here): its creator hears.
    plan = Notification.objects.filter(link=f"/evaluation/steps/{_step(campaign, 'plan').pk}/")
    assert {n.recipient for n in plan} == {cast.staff}
    with states.frozen(end + datetime.timedelta(days=8)):
        summary = reminders.run()
    assert not summary.errors and sent.all().count() == 2
    campaigns.start(step, by=cast.committee)
    campaigns.finish(step, by=cast.committee)
    with states.frozen(end + datetime.timedelta(days=15)):
        reminders.run()
    assert sent.all().count() == 2


def test_the_campaign_page_lists_plain_rows_and_each_step_has_its_page(cast, campaign):
    c = _client(cast.staff)
    step = _step(campaign, "plan")
    listed = c.get(f"/evaluation/campaigns/{campaign.pk}/").content.decode()
    assert (
        "/act/" not in listed
        and "/edit/" not in listed
        and "<form" not in listed.split('data-testid="steps"')[1].split("</ol>")[0]
    )
    assert f'href="/evaluation/steps/{step.pk}/"' in listed
    page = c.get(f"/evaluation/steps/{step.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/evaluation/steps/{step.pk}/act/start/" in html
    assert f"/evaluation/steps/{step.pk}/edit/" in html and "Step 1 of 14" in html
    assert f"/evaluation/steps/{step.pk}/move/down/" in html
    assert f"/evaluation/steps/{step.pk}/move/up/" not in html  # the first step
    # The old links (?step=) open the step's page.
    old = c.get(f"/evaluation/campaigns/{campaign.pk}/?step={step.pk}")
    assert old.status_code == 302 and old["Location"] == f"/evaluation/steps/{step.pk}/"
    assert c.get(f"/evaluation/campaigns/{campaign.pk}/?step=x").status_code == 200
    # A committee member acts on their own step only; the others are read only.
    mine = _client(cast.committee)
    own = _step(campaign, "committee_assessment")
    html = mine.get(f"/evaluation/steps/{own.pk}/").content.decode()
    assert f"/evaluation/steps/{own.pk}/act/start/" in html and "/edit/" not in html
    other = mine.get(f"/evaluation/steps/{step.pk}/")
    assert other.status_code == 200 and "/act/" not in other.content.decode()
    assert _client(cast.deputy).get(f"/evaluation/steps/{step.pk}/").status_code == 404
    assert c.get("/evaluation/steps/999999/").status_code == 404


def test_acting_on_a_step_comes_back_to_its_page_with_notes_and_refusals(cast, campaign):
    c = _client(cast.staff)
    step = _step(campaign, "plan")
    done = c.post(
        f"/evaluation/steps/{step.pk}/act/start/",
        {"expected_version": step.version, "note": "方案起草中"},
    )
    assert done.status_code == 302 and done["Location"] == f"/evaluation/steps/{step.pk}/"
    page = c.get(done["Location"]).content.decode()
    assert "方案起草中" in page and "Mark the step done" in page
    stale = c.post(f"/evaluation/steps/{step.pk}/act/note/", {"expected_version": 0, "note": "x"})
    assert stale.status_code == 409 and 'data-testid="page-error"' in stale.content.decode()
    blank = c.post(f"/evaluation/steps/{step.pk}/act/skip/", {"expected_version": 1, "reason": ""})
    assert blank.status_code == 422 and "Say why the step is skipped." in blank.content.decode()


def test_the_step_page_takes_the_same_queries_for_one_and_five_notes(cast, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    step = _step(campaign, "plan")
    campaigns.note(step, by=cast.staff, note="一")
    c = _client(cast.staff)
    url = f"/evaluation/steps/{step.pk}/"
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for n in range(4):
        campaigns.note(step, by=cast.staff, note=f"注{n}")
    with CaptureQueriesContext(connection) as five:
        assert c.get(url).status_code == 200
    assert len(five) == len(one)


# --- the steps' notifications ------------------------------------------------------------------


def test_the_owners_hear_that_the_campaign_started_with_their_steps(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaigns.create(
            by=cast.staff,
            jurisdiction=cast.jurisdiction,
            year=timezone.localdate().year,
            title="评估",
            starts_on=timezone.localdate(),
        )
    told = Notification.objects.filter(kind="campaign_step_assigned")
    assert cast.committee in {n.recipient for n in told}
    assert not told.filter(recipient=cast.staff).exists()  # the staff member created it
    note = told.get(recipient=cast.committee)
    assert note.link == f"/evaluation/campaigns/{campaign.pk}/"
    assert "评估" in note.title and _step(campaign, "committee_assessment").title in note.body
    assert note.params["variant"] == "started" and note.params["n"] == 1


def test_a_new_owner_hears_that_a_step_is_theirs(
    cast, campaign, django_capture_on_commit_callbacks
):
    told = Notification.objects.filter(kind="campaign_step_assigned")
    step = _step(campaign, "plan")

    def edit(**owners):
        with django_capture_on_commit_callbacks(execute=True):
            campaigns.edit_step(
                CampaignStep.objects.get(pk=step.pk),
                by=cast.staff,
                title=step.title,
                planned_start=step.planned_start,
                planned_end=step.planned_end,
                **owners,
            )

    edit(owner_person=cast.clerk_a, owner_organisation=None)
    assert [(n.recipient, n.link) for n in told.all()] == [
        (cast.clerk_a, f"/evaluation/steps/{step.pk}/")
    ]
    edit(owner_person=cast.clerk_a, owner_organisation=cast.committee_org)  # the person still
    edit(owner_person=None, owner_organisation=cast.committee_org)  # now the committee
    assert sorted(n.recipient.username for n in told.all()) == ["clerk_a", "committee"]
    with django_capture_on_commit_callbacks(execute=True):
        added = campaigns.add_step(
            campaign,
            by=cast.staff,
            title="补充调研",
            planned_start=D(2026, 6, 1),
            planned_end=D(2026, 6, 9),
            owner_person=cast.head_a,
        )
    assert told.filter(recipient=cast.head_a, link=f"/evaluation/steps/{added.pk}/").exists()
    assert not told.filter(recipient=cast.staff).exists()  # nobody hears of their own act


def test_the_owners_hear_that_staff_reopened_their_step(
    cast, campaign, django_capture_on_commit_callbacks
):
    step = _step(campaign, "committee_assessment")
    campaigns.start(step, by=cast.committee)
    campaigns.finish(step, by=cast.committee)
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.reopen(step, by=cast.staff, reason="评估报告缺少数据")
    note = Notification.objects.get(kind="campaign_step_reopened")
    assert note.recipient == cast.committee and "评估报告缺少数据" in note.body
    assert note.link == f"/evaluation/steps/{step.pk}/"


def test_a_step_due_soon_reminds_its_owners_the_day_it_turns_yellow(cast, campaign):
    from minsheng.notifications import reminders

    step = _step(campaign, "committee_assessment")
    sent = Notification.objects.filter(kind="campaign_step_due_soon")
    assert step.planned_start < step.warn_from <= step.planned_end
    with states.frozen(step.warn_from - datetime.timedelta(days=1)):
        reminders.run()
    assert not sent.filter(link=f"/evaluation/steps/{step.pk}/").exists()
    with states.frozen(step.warn_from):
        assert step.warning(step.warn_from) == WarningColour.YELLOW
        reminders.run()
        reminders.run()
    mine = sent.filter(link=f"/evaluation/steps/{step.pk}/")
    assert [n.recipient for n in mine] == [cast.committee]
    assert step.planned_end.isoformat() == mine.get().params["due_date"]
    # A step done before its yellow day is not reminded.
    other = _step(campaign, "self_assessment")
    campaigns.start(other, by=cast.staff)
    campaigns.finish(other, by=cast.staff)
    with states.frozen(other.warn_from):
        reminders.run()
    assert not sent.filter(link=f"/evaluation/steps/{other.pk}/").exists()


# --- the steps' actions in the API --------------------------------------------------------------


def _api(user):
    from minsheng.people.models import ApiToken

    c = Client()
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user, 'test')[1]}"
    return c


def test_the_api_runs_the_step_actions_on_the_engine(cast, campaign):
    step = _step(campaign, "committee_assessment")
    base = f"/api/v1/evaluation/steps/{step.pk}"
    committee = _api(cast.committee)
    offered = committee.get(f"{base}/actions").json()
    assert [a["name"] for a in offered["actions"]] == ["start", "note"]
    assert offered["actions"][0]["path"] == f"{base}/actions/start"
    version = committee.get(base).json()["version"]
    started = committee.post(
        f"{base}/actions/start",
        {"expected_version": version, "note": "开始评估"},
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    assert started.json()["state"] == "in_progress"
    assert campaign.events.filter(action="start", note="开始评估").exists()
    stale = committee.post(
        f"{base}/actions/finish", {"expected_version": version}, content_type="application/json"
    )
    assert stale.status_code == 409
    done = committee.post(f"{base}/actions/finish", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "done"
    # Reopening is staff's, with a reason.
    assert (
        committee.post(
            f"{base}/actions/reopen", {"reason": "再议"}, content_type="application/json"
        ).status_code
        == 403
    )
    staff = _api(cast.staff)
    assert (
        staff.post(
            f"{base}/actions/reopen", {"reason": " "}, content_type="application/json"
        ).status_code
        == 422
    )
    reopened = staff.post(
        f"{base}/actions/reopen", {"reason": "再议"}, content_type="application/json"
    )
    assert reopened.status_code == 200 and reopened.json()["state"] == "in_progress"
    noted = staff.post(f"{base}/actions/note", {"note": "补充"}, content_type="application/json")
    assert noted.status_code == 200 and noted.json()["state"] == "in_progress"
    assert (
        staff.post(
            f"{base}/actions/note", {"note": "x", "documents": []}, content_type="application/json"
        ).status_code
        == 422
    )  # documents go through the page
    plan = _step(campaign, "plan")
    skipped = staff.post(
        f"/api/v1/evaluation/steps/{plan.pk}/actions/skip",
        {"reason": "今年不做"},
        content_type="application/json",
    )
    assert skipped.status_code == 200 and skipped.json()["state"] == "skipped"
    sent = staff.post(
        f"/api/v1/evaluation/steps/{plan.pk}/actions/send_opinion_forms",
        {},
        content_type="application/json",
    )
    assert sent.status_code == 409  # skipped: not in progress
    assert (
        staff.post(f"{base}/actions/nonsense", {}, content_type="application/json").status_code
        == 404
    )
    assert (
        _api(cast.deputy)
        .post(f"{base}/actions/note", {"note": "x"}, content_type="application/json")
        .status_code
        == 404
    )
