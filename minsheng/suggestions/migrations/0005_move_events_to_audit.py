"""Move the suggestions' events into the shared, hash-chained log (minsheng.audit), keeping
their ids and order: each row gets its content hash and its place in the chain, and the head
moves to the last one. The old table is dropped by the next migration."""

from django.core.management.color import no_style
from django.db import migrations

from minsheng.audit import hashing

CHUNK = 5000


def move(apps, schema_editor):
    OldEvent = apps.get_model("suggestions", "Event")
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    suggestion_type, _ = ContentType.objects.get_or_create(app_label="suggestions", model="suggestion")
    assignment_type, _ = ContentType.objects.get_or_create(app_label="suggestions", model="assignment")
    head, _ = ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": hashing.GENESIS})
    seq, prev = head.seq, head.hash
    moved = set(Event.objects.values_list("id", flat=True))
    last_id, last = 0, head.event_id
    while True:
        chunk = list(OldEvent.objects.filter(id__gt=last_id).order_by("id")[:CHUNK])
        if not chunk:
            break
        rows = []
        for old in chunk:
            if old.id in moved:
                continue
            data = hashing.json_data(old.data)
            part = hashing.label("suggestions", "assignment", old.assignment_id)
            content = hashing.content_hash(
                subject=hashing.label("suggestions", "suggestion", old.suggestion_id),
                part=part,
                actor_id=old.actor_id,
                at=old.at,
                action=old.action,
                from_state=old.from_state,
                to_state=old.to_state,
                note=old.note,
                data=data,
            )
            seq += 1
            chained = hashing.link_hash(prev_hash=prev, seq=seq, event_id=old.id, content_hash=content)
            rows.append(
                Event(
                    id=old.id,
                    subject_type_id=suggestion_type.id,
                    subject_id=old.suggestion_id,
                    part_type_id=assignment_type.id if old.assignment_id else None,
                    part_id=old.assignment_id,
                    actor_id=old.actor_id,
                    at=old.at,
                    action=old.action,
                    from_state=old.from_state,
                    to_state=old.to_state,
                    note=old.note,
                    data=data,
                    content_hash=content,
                    seq=seq,
                    prev_hash=prev,
                    hash=chained,
                )
            )
            prev, last = chained, old.id
        Event.objects.bulk_create(rows)
        last_id = chunk[-1].id
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev, event_id=last)
    # The ids were given explicitly: move PostgreSQL's sequence past them.
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [Event])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def move_back(apps, schema_editor):
    """Copy the suggestions' events back into the old table (the chained rows stay)."""
    OldEvent = apps.get_model("suggestions", "Event")
    Event = apps.get_model("audit", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    suggestion_type = ContentType.objects.filter(app_label="suggestions", model="suggestion").first()
    if suggestion_type is None:
        return
    rows = Event.objects.filter(subject_type=suggestion_type).order_by("id")
    OldEvent.objects.bulk_create(
        (
            OldEvent(
                id=e.id,
                suggestion_id=e.subject_id,
                assignment_id=e.part_id,
                actor_id=e.actor_id,
                at=e.at,
                action=e.action,
                from_state=e.from_state,
                to_state=e.to_state,
                note=e.note,
                data=e.data,
            )
            for e in rows.iterator(chunk_size=CHUNK)
        ),
        batch_size=CHUNK,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0004_move_routing_to_insight"),
        ("audit", "0002_genesis_head"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(move, move_back)]
