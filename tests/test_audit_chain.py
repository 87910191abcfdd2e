"""The event log is one hash chain: real workflow steps verify, and a row edited or deleted
with raw SQL (below every guard of the ORM and the database) is named as the first broken
link by `minsheng audit verify`."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from minsheng.audit import hashing, log
from minsheng.audit.models import ChainHead, Event
from minsheng.audit.verify import (
    ANCHOR_MISMATCH,
    CONTENT_CHANGED,
    HEAD_MISMATCH,
    LINK_BROKEN,
    ROW_MISSING,
    verify,
)
from minsheng.people.models import ApiToken
from minsheng.suggestions import workflow
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(cast):
    """Two suggestions taken through real steps, every event sealed into the chain."""
    closed = states.closed(cast, joint=True)
    declined = states.declined(cast, title="另一件建议")
    log.seal()
    return closed, declined


def tamper(sql, params=()):
    """Raw SQL with the database's own refusal switched off, as someone with full rights could."""
    with connection.cursor() as cursor:
        for statement in drop_triggers_sql():
            cursor.execute(statement)
        cursor.execute(sql, params)


def drop_triggers_sql():
    from minsheng.audit import triggers

    return triggers.drop_sql(connection.vendor)


def english(problem):
    with translation.override("en"):
        return str(problem)


def seq_row(seq):
    return Event.objects.get(seq=seq)


def test_real_workflow_steps_verify_with_every_event_counted(journey):
    report = verify()
    assert report.ok, report.problem
    assert report.sealed == Event.objects.count() > 10
    assert report.unsealed == 0
    head = ChainHead.objects.get()
    last = Event.objects.order_by("-seq").first()
    assert (head.seq, head.hash, head.event_id) == (last.seq, last.hash, last.pk)


def test_the_chain_links_each_row_to_the_one_before(journey):
    rows = list(Event.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == hashing.GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash


def test_a_note_edited_with_sql_is_caught_at_that_row(journey):
    target = seq_row(7)
    tamper("UPDATE audit_event SET note = %s WHERE id = %s", ["改写历史", target.pk])
    problem = verify().problem
    assert (problem.kind, problem.event_id, problem.seq) == (CONTENT_CHANGED, target.pk, 7)
    assert f"event {target.pk}" in english(problem)


@pytest.mark.parametrize(
    "column, value",
    [("action", "close"), ("actor_id", None), ("data", '{"late": false}'), ("at", None)],
)
def test_any_column_edited_with_sql_is_caught(journey, column, value):
    target = seq_row(5)
    if column == "at":
        value = target.at.replace(year=target.at.year - 1)
    tamper(f"UPDATE audit_event SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608
    problem = verify().problem
    assert (problem.kind, problem.event_id) == (CONTENT_CHANGED, target.pk)


def test_a_row_moved_to_another_suggestion_is_caught(journey):
    closed, declined = journey
    target = closed.events.order_by("seq").first()
    tamper("UPDATE audit_event SET subject_id = %s WHERE id = %s", [declined.pk, target.pk])
    assert verify().problem.event_id == target.pk


def test_a_recomputed_content_hash_still_breaks_the_link(journey):
    """Editing a row and fixing its own hash is not enough: its chain hash gives it away."""
    target = seq_row(9)
    tamper("UPDATE audit_event SET note = %s WHERE id = %s", ["改写", target.pk])
    edited = Event.objects.get(pk=target.pk)
    tamper(
        "UPDATE audit_event SET content_hash = %s WHERE id = %s",
        [log.content_hash_of(edited), target.pk],
    )
    problem = verify().problem
    assert (problem.kind, problem.event_id) == (LINK_BROKEN, target.pk)


def test_a_middle_row_deleted_with_sql_is_caught_at_the_gap(journey):
    gone, after = seq_row(10), seq_row(11)
    tamper("DELETE FROM audit_event WHERE id = %s", [gone.pk])
    problem = verify().problem
    assert (problem.kind, problem.event_id, problem.seq) == (ROW_MISSING, after.pk, 11)
    assert "seq 10 to 10" in english(problem)


def test_the_newest_rows_deleted_with_sql_are_caught_by_the_head(journey):
    last = ChainHead.objects.get().seq
    tamper("DELETE FROM audit_event WHERE seq >= %s", [last - 1])
    problem = verify().problem
    assert (problem.kind, problem.seq) == (HEAD_MISMATCH, last)
    assert "2 newest" in english(problem)


def test_a_deleted_head_is_caught(journey):
    tamper("DELETE FROM audit_chainhead")
    assert verify().problem.kind == HEAD_MISMATCH


def test_renumbered_rows_are_caught(journey):
    """Closing a gap by renumbering the rows after it breaks their chain hashes."""
    gone = seq_row(3)
    tamper("DELETE FROM audit_event WHERE id = %s", [gone.pk])
    # In two steps: a single "seq = seq - 1" collides with the unique seq on PostgreSQL when it
    # happens to update a row before the one below it has moved.
    tamper("UPDATE audit_event SET seq = seq + 1000000 WHERE seq > 3")
    tamper("UPDATE audit_event SET seq = seq - 1000001 WHERE seq > 1000000")
    problem = verify().problem
    assert problem.kind == LINK_BROKEN and problem.seq == 3


def test_the_command_passes_with_a_count_and_fails_naming_the_link(journey, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    count = Event.objects.count()
    assert f"{count} events verified" in out or f"已核验 {count} 条事件" in out
    target = seq_row(4)
    tamper("UPDATE audit_event SET note = %s WHERE id = %s", ["x", target.pk])
    with pytest.raises(CommandError, match=str(target.pk)):
        call_command("audit", "verify")


def test_the_head_command_prints_what_to_keep_elsewhere(journey, capsys):
    call_command("audit", "head")
    head = ChainHead.objects.get()
    assert capsys.readouterr().out.strip() == f"{head.seq} {head.hash}"


# --- appending and sealing ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_events_are_sealed_once_their_transaction_commits(cast):
    s = states.submitted(cast)
    assert not Event.objects.filter(seq__isnull=True).exists()
    with transaction.atomic():
        workflow.register(s, by=cast.staff)
        event = s.events.get(action="register")
        assert event.seq is None and event.content_hash
    event.refresh_from_db()
    assert event.seq == ChainHead.objects.get().seq == Event.objects.count()
    assert verify().ok


def test_an_unsealed_row_edited_with_sql_is_caught(cast):
    s = states.submitted(cast)
    event = s.events.get(action="submit")
    assert event.seq is None
    tamper("UPDATE audit_event SET note = %s WHERE id = %s", ["x", event.pk])
    problem = verify().problem
    assert (problem.kind, problem.event_id, problem.seq) == (CONTENT_CHANGED, event.pk, None)


def test_sealing_twice_seals_nothing_more(journey):
    head = ChainHead.objects.get()
    assert log.seal() == 0
    assert ChainHead.objects.get().hash == head.hash


def test_the_orm_writes_events_only_through_append(cast):
    s = states.registered(cast)
    event = s.events.first()
    with pytest.raises(TypeError):
        Event.objects.create(
            subject_type=event.subject_type, subject_id=s.pk, at=event.at, action="x"
        )
    with pytest.raises(TypeError):
        Event.objects.bulk_create([Event(subject_type=event.subject_type, subject_id=s.pk)])
    with pytest.raises(TypeError), transaction.atomic():
        s.delete()  # the generic relation would cascade into the log
    assert s.events.count() == 3


def test_the_timeline_reads_through_the_suggestion(cast):
    s = states.handling(cast)
    a = s.assignments.get()
    sign = s.events.get(action="sign")
    assert sign.subject == s and sign.part == a
    assert list(Event.objects.filter(suggestion=s, assignment=a).values_list("action", flat=True))
    assert Event.objects.filter(suggestion__jurisdiction=cast.jurisdiction).count() == s.version


def test_the_audit_app_never_imports_the_apps_it_logs():
    root = Path(__file__).resolve().parent.parent / "minsheng" / "audit"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "minsheng.suggestions" not in text and "from minsheng import suggestions" not in text


def test_the_database_itself_refuses_to_rewrite_a_sealed_event(journey):
    target = seq_row(2)
    for sql in (
        "UPDATE audit_event SET note = 'x' WHERE id = %s",
        "UPDATE audit_event SET seq = NULL WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [target.pk])
    for sql in ("DELETE FROM audit_event WHERE id = %s", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [target.pk] if "%s" in sql else [])
    assert Event.objects.get(pk=target.pk).note == target.note
    assert verify().ok


def test_a_rewritten_chain_is_caught_by_a_head_kept_elsewhere(journey, capsys):
    """Someone who recomputes every hash after an edit passes the walk, not the kept head."""
    call_command("audit", "head")
    kept = capsys.readouterr().out.split()
    call_command("audit", "verify", "--anchor", *kept)
    target = seq_row(3)
    tamper("UPDATE audit_event SET note = %s WHERE id = %s", ["改写", target.pk])
    rewrite_chain_from(3)
    assert verify().ok  # the forgery is self-consistent...
    problem = verify(anchor=(int(kept[0]), kept[1])).problem
    assert problem.kind == ANCHOR_MISMATCH  # ...but not with the head kept elsewhere
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", *kept)


def rewrite_chain_from(seq):
    rows = list(Event.objects.filter(seq__gte=seq).order_by("seq"))
    prev = Event.objects.get(seq=seq - 1).hash
    for row in rows:
        content = log.content_hash_of(row)
        chained = hashing.link_hash(
            prev_hash=prev, seq=row.seq, event_id=row.pk, content_hash=content
        )
        tamper(
            "UPDATE audit_event SET content_hash = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [content, prev, chained, row.pk],
        )
        prev = chained
    tamper("UPDATE audit_chainhead SET hash = %s", [prev])


def test_what_the_database_gives_back_hashes_as_it_was_written(cast):
    """JSON numbers, newlines, Chinese text and microseconds survive both backends' columns."""
    s = states.submitted(cast)
    data = {"big": 1e20, "ratio": 0.1, "whole": 2.0, "text": "说明\r\n第二行", "n": [1, None, True]}
    event = log.append(s, action="note", actor=cast.staff, note="备注\r\n", data=data, part=None)
    log.seal()
    stored = Event.objects.get(pk=event.pk)
    assert stored.at == event.at and stored.note == "备注\r\n"
    assert log.content_hash_of(stored) == event.content_hash
    assert verify().ok


def test_the_timeline_and_the_api_still_name_the_unit_of_an_event(client, cast):
    s = states.handling(cast)
    client.force_login(cast.staff)
    html = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    sign = html[html.index('data-event="sign"') :]
    assert str(cast.unit_a) in sign[: sign.index("</li>")]
    _token, raw = ApiToken.issue(cast.staff, "test")
    body = client.get(f"/api/v1/suggestions/{s.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    units = {e["action"]: e["unit"] for e in body["events"]}
    assert units["sign"] == str(cast.unit_a) and units["create"] is None


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_the_log_and_leaves_the_refusal_in_place(cast):
    """`manage.py flush` (and the test runner between transactional tests) may empty the log;
    nothing else may, before or after it."""
    states.registered(cast)
    assert Event.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists()
    # A row written below the ORM (the cast went with the flush): the refusal is back.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_event (subject_type_id, subject_id, at, action, from_state,"
            " to_state, note, data, content_hash, prev_hash, hash)"
            " SELECT id, 1, CURRENT_TIMESTAMP, 'x', '', '', '', '{}', '', '', ''"
            " FROM django_content_type LIMIT 1"
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event")
    assert Event.objects.count() == 1
