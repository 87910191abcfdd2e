"""Supervision: key items on the shared engine, supervisors by tier, records, instructions with
their "710" due dates, warnings, and who sees what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.lib.workdays import WorkCalendar
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import Suggestion, WarningColour
from minsheng.supervision import workflow
from minsheng.supervision.actions import KEY_ITEMS
from minsheng.supervision.models import Instruction, KeyItem, Record, Tier
from tests import states
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

RULES = deadlines.Rules()
CAL = WorkCalendar()


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- the 710 rule ------------------------------------------------------------------------------


def test_an_ordinary_instruction_is_due_in_seven_days_on_a_working_day():
    # Monday 2026-03-02 + 7 days = Monday 2026-03-09, a working day.
    assert deadlines.instruction_due(d("2026-03-02"), False, RULES, CAL).date == d("2026-03-09")
    # Friday 2026-03-06 + 7 = Friday 03-13; Saturday 03-07 + 7 = Saturday 03-14 → Monday 03-16.
    assert deadlines.instruction_due(d("2026-03-07"), False, RULES, CAL).date == d("2026-03-16")


def test_a_complex_instruction_shows_a_result_within_a_month():
    assert deadlines.instruction_due(d("2026-03-02"), True, RULES, CAL).date == d("2026-04-02")


def test_every_instruction_of_the_year_is_cleared_by_the_clearance_day():
    assert deadlines.instruction_due(d("2026-12-10"), True, RULES, CAL).date == d("2026-12-31")
    assert deadlines.instruction_due(d("2026-12-28"), False, RULES, CAL).date == d("2026-12-31")
    # Given on the clearance day itself: its own 7 days (it could not be cleared that year).
    late = deadlines.instruction_due(d("2026-12-31"), False, RULES, CAL)
    assert late.date == d("2027-01-07")


def test_the_710_numbers_come_from_the_rule_set():
    rules = deadlines.Rules(
        instruction_days=3, instruction_complex_months=2, clearance_month=6, clearance_day=30
    )
    assert deadlines.instruction_due(d("2026-03-02"), False, rules, CAL).date == d("2026-03-05")
    assert deadlines.instruction_due(d("2026-03-02"), True, rules, CAL).date == d("2026-05-06")
    assert deadlines.instruction_due(d("2026-06-20"), True, rules, CAL).date == d("2026-06-30")
    with pytest.raises(ValueError):
        deadlines.Rules(clearance_month=2, clearance_day=30)


# --- a key item's life -------------------------------------------------------------------------


def _topic(cast, *suggestions, **more):
    return workflow.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="农村公路养护专题",
        year=timezone.localdate().year,
        suggestions=suggestions,
        lead_unit=cast.unit_a,
        **more,
    )


def _decided(cast, *suggestions):
    item = _topic(cast, *suggestions)
    return workflow.decide(
        item, by=cast.staff, decided_on=timezone.localdate(), decision_number="常办字〔2026〕3号"
    )


def test_only_staff_propose_and_only_registered_suggestions_join(cast):
    s = states.handling(cast)
    with pytest.raises(NotAllowed):
        workflow.propose(
            by=cast.clerk_a,
            jurisdiction_id=cast.jurisdiction.pk,
            title="x",
            year=2026,
            suggestions=[s],
        )
    with pytest.raises(Invalid):
        _topic(cast, states.draft(cast))
    item = _topic(cast, s)
    assert item.state == KeyItem.State.PROPOSED and list(item.suggestions.all()) == [s]
    assert item.events.get().action == "create"


def test_the_council_decides_and_supervision_runs_to_the_year_end(cast):
    s = states.handling(cast)
    item = _decided(cast, s)
    assert item.state == KeyItem.State.SUPERVISING
    assert item.due == RULES.clearance(item.year)
    assert item.warn_from is not None and item.warn_from < item.due
    s.refresh_from_db()
    assert s.events.filter(action="key_item").exists()


def test_supervisors_of_every_tier_and_a_record_on_the_timelines(cast):
    s = states.handling(cast)
    item = _decided(cast, s)
    for tier in Tier.objects.all():
        workflow.add_supervisor(
            item, by=cast.staff, user=cast.supervisor, tier=tier, duty="supervise"
        )
    assert item.supervisors.count() == 7
    with pytest.raises(Invalid):
        workflow.add_supervisor(
            item, by=cast.staff, user=cast.supervisor, tier=Tier.objects.get(number=1), duty="lead"
        )
    version = Suggestion.objects.get(pk=s.pk).version
    record = workflow.supervise(
        item,
        by=cast.supervisor,
        kind=Record.Kind.VISIT,
        happened_on=timezone.localdate(),
        participants="郑宏、赵敏",
        notes="实地查看了三条农村公路。",
        unit=cast.unit_a,
        suggestion=s,
    )
    assert record.key_item == item and record.suggestion == s
    assert item.events.filter(action="supervise").exists()
    assert s.events.filter(action="supervise").exists()
    # Supervising a suggestion does not change it: the deputy's and unit's forms stay valid.
    assert Suggestion.objects.get(pk=s.pk).version == version


def test_a_reminder_says_how_it_was_given(cast):
    item = _decided(cast, states.handling(cast))
    with pytest.raises(Invalid, match="催办方式"):
        workflow.supervise(
            item,
            by=cast.staff,
            kind=Record.Kind.REMINDER,
            happened_on=timezone.localdate(),
            participants="周晓梅",
            notes="催办",
        )
    workflow.supervise(
        item,
        by=cast.staff,
        kind=Record.Kind.REMINDER,
        channel="phone",
        happened_on=timezone.localdate(),
        participants="周晓梅",
        notes="电话催办",
    )


def test_an_instruction_is_answered_by_its_unit_only(cast):
    s = states.handling(cast)
    item = _decided(cast, s)
    row = workflow.instruct(
        item, by=cast.staff, unit=cast.unit_a, text="请于一周内报送整改方案。", suggestion=s
    )
    assert row.state == Instruction.State.OPEN
    assert row.due == deadlines.instruction_due(row.issued_on, False, RULES, CAL).date
    with pytest.raises(NotAllowed):
        workflow.respond(row, by=cast.clerk_b, response="不是我们的事")
    with pytest.raises(Invalid):
        workflow.respond(row, by=cast.clerk_a, response="   ")
    workflow.respond(row, by=cast.clerk_a, response="已报送整改方案。")
    row.refresh_from_db()
    assert row.state == Instruction.State.RESPONDED and row.responded_by == cast.clerk_a
    assert item.events.filter(action="responded").exists()
    assert s.events.filter(action="responded").exists()
    with pytest.raises(Conflict):
        workflow.respond(row, by=cast.clerk_a, response="再答一次")


def test_an_instruction_may_only_name_a_unit_of_the_item(cast):
    item = _decided(cast, states.handling(cast))
    stranger = OrganisationFactory(jurisdiction=cast.jurisdiction, name="水利厅")
    with pytest.raises(Invalid):
        workflow.instruct(item, by=cast.staff, unit=stranger, text="请办理。")


def test_conclude_is_offered_with_what_still_stops_it(cast):
    s = states.handling(cast)
    item = _decided(cast, s)
    assert "conclude" in KEY_ITEMS.offered(cast.staff, item)
    problems = KEY_ITEMS.problems("conclude", cast.staff, item)
    assert problems and "1" in problems[0]
    with pytest.raises(Conflict):
        workflow.conclude(item, by=cast.staff, summary="已办结")
    Suggestion.objects.filter(pk=s.pk).update(state=Suggestion.State.CLOSED)
    workflow.conclude(item, by=cast.staff, summary="三条公路均已完成养护。")
    item.refresh_from_db()
    assert item.state == KeyItem.State.CONCLUDED and item.concluded_at


def test_a_units_internal_key_item_is_its_own(cast):
    item = workflow.propose(
        by=cast.clerk_b,
        jurisdiction_id=cast.jurisdiction.pk,
        title="本厅内部督办：校车安全",
        year=2026,
        kind=KeyItem.Kind.INTERNAL,
        owner_unit=cast.unit_b,
    )
    assert item.state == KeyItem.State.SUPERVISING
    visible = set(KeyItem.objects.visible_to(cast.head_b))
    assert item in visible
    for user in (cast.clerk_a, cast.committee, cast.supervisor, cast.deputy):
        assert item not in set(KeyItem.objects.visible_to(user)), user
    assert item in set(KeyItem.objects.visible_to(cast.staff))
    with pytest.raises(NotAllowed):
        workflow.propose(
            by=cast.clerk_b,
            jurisdiction_id=cast.jurisdiction.pk,
            title="x",
            year=2026,
            kind=KeyItem.Kind.INTERNAL,
            owner_unit=cast.unit_a,
        )


# --- who sees a key item -----------------------------------------------------------------------


def test_visibility_by_tier_counterpart_and_unit(cast):
    s = states.handling(cast)  # assigned to unit_a, counterpart of cast.committee_org
    proposed = _topic(cast, s)
    decided = _decided(cast, states.handling(cast, title="另一条"))

    def sees(user):
        return set(KeyItem.objects.visible_to(user))

    assert {proposed, decided} <= sees(cast.staff)
    assert {proposed, decided} <= sees(cast.admin)
    # A tier-2 leader supervises every decided key item, not the proposals.
    assert decided in sees(cast.supervisor) and proposed not in sees(cast.supervisor)
    # Committee and units see what the council chose; a proposal is the office's working paper.
    assert decided in sees(cast.committee) and proposed not in sees(cast.committee)
    assert decided in sees(cast.clerk_a) and proposed not in sees(cast.clerk_a)
    assert not sees(cast.clerk_b) & {proposed, decided}
    assert not sees(cast.outsider)
    assert decided in sees(cast.deputy) and proposed not in sees(cast.deputy)


def test_a_confidential_member_is_hidden_from_the_committee_on_the_page(client, cast):
    secret = states.handling(cast, title="涉密的建议", is_confidential=True)
    item = _decided(cast, states.handling(cast, title="公开的建议"), secret)
    workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="涉密批示内容", suggestion=secret)
    workflow.supervise(
        item,
        by=cast.staff,
        kind=Record.Kind.VISIT,
        happened_on=timezone.localdate(),
        participants="周晓梅",
        notes="涉密督办记录",
        suggestion=secret,
    )
    words = ("涉密的建议", "涉密批示内容", "涉密督办记录")
    client.force_login(cast.committee)
    html = client.get(reverse("supervision:detail", args=[item.pk])).content.decode()
    assert "公开的建议" in html
    assert not [w for w in words if w in html]
    client.force_login(cast.staff)
    html = client.get(reverse("supervision:detail", args=[item.pk])).content.decode()
    assert all(w in html for w in words)


# --- warnings ----------------------------------------------------------------------------------


def test_instruction_warning_colours_at_the_boundaries(cast):
    item = _decided(cast, states.handling(cast))
    row = workflow.instruct(
        item, by=cast.staff, unit=cast.unit_a, text="请办理。", on=d("2026-03-02")
    )
    assert row.due == d("2026-03-09")
    assert row.warning(d("2026-03-02")) in (WarningColour.GREEN, WarningColour.YELLOW)
    assert row.warning(row.warn_from) == WarningColour.YELLOW
    assert row.warning(row.due) == WarningColour.YELLOW  # the due day itself is still in time
    assert row.warning(row.due + datetime.timedelta(days=1)) == WarningColour.RED
    for day in (row.warn_from, row.due, row.due + datetime.timedelta(days=1)):
        colour = row.warning(day)
        assert set(Instruction.objects.warning(colour, day)) == {row}
    assert Instruction.objects.left_open_at_year_end(2026).get() == row


# --- pages -------------------------------------------------------------------------------------


def test_the_page_decides_records_and_responds(client, cast):
    s = states.handling(cast)
    item = _topic(cast, s)
    client.force_login(cast.staff)
    page = client.get(reverse("supervision:detail", args=[item.pk]))
    assert page.status_code == 200 and 'id="action-decide"' in page.content.decode()
    response = client.post(
        reverse("supervision:act", args=[item.pk, "decide"]),
        {"decided_on": "2999-01-01", "expected_version": item.version},
    )
    assert response.status_code == 422
    assert "决定日期不能晚于今天" in response.content.decode()
    response = client.post(
        reverse("supervision:act", args=[item.pk, "decide"]),
        {
            "decided_on": timezone.localdate().isoformat(),
            "decision_number": "常办字〔2026〕3号",
            "expected_version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == KeyItem.State.SUPERVISING
    response = client.post(
        reverse("supervision:act", args=[item.pk, "instruct"]),
        {"unit": cast.unit_a.pk, "text": "请尽快落实。", "expected_version": item.version},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row = Instruction.objects.get()
    client.force_login(cast.clerk_a)
    page = client.get(reverse("supervision:detail", args=[item.pk])).content.decode()
    assert f'data-testid="respond-{row.pk}"' in page
    response = client.post(reverse("supervision:respond", args=[row.pk]), {"response": ""})
    assert response.status_code == 422
    response = client.post(
        reverse("supervision:respond", args=[row.pk]),
        {"response": "已落实。", "expected_version": row.version},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == Instruction.State.RESPONDED


def test_a_committee_member_records_counterpart_supervision_on_the_suggestion_page(client, cast):
    s = states.handling(cast)
    client.force_login(cast.committee)
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert 'data-testid="supervision"' in page
    response = client.post(
        reverse("supervision:act_on_suggestion", args=[s.pk, "supervise"]),
        {
            "kind": "inquiry",
            "happened_on": timezone.localdate().isoformat(),
            "participants": "何静",
            "notes": "询问了办理进度。",
            "unit": cast.unit_a.pk,
        },
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.suggestion == s and record.key_item is None
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "询问了办理进度" in page
    # Another unit's clerk has no such action.
    client.force_login(cast.clerk_b)
    response = client.post(
        reverse("supervision:act_on_suggestion", args=[s.pk, "supervise"]),
        {
            "kind": "inquiry",
            "happened_on": timezone.localdate().isoformat(),
            "participants": "x",
            "notes": "x",
        },
    )
    assert response.status_code == 404  # clerk_b does not even see the suggestion


def test_the_list_and_the_warning_board_render(client, cast, django_assert_max_num_queries):
    s = states.handling(cast)
    _decided(cast, s)
    client.force_login(cast.staff)
    assert client.get(reverse("supervision:key_items")).status_code == 200
    board = client.get(reverse("supervision:warnings"))
    assert board.status_code == 200
    client.force_login(cast.committee)
    assert client.get(reverse("supervision:warnings")).status_code == 200


def test_the_list_costs_the_same_queries_for_more_items(client, cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.staff)
    s = states.handling(cast)
    _decided(cast, s)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:key_items"))
    for n in range(8):
        _decided(cast, states.handling(cast, title=f"建议{n}"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("supervision:key_items"))
    assert len(many) == len(few)


def test_the_rule_set_refuses_a_clearance_day_that_does_not_exist(cast):
    from django.core.exceptions import ValidationError

    from minsheng.suggestions.models import RuleSet

    rules = RuleSet(jurisdiction=cast.jurisdiction, clearance_month=2, clearance_day=30)
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "clearance_day" in refused.value.message_dict


def test_a_failed_supervision_form_comes_back_open_with_its_error_summary(client, cast):
    s = states.handling(cast)
    client.force_login(cast.committee)
    response = client.post(
        reverse("supervision:act_on_suggestion", args=[s.pk, "supervise"]), {"kind": "visit"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "data-error-summary" in html and 'id="supervision-supervise"' in html
    assert not Record.objects.exists()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_the_councils_decision_and_a_records_papers_are_kept_and_guarded(
    client, cast, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.supervision.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    s = states.handling(cast)
    item = _topic(cast, s)
    client.force_login(cast.staff)
    response = client.post(
        reverse("supervision:act", args=[item.pk, "decide"]),
        {
            "decided_on": timezone.localdate().isoformat(),
            "expected_version": item.version,
            "attachments": SimpleUploadedFile("主任会议纪要.pdf", PDF),
        },
    )
    assert response.status_code == 302
    decision = Document.objects.get()
    assert decision.key_item == item and decision.record is None
    assert item.events.filter(action="documents").exists()
    page = client.get(reverse("supervision:detail", args=[item.pk])).content.decode()
    assert "主任会议纪要.pdf" in page
    download = client.get(reverse("supervision:document", args=[decision.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.force_login(cast.clerk_b)  # not involved in the item
    assert client.get(reverse("supervision:document", args=[decision.pk])).status_code == 404
    # A file that is not what its name says is refused, and nothing is recorded.
    client.force_login(cast.staff)
    item.refresh_from_db()
    response = client.post(
        reverse("supervision:act", args=[item.pk, "supervise"]),
        {
            "kind": "visit",
            "happened_on": timezone.localdate().isoformat(),
            "participants": "周晓梅",
            "notes": "实地察看",
            "expected_version": item.version,
            "attachments": SimpleUploadedFile("照片.exe", b"MZ\x90\x00"),
        },
    )
    assert response.status_code == 422
    assert not Record.objects.exists()


def test_a_record_about_a_confidential_suggestion_keeps_its_papers_from_the_committee(
    cast, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.suggestions import attachments
    from minsheng.supervision import documents
    from minsheng.supervision.views import can_download

    settings.MEDIA_ROOT = tmp_path / "media"
    secret = states.handling(cast, title="涉密", is_confidential=True)
    item = _decided(cast, states.handling(cast), secret)
    record = workflow.supervise(
        item,
        by=cast.staff,
        kind=Record.Kind.VISIT,
        happened_on=timezone.localdate(),
        participants="周晓梅",
        notes="涉密",
        suggestion=secret,
    )
    upload = SimpleUploadedFile("纪要.pdf", PDF)
    kind = attachments.sniff(io.BytesIO(PDF), upload.name)
    doc = documents.attach(record, [(upload, kind)], by=cast.staff)[0]
    assert can_download(cast.staff, doc)
    assert not can_download(cast.committee, doc)


def test_a_committee_members_home_shows_counterpart_units_lit_and_the_latest_supervision(
    client, cast
):
    s = states.handling(cast)
    from minsheng.suggestions.models import Suggestion as S

    S.objects.filter(pk=s.pk).update(reply_due=d("2000-01-03"), warn_from=d("2000-01-01"))
    workflow.supervise(
        s,
        by=cast.committee,
        kind=Record.Kind.INQUIRY,
        happened_on=timezone.localdate(),
        participants="何静",
        notes="询问进度",
    )
    client.force_login(cast.committee)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-units"' in html and cast.unit_a.name in html
    assert 'data-testid="home-activity"' in html


def test_instruction_clocks_follow_the_official_calendar(cast):
    # Given Monday 28 September 2026: 7 days end on 5 October, inside the National Day holiday,
    # so the instruction is due on Thursday 8 October, the first working day after it.
    assert deadlines.instruction_due(d("2026-09-28"), False, RULES, CAL).date == d("2026-10-08")
    item = _decided(cast, states.handling(cast))
    row = workflow.instruct(
        item, by=cast.staff, unit=cast.unit_a, text="请办理。", on=d("2026-09-28")
    )
    assert row.due == d("2026-10-08")
    # Five working days back from 8 October skip the holiday and land on 23 September, before
    # the instruction was given: it is yellow from its first day.
    assert deadlines.yellow_from(row.due, RULES, CAL).date == d("2026-09-23")
    assert row.warn_from == d("2026-09-28")
    assert row.warning(d("2026-10-07")) == WarningColour.YELLOW
    assert row.warning(d("2026-10-09")) == WarningColour.RED
    # Given on Monday 28 December 2026, due on 4 January 2027: a year whose official holidays
    # are not entered yet, so the date could still move.
    late = workflow.instruct(
        item, by=cast.staff, unit=cast.unit_a, text="请办理。", on=d("2026-12-28")
    )
    assert late.due == d("2026-12-31")  # cleared by the year's clearance day
    nextyear = deadlines.instruction_due(d("2026-12-31"), False, RULES, CAL)
    assert (nextyear.date, nextyear.uncertain) == (d("2027-01-07"), True)
