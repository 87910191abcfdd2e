"""Supervision teams and rectification (整改): an inspection's findings become rectifications
assigned to their units; the unit reports, the team's leader or staff close or send back; the
lights follow the due date and the rule set's yellow working days; who sees and does what."""

import datetime

import pytest
from django.utils import translation

from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import workflow_teams as wt
from minsheng.ledger.actions_teams import RECTIFICATIONS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import Rectification, Team
from minsheng.suggestions.models import WarningColour
from tests import states
from tests import team_states as ts

pytestmark = pytest.mark.django_db
R = Rectification.State


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_each_finding_becomes_a_rectification_of_its_unit(cast):
    item = ts.item(cast)
    team = ts.team(cast, [item])
    with states.frozen(ts.START + datetime.timedelta(days=1)):
        inspection = ts.inspected(cast, team, item, units=[cast.unit_a, cast.unit_b])
    rects = list(inspection.rectifications.order_by("pk"))
    assert [(r.owner_unit, r.state, r.team, r.item) for r in rects] == [
        (cast.unit_a, R.OPEN, team, item),
        (cast.unit_b, R.OPEN, team, item),
    ]
    assert rects[0].warn_from is not None and rects[0].warn_from < rects[0].due
    # The item's history shows the inspection and its findings.
    event = item.events.get(action="team_inspection")
    assert [f["unit"] for f in event.data["findings"]] == [cast.unit_a.name, cast.unit_b.name]
    assert rects[0].events.get().action == "create"
    # The item's own version is not bumped (its people's open forms stay valid).
    assert LedgerItem.objects.get(pk=item.pk).version == item.version


def test_the_state_machine_report_close_reopen(cast):
    with states.frozen(ts.START):
        rect = ts.rectification(cast)
    with states.frozen(ts.START + datetime.timedelta(days=5)):
        assert RECTIFICATIONS.offered(cast.clerk_a, rect) == ["report"]
        assert RECTIFICATIONS.offered(cast.supervisor, rect) == []
        rect = wt.report(rect, by=cast.clerk_a, on=ts.START, report="已整改")
        assert rect.state == R.REPORTED
        assert RECTIFICATIONS.offered(cast.supervisor, rect) == ["close", "reopen"]
        assert RECTIFICATIONS.offered(cast.staff, rect) == ["close", "reopen"]
        rect = wt.reopen(
            rect,
            by=cast.supervisor,
            reason="照片不清楚",
            due=ts.START + datetime.timedelta(days=60),
        )
        assert rect.state == R.REOPENED and rect.due == ts.START + datetime.timedelta(days=60)
        rect = wt.report(rect, by=cast.head_a, on=ts.START, report="重新整改")
        rect = wt.close(rect, by=cast.staff, note="验收通过")
    assert rect.state == R.CLOSED and rect.closed_on is not None
    assert [e.action for e in rect.events.order_by("pk")] == [
        "create",
        "report",
        "reopen",
        "report",
        "close",
    ]
    actions = set(rect.item.events.values_list("action", flat=True))
    assert {"team_inspection", "rectification_reopened", "rectification_closed"} <= actions
    # A closed one may be reopened by the leader, never reported again as it stands.
    with pytest.raises(Conflict):
        wt.report(rect, by=cast.clerk_a, on=ts.START, report="再次")


def test_who_may_act(cast):
    with states.frozen(ts.START):
        rect = ts.rectification(cast)
        for someone in (cast.clerk_b, cast.supervisor, cast.committee, cast.staff, cast.deputy):
            with pytest.raises(NotAllowed):
                wt.report(rect, by=someone, on=ts.START, report="x")
        wt.report(rect, by=cast.clerk_a, on=ts.START, report="已整改")
        # A plain member of the team, and the unit, may not accept.
        for someone in (cast.committee, cast.clerk_a, cast.head_a):
            with pytest.raises(NotAllowed):
                wt.close(rect, by=someone)
        with pytest.raises(Invalid):
            wt.reopen(rect, by=cast.supervisor, reason="  ")


def test_report_dates_are_checked(cast):
    with states.frozen(ts.START):
        rect = ts.rectification(cast)
        with pytest.raises(Invalid, match="future"):
            wt.report(rect, by=cast.clerk_a, on=ts.START + datetime.timedelta(days=1), report="x")
        with pytest.raises(Invalid, match="before"):
            wt.report(rect, by=cast.clerk_a, on=ts.START - datetime.timedelta(days=1), report="x")


def test_lights_at_the_boundaries(cast):
    with states.frozen(ts.START):
        rect = ts.rectification(cast, due=datetime.date(2026, 3, 31))
    assert rect.warn_from == datetime.date(2026, 3, 24)  # 5 working days before
    day = datetime.timedelta(days=1)
    cases = {
        rect.warn_from - day: WarningColour.GREEN,
        rect.warn_from: WarningColour.YELLOW,
        rect.due: WarningColour.YELLOW,
        rect.due + day: WarningColour.RED,
    }
    for today, colour in cases.items():
        assert rect.warning(today) == colour, today
        assert list(Rectification.objects.warning(colour, today)) == [rect]
    with states.frozen(datetime.date(2026, 3, 10)):
        wt.report(rect, by=cast.clerk_a, on=datetime.date(2026, 3, 10), report="已整改")
        wt.close(rect, by=cast.supervisor)
    rect.refresh_from_db()
    assert rect.warning(rect.due + day) == WarningColour.NONE
    assert not Rectification.objects.warning(WarningColour.RED, rect.due + day).exists()


def test_inspections_are_recorded_by_members_on_the_teams_items_only(cast):
    item = ts.item(cast)
    other = ts.item(cast, title="专题调研")
    team = ts.team(cast, [item])
    with states.frozen(ts.START):
        with pytest.raises(NotAllowed):
            ts.inspected(cast, team, item, by=cast.clerk_a)
        with pytest.raises(Invalid, match="does not cover"):
            ts.inspected(cast, team, other)
        with pytest.raises(Invalid, match="future"):
            ts.inspected(cast, team, item, on=ts.START + datetime.timedelta(days=1))
        with pytest.raises(Invalid, match="before the inspection"):
            ts.inspected(cast, team, item, due=ts.START - datetime.timedelta(days=1))
        ts.inspected(cast, team, item, by=cast.staff)


def test_only_staff_manage_teams(cast):
    item = ts.item(cast)
    with pytest.raises(NotAllowed):
        wt.create_team(
            by=cast.supervisor,
            jurisdiction_id=cast.jurisdiction.pk,
            name="组",
            year=2026,
            leader=cast.supervisor,
        )
    team = ts.team(cast, [item])
    with pytest.raises(Invalid, match="already a team"):
        ts.team(cast)
    team = wt.change_team(
        team, by=cast.staff, name="第一组", leader=cast.committee, members=[cast.supervisor]
    )
    assert team.leader == cast.committee
    assert set(team.memberships.values_list("user__username", "role")) == {
        ("committee", "leader"),
        ("supervisor", "member"),
    }
    assert [e.action for e in team.events.order_by("pk")] == ["create", "change"]


def test_who_sees_teams_and_rectifications(cast):
    with states.frozen(ts.START):
        rect = ts.rectification(cast, units=[cast.unit_b])
    team = rect.team
    seen = {
        p: Rectification.objects.visible_to(getattr(cast, p)).filter(pk=rect.pk).exists()
        for p in ("deputy", "staff", "clerk_a", "clerk_b", "supervisor", "committee", "outsider")
    }
    # The item is unit_a's (a law-enforcement inspection: deputies do not see it); the
    # rectification is unit_b's.
    assert seen == {
        "deputy": False,
        "staff": True,
        "clerk_a": True,
        "clerk_b": True,
        "supervisor": True,
        "committee": True,
        "outsider": False,
    }
    teams = {
        p: Team.objects.visible_to(getattr(cast, p)).filter(pk=team.pk).exists()
        for p in ("deputy", "staff", "clerk_a", "supervisor", "outsider")
    }
    assert teams == {
        "deputy": False,
        "staff": True,
        "clerk_a": False,
        "supervisor": True,
        "outsider": False,
    }


def test_a_deputy_in_a_team_sees_its_items(cast):
    item = ts.item(cast)
    assert not LedgerItem.objects.visible_to(cast.deputy).filter(pk=item.pk).exists()
    ts.team(cast, [item], members=[cast.deputy])
    assert LedgerItem.objects.visible_to(cast.deputy).filter(pk=item.pk).exists()


# --- notifications -----------------------------------------------------------------------------


def _got(kind):
    from minsheng.notifications.models import Notification

    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_the_owner_unit_hears_of_its_rectification(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), states.frozen(ts.START):
        ts.rectification(cast)
    assert _got("rectification_assigned") == ["clerk_a", "head_a"]


def test_reminders_when_due_soon_then_overdue_weekly_once_a_day(cast, settings):
    from minsheng.notifications import reminders
    from minsheng.notifications.models import Notification

    settings.REMINDER_CATCH_UP_DAYS = 0
    with states.frozen(ts.START):
        rect = ts.rectification(cast, due=datetime.date(2026, 3, 31))
    sent = {}
    for n in range(45):
        day = ts.START + datetime.timedelta(days=n)
        before = set(Notification.objects.values_list("pk", flat=True))
        for _run in range(2):  # a second run the same day sends nothing more
            with states.frozen(day):
                reminders.run()
        new = Notification.objects.exclude(pk__in=before).filter(kind__startswith="rectification_")
        found = sorted(new.values_list("kind", "recipient__username"))
        if found:
            sent[day] = found
    unit = ["clerk_a", "head_a"]
    assert sent == {
        rect.warn_from: [("rectification_due_soon", u) for u in unit],
        datetime.date(2026, 4, 1): [("rectification_overdue", u) for u in unit],
        datetime.date(2026, 4, 8): [("rectification_overdue", u) for u in unit],
        datetime.date(2026, 4, 15): [("rectification_overdue", u) for u in unit],
    }


def test_a_reported_or_closed_rectification_is_not_reminded(cast, settings):
    from minsheng.notifications import reminders
    from minsheng.notifications.models import Notification

    settings.REMINDER_CATCH_UP_DAYS = 0
    with states.frozen(ts.START):
        rect = ts.rectification(cast, due=datetime.date(2026, 3, 31))
        wt.report(rect, by=cast.clerk_a, on=ts.START, report="已整改")
    with states.frozen(datetime.date(2026, 4, 1)):
        reminders.run()
    assert not Notification.objects.filter(kind__startswith="rectification_").exists()


def test_the_rectification_list_sorts_and_exports_every_filtered_row(cast, client):
    import io

    from openpyxl import load_workbook

    the_item = ts.item(cast)
    the_team = ts.team(cast, [the_item])
    early = ts.inspected(cast, the_team, the_item, due=ts.START + datetime.timedelta(days=10))
    late = ts.inspected(cast, the_team, the_item, due=ts.START + datetime.timedelta(days=40))
    first, second = early.rectifications.get(), late.rectifications.get()
    client.force_login(cast.staff)

    def order(**params):
        page = client.get("/ledger/rectifications/", params).content.decode()
        links = {pk: page.find(f"/ledger/rectifications/{pk}/") for pk in (first.pk, second.pk)}
        assert all(at >= 0 for at in links.values()), links
        return sorted(links, key=links.__getitem__)

    assert order() == [first.pk, second.pk]
    assert order(sort="-due") == [second.pk, first.pk]
    assert order(sort="found") == [second.pk, first.pk]
    assert client.get("/ledger/rectifications/", {"sort": "nonsense"}).status_code == 200

    answer = client.get("/ledger/rectifications/", {"format": "xlsx", "sort": "-due"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "台账事项", "督查组", "发现问题")
    assert [r[6].date() for r in rows[1:]] == [second.due, first.due]
    assert {r[4] for r in rows[1:]} == {cast.unit_a.name}
    # Someone who sees none of them gets the header alone.
    client.force_login(cast.clerk_b)
    answer = client.get("/ledger/rectifications/", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active.max_row == 1
