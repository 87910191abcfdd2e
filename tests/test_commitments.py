"""B commitments (文字答复 → 解决问题): entered when a B reply is signed, once; reported on through
the ledger; closed by the second reply, which tells the deputy; closed is not solved; the
resolution rate with exact figures; the look-back and reopening; who sees and does what."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from minsheng.audit.models import Event
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.insight import similar
from minsheng.ledger import commitments, workflow
from minsheng.ledger.commitments import COMMITMENTS
from minsheng.ledger.models import FollowUpReply, LedgerItem, Status
from minsheng.notifications.models import Notification
from minsheng.suggestions import workflow as suggestions
from minsheng.suggestions.models import Reply
from tests import states

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 9, 1)
TARGET = D(2027, 12, 31)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit receivers (notifications) of a step, as a committed request would."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


def promised(cast, **kw):
    """A suggestion answered with a B reply (plan, target 2027-12-31), and its commitment."""
    s = states.answered(cast, category_code="B", **kw)
    return s, LedgerItem.objects.get(source_suggestion=s)


FOLLOW_UP = {
    "category": "A",
    "text": "护栏已全部安装完毕，并通过验收。",
    "contact_method": "phone",
    "contact_leader": "孙立新",
    "contact_leader_phone": "0871-1234567",
    "case_officer": "赵敏",
    "case_officer_phone": "0871-7654321",
}


def second_reply(cast, item, *, category="A", on=None):
    values = {**FOLLOW_UP, "category": category, "contacted_on": on or timezone.localdate()}
    commitments.draft_follow_up(item, by=cast.clerk_a, **values)
    return commitments.sign_follow_up(item, by=cast.head_a)


# --- entering the commitment ---------------------------------------------------------------------


def test_signing_a_b_reply_enters_its_commitment(cast):
    with states.frozen(DAY):
        s, item = promised(cast)
    reply = Reply.objects.get(suggestion=s)
    assert item.kind == LedgerItem.Kind.COMMITMENT
    assert item.source == LedgerItem.Source.SUGGESTION
    assert item.source_suggestion == s and item.source_reply == reply
    assert item.responsible_unit == cast.unit_a
    assert item.owner == cast.staff  # who registered the suggestion
    assert item.created_by == cast.head_a  # who signed the reply
    assert item.description == reply.plan
    assert (item.year, item.starts_on, item.ends_on) == (2026, DAY, TARGET)
    # The target date drives the due date through the ledger's refresh (not the year's end).
    assert item.due == TARGET and item.pace_due == TARGET
    assert item.status(DAY) == Status.NOT_STARTED
    # Logged on the item and on the suggestion's timeline.
    assert item.events.filter(action="create").exists()
    event = Event.objects.get(suggestion=s, action="commitment")
    assert event.actor == cast.head_a and event.data["item"] == item.pk


def test_other_categories_make_no_commitment(cast):
    for code in "ACD":
        states.answered(cast, category_code=code, title=f"类别{code}")
    assert not LedgerItem.objects.exists()


def test_the_owner_falls_back_to_the_first_active_staff_member(cast):
    from minsheng.people.models import Role
    from tests.factories import RoleFactory, UserFactory

    s = states.registered(cast)
    other = UserFactory(username="staff2", jurisdiction=cast.jurisdiction)
    RoleFactory(user=other, kind=Role.Kind.STAFF, jurisdiction=cast.jurisdiction)
    Role.objects.filter(user=cast.staff).update(is_active=False)
    assert commitments.owner_for(s) == other


def test_signing_again_never_makes_a_second_commitment(cast):
    s, item = promised(cast)
    reply = Reply.objects.get(suggestion=s)
    assert commitments.commitment_from_reply(reply, cast.head_a) == item
    assert commitments.backfill() == 0
    assert LedgerItem.objects.filter(source_reply=reply).count() == 1
    # The database refuses a second one, whoever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerItem.objects.create(
            jurisdiction=item.jurisdiction,
            kind=item.kind,
            title="重复",
            year=2026,
            source_reply=reply,
            owner=cast.staff,
            created_by=cast.staff,
            starts_on=item.starts_on,
            pace_due=item.pace_due,
        )


def test_backfill_enters_replies_signed_before_the_hook(cast, monkeypatch):
    monkeypatch.setattr(suggestions, "REPLY_SIGNED", [])
    s = states.answered(cast, category_code="B")
    assert not LedgerItem.objects.exists()
    monkeypatch.undo()
    assert commitments.backfill() == 1
    assert commitments.backfill() == 0
    assert LedgerItem.objects.get(source_suggestion=s).source_reply.suggestion == s


# --- progress and the second reply ---------------------------------------------------------------


def test_the_unit_reports_but_only_the_second_reply_solves(cast):
    with states.frozen(DAY) as clock:
        _s, item = promised(cast)
        clock.advance(30)
        workflow.report(item, by=cast.clerk_a, on=clock.day, percent=60, narrative="完成勘察。")
        item.refresh_from_db()
        assert item.progress == 60 and item.status(clock.day) == Status.IN_PROGRESS
        with pytest.raises(Invalid, match="second reply"):
            workflow.report(item, by=cast.clerk_a, on=clock.day, percent=100, narrative="完成。")


def test_the_second_reply_closes_the_commitment_and_tells_the_deputy(cast, commit):
    with states.frozen(DAY) as clock:
        s, item = promised(cast)
        clock.advance(60)
        # A clerk drafts, only the head signs.
        commitments.draft_follow_up(item, by=cast.clerk_a, **FOLLOW_UP, contacted_on=clock.day)
        with pytest.raises(NotAllowed):
            commitments.sign_follow_up(item, by=cast.clerk_a)
        row = commit(lambda: commitments.sign_follow_up(item, by=cast.head_a))
    item.refresh_from_db()
    assert row.state == FollowUpReply.State.SENT and row.round == 1 and row.signed_by == cast.head_a
    assert item.progress == 100 and item.done_on == clock.day
    assert commitments.is_solved(item) and item.status(clock.day) == Status.DONE
    assert item.events.filter(action="sign_follow_up").exists()
    assert Event.objects.filter(suggestion=s, action="commitment_follow_up").exists()
    told = Notification.objects.get(kind="commitment_answered")
    assert told.recipient == cast.deputy and f"/ledger/commitments/{item.pk}/" in told.link
    # Nothing more to send, and a second sending is refused.
    with pytest.raises(Conflict):
        commitments.sign_follow_up(item, by=cast.head_a)


def test_a_second_reply_needs_the_reply_norms(cast):
    with states.frozen(DAY) as clock:
        _s, item = promised(cast)
        clock.advance(5)
        with pytest.raises(Invalid, match="names and phones"):
            commitments.draft_follow_up(
                item, by=cast.clerk_a, **{**FOLLOW_UP, "case_officer_phone": ""}, contacted_on=DAY
            )
        with pytest.raises(Invalid, match="future"):
            commitments.draft_follow_up(
                item, by=cast.clerk_a, **FOLLOW_UP, contacted_on=clock.day + datetime.timedelta(1)
            )
        with pytest.raises(Invalid, match="after the first reply"):
            commitments.draft_follow_up(
                item, by=cast.clerk_a, **FOLLOW_UP, contacted_on=DAY - datetime.timedelta(1)
            )
        with pytest.raises(Conflict, match="no draft"):
            commitments.sign_follow_up(item, by=cast.head_a)


def test_a_c_second_reply_stops_the_commitment_unsolved(cast, commit):
    _s, item = promised(cast)
    commit(lambda: second_reply(cast, item, category="C"))
    item.refresh_from_db()
    assert item.state == LedgerItem.State.STOPPED and not commitments.is_solved(item)
    assert Notification.objects.get(kind="commitment_answered").params["variant"] == "not_solved"


def test_the_letter_follows_the_reply_layout(cast):
    import io

    from docx import Document

    from minsheng.ledger.commitment_letters import filename, follow_up_letter

    _s, item = promised(cast)
    row = second_reply(cast, item)
    doc = Document(io.BytesIO(follow_up_letter(row)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "A"
    assert "建议的二次答复" in text and "代表：" in text
    assert "原答复承诺：" in text and "责任领导：孙立新" in text and "经 办 人：赵敏" in text
    assert filename(row).endswith("建议的二次答复（交通运输厅）.docx")


# --- closed is not solved ------------------------------------------------------------------------


def test_a_closed_suggestion_leaves_its_commitment_open(cast):
    s, item = promised(cast)
    suggestions.rate(s, by=cast.deputy, overall="satisfied")
    suggestions.close(s, by=cast.staff, note="代表满意，办结。")
    item.refresh_from_db()
    assert not commitments.is_solved(item) and item.progress == 0
    rows, total = commitments.resolution_rates(LedgerItem.objects.all(), by=("unit",))
    assert (total.promised, total.solved, total.rate) == (1, 0, 0.0)


# --- the resolution rate -------------------------------------------------------------------------


def test_resolution_rate_per_unit_year_and_category(cast):
    roads = states.category(cast, "交通运输")
    schools = states.category(cast, "教育")
    made = []
    with states.frozen(D(2025, 6, 1)):
        for n in range(2):
            made.append(promised(cast, title=f"二〇二五年道路{n}")[1])
    with states.frozen(D(2026, 6, 1)):
        for n in range(3):
            made.append(promised(cast, title=f"二〇二六年道路{n}")[1])
        s, school = promised(cast, title="学校建设")
        s.category = schools
        s.save(update_fields=["category"])
        made.append(school)
    with states.frozen(D(2026, 7, 1)):
        second_reply(cast, made[0])  # 2025: one of two solved
        second_reply(cast, made[2])  # 2026 roads: one of three solved
        second_reply(cast, made[3], category="C")  # stopped, not solved
        second_reply(cast, school)  # 2026 schools: one of one
    rows, total = commitments.resolution_rates(LedgerItem.objects.all(), on=D(2026, 7, 1))
    got = {(r.year, r.category, r.promised, r.solved, r.stopped, r.open, r.rate) for r in rows}
    assert got == {
        (2025, roads.name, 2, 1, 0, 1, 50.0),
        (2026, roads.name, 3, 1, 1, 1, 33.3),
        (2026, schools.name, 1, 1, 0, 0, 100.0),
    }
    assert all(r.unit == "交通运输厅" for r in rows)
    assert (total.promised, total.solved, total.stopped, total.open, total.rate) == (
        6,
        3,
        1,
        2,
        50.0,
    )
    by_unit, _total = commitments.resolution_rates(LedgerItem.objects.all(), by=("unit",))
    assert [(r.unit, r.promised, r.solved, r.rate) for r in by_unit] == [("交通运输厅", 6, 3, 50.0)]
    # Reopening a solved one takes it out of the solved.
    with states.frozen(D(2026, 8, 1)):
        commitments.reopen(school, by=cast.staff, ends_on=D(2027, 6, 30), percent=80, note="回头看")
    _rows, total = commitments.resolution_rates(LedgerItem.objects.all(), by=())
    assert (total.promised, total.solved, total.rate) == (6, 2, 33.3)


def test_resolution_rate_counts_overdue(cast):
    with states.frozen(D(2026, 6, 1)):
        _s, item = promised(cast)
    rows, total = commitments.resolution_rates(LedgerItem.objects.all(), on=D(2028, 1, 1))
    assert (total.promised, total.open, total.overdue, total.rate) == (1, 1, 1, 0.0)


# --- look-back and reopening ---------------------------------------------------------------------


def test_similar_titles_share_character_pairs():
    assert similar.bigrams("关于农村公路的建议") == {"农村", "村公", "公路"}
    assert similar.similarity("关于农村公路的建议", "关于加强农村公路建设的建议") == 0.6
    assert similar.similarity("农村公路", "学前教育") == 0.0


def test_look_back_lists_unresolved_and_repeated_topics(cast):
    with states.frozen(D(2025, 3, 1)):
        old = states.registered(cast, title="关于改善农村公路安全设施的建议")
        states.registered(cast, title="关于发展学前教育的建议")
        _s, solved = promised(cast, title="关于治理城市内涝的建议")
        second_reply(cast, solved, on=D(2025, 3, 1))
        _s2, unsolved = promised(cast, title="关于建设城乡公交的建议")
    with states.frozen(D(2026, 3, 1)):
        again = states.registered(cast, title="关于加强农村公路安全设施建设的建议")
        states.registered(cast, title="关于保护古村落的建议")
    items = LedgerItem.objects.all()
    assert list(commitments.unresolved(items, 2026)) == [unsolved]
    # The titles' character pairs within a category (without the insight app's index).
    repeats = commitments.title_repeats(commitments_q_suggestions(), 2026)
    assert [(r.suggestion, [o for o, _score in r.earlier]) for r in repeats] == [(again, [old])]
    assert repeats[0].earlier[0][1] == 0.64 and repeats[0].method == "titles"


def test_look_back_finds_repeats_by_the_similarity_index(cast):
    """The insight app's index (title and body, any category) finds the same matter raised
    again, says which words the two share, and never pairs two suggestions of the same year
    or different matters."""
    body = "建议在{}增设护栏、警示标志和减速带，消除急弯陡坡路段的安全隐患。"
    with states.frozen(D(2025, 3, 1)):
        old = states.registered(
            cast, title="关于改善农村公路安全设施的建议", body=body.format("农村公路")
        )
        states.registered(
            cast, title="关于发展学前教育的建议", body="建议新建普惠性幼儿园，补充幼儿教师。"
        )
    with states.frozen(D(2026, 3, 1)):
        again = states.registered(
            cast, title="关于加强山区道路交通安全的建议", body=body.format("山区县乡道路")
        )
        states.registered(
            cast, title="关于保护古村落的建议", body="建议编制传统村落保护规划，修缮古民居。"
        )
        states.registered(
            cast, title="关于改善农村公路安全设施的再次建议", body=body.format("农村公路")
        )
    repeats = commitments.repeated_topics(commitments_q_suggestions(), 2026)
    assert {r.suggestion.title for r in repeats} == {
        "关于加强山区道路交通安全的建议",
        "关于改善农村公路安全设施的再次建议",
    }
    assert all(r.method == "index" for r in repeats)
    for r in repeats:
        assert [o for o, _score in r.earlier] == [old]  # never the other of this year
        assert r.earlier[0][1] >= 0.3
        assert set(r.shared[old.pk]) & {"护栏", "减速带", "安全隐患", "警示标志"}
    assert again in [r.suggestion for r in repeats]
    # Only what the person may see is compared: without the earlier one, no repeat.
    assert commitments.repeated_topics(commitments_q_suggestions().exclude(pk=old.pk), 2026) == []


def commitments_q_suggestions():
    from minsheng.suggestions.models import Suggestion

    return Suggestion.objects.all()


def test_staff_reopen_a_solved_commitment_with_a_new_date(cast, commit):
    with states.frozen(DAY) as clock:
        s, item = promised(cast)
        clock.advance(10)
        second_reply(cast, item, on=clock.day)
        clock.advance(100)
        with pytest.raises(NotAllowed):
            commitments.reopen(item, by=cast.head_a, ends_on=D(2027, 6, 30), percent=50, note="x")
        with pytest.raises(Invalid, match="after today"):
            commitments.reopen(item, by=cast.staff, ends_on=clock.day, percent=50, note="x")
        commit(
            lambda: commitments.reopen(
                item, by=cast.staff, ends_on=D(2027, 6, 30), percent=70, note="回头看：护栏有缺口。"
            )
        )
    item.refresh_from_db()
    assert item.state == LedgerItem.State.ACTIVE and not commitments.is_solved(item)
    assert (item.progress, item.ends_on, item.due, item.done_on) == (
        70,
        D(2027, 6, 30),
        D(2027, 6, 30),
        None,
    )
    assert Event.objects.filter(suggestion=s, action="commitment_reopened").exists()
    assert Notification.objects.filter(kind="commitment_reopened", recipient=cast.clerk_a).exists()
    # The next second reply is its next round.
    with states.frozen(D(2027, 3, 1)):
        row = second_reply(cast, item)
    assert row.round == 2


def test_an_open_commitment_is_not_reopened(cast):
    _s, item = promised(cast)
    assert "open one changes through a change request" in str(
        COMMITMENTS.refusal("reopen", cast.staff, item)
    )


# --- who sees and does what ----------------------------------------------------------------------


def test_unit_b_sees_nothing_of_unit_a_s_commitments(cast):
    _s, item = promised(cast)
    visible = {
        name: set(commitments.commitments_for(getattr(cast, name)).values_list("pk", flat=True))
        for name in ("staff", "clerk_a", "head_a", "clerk_b", "head_b", "deputy", "cosigner")
    }
    assert visible == {
        "staff": {item.pk},
        "clerk_a": {item.pk},
        "head_a": {item.pk},
        "clerk_b": set(),
        "head_b": set(),
        "deputy": {item.pk},  # their own suggestion's commitment
        "cosigner": set(),
    }
    with pytest.raises(NotAllowed):
        commitments.draft_follow_up(
            item, by=cast.clerk_b, **FOLLOW_UP, contacted_on=timezone.localdate()
        )
    rows, total = commitments.resolution_rates(commitments.commitments_for(cast.clerk_b))
    assert rows == [] and total.promised == 0


def test_a_joint_unit_b_is_not_the_responsible_unit(cast):
    _s, item = promised(cast, joint=True)
    assert item.responsible_unit == cast.unit_a
    assert not commitments.commitments_for(cast.clerk_b).exists()


# --- reminders and the worklist ------------------------------------------------------------------


def test_commitment_reminders_due_soon_then_overdue_weekly(cast):
    from minsheng.notifications import reminders

    with states.frozen(D(2027, 3, 1)):
        s = states.answered(cast, category_code="B", title="承诺提醒")
    item = LedgerItem.objects.get(source_suggestion=s)
    assert item.warn_from == D(2027, 12, 24)  # five working days before 31 December 2027

    def sent(day):
        with states.frozen(day):
            reminders.run()
            reminders.run()  # a second run records nothing twice
        return sorted(
            (n.kind, n.recipient.username)
            for n in Notification.objects.filter(kind__startswith="commitment_")
            if n.key.endswith(day.isoformat())
        )

    assert sent(D(2027, 12, 23)) == []
    assert sent(D(2027, 12, 24)) == [
        ("commitment_due_soon", "clerk_a"),
        ("commitment_due_soon", "head_a"),
    ]
    assert sent(D(2028, 1, 1)) == [
        ("commitment_overdue", "clerk_a"),
        ("commitment_overdue", "head_a"),
    ]
    assert sent(D(2028, 1, 5)) == []
    assert sent(D(2028, 1, 8)) == [
        ("commitment_overdue", "clerk_a"),
        ("commitment_overdue", "head_a"),
    ]
    # Solved: nothing more.
    with states.frozen(D(2028, 1, 10)):
        second_reply(cast, item)
    assert sent(D(2028, 1, 15)) == []


def test_the_worklist_rows(cast):
    from minsheng.ledger.views_commitments import worklist_rows

    with states.frozen(D(2026, 3, 1)):
        _s, item = promised(cast)
    rows = {r.label: r.count for r in worklist_rows(cast.clerk_a, D(2026, 3, 1))}
    assert rows == {"Commitments to report on": 1}
    with states.frozen(D(2026, 3, 2)):
        workflow.report(item, by=cast.clerk_a, on=D(2026, 3, 2), percent=10, narrative="开工。")
    assert worklist_rows(cast.clerk_a, D(2026, 3, 20))[0].count == 0
    assert worklist_rows(cast.clerk_a, D(2026, 4, 2))[0].count == 1  # a month without a report
    assert worklist_rows(cast.clerk_b, D(2026, 4, 2))[0].count == 0
    staff = {r.label: r.count for r in worklist_rows(cast.staff, D(2028, 1, 1))}
    assert staff == {"Commitments overdue": 1}


def test_a_commitment_from_a_confidential_suggestion_stays_with_those_who_may_see_it(cast):
    """Supervisors and committee members see the ledger, but not what came from a
    confidential suggestion; the office, the unit and the deputy still do."""
    s = states.registered(cast, title="涉密来源", is_confidential=True)
    item = workflow.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        kind="commitment",
        title="涉密承诺",
        year=2026,
        starts_on=datetime.date(2026, 3, 2),
        responsible_unit=cast.unit_a,
        source="suggestion",
        source_suggestion=s,
    )
    seen = {
        name: LedgerItem.objects.visible_to(getattr(cast, name)).filter(pk=item.pk).exists()
        for name in ("staff", "clerk_a", "deputy", "supervisor", "committee", "clerk_b")
    }
    assert seen == {
        "staff": True,
        "clerk_a": True,
        "deputy": True,
        "supervisor": False,
        "committee": False,
        "clerk_b": False,
    }


def test_the_commitment_list_exports_every_filtered_row_to_excel(cast, client):
    import io

    from openpyxl import load_workbook

    s, item = promised(cast)
    solved_s, solved = promised(cast, title="增设公交站台")
    second_reply(cast, solved)
    client.force_login(cast.staff)
    answer = client.get("/ledger/commitments/", {"format": "xlsx"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "建议编号", "承诺事项")
    by_number = {row[1]: row for row in rows[1:]}
    assert set(by_number) == {s.display_number, solved_s.display_number}
    assert by_number[solved_s.display_number][8] == "已解决"
    assert by_number[s.display_number][8] == "未解决"
    assert by_number[s.display_number][4] == item.responsible_unit.name
    # The filter applies: only the solved one.
    answer = client.get("/ledger/commitments/", {"format": "xlsx", "status": "solved"})
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        solved_s.display_number
    ]
    # A unit sees only its own commitments in the sheet as on the page.
    client.force_login(cast.clerk_b)
    answer = client.get("/ledger/commitments/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    assert sheet.max_row == 1


def test_the_suggestion_page_says_closing_leaves_the_commitment_open_then_that_it_stays(
    cast, client
):
    s, item = promised(cast)
    client.force_login(cast.staff)
    client.cookies["django_language"] = "en"
    page = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert 'data-testid="closing-leaves-open"' in page
    assert 'data-testid="closed-not-solved"' not in page
    suggestions.rate(s, by=cast.deputy, overall="satisfied")
    suggestions.close(s, by=cast.staff, note="代表满意，办结。")
    page = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert 'data-testid="closed-not-solved"' in page
    assert 'data-testid="closing-leaves-open"' not in page
    second_reply(cast, item)
    page = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert 'data-testid="closed-not-solved"' not in page  # solved: nothing left to warn of
