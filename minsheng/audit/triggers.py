"""Database triggers that refuse to rewrite the log, below the ORM.

Both databases refuse UPDATE and DELETE of an event; the one UPDATE allowed is the seal, which
writes the chain columns of a row that has none yet and leaves its content as it was.
Emptying every table (`manage.py flush`, which the test runner uses between transactional
tests) is TRUNCATE on PostgreSQL, which row triggers do not see; SQLite has no TRUNCATE and
empties with DELETE, so there the project's `flush` command (minsheng/audit/management/
commands/flush.py) lifts the DELETE trigger for the flush's own transaction only.
Neither stops someone who may drop a trigger (the table's owner); the hash chain catches
what they do (docs/audit.md)."""

from __future__ import annotations

TABLE = "audit_event"
MESSAGE = "The event log is append-only."
SQLITE_DELETE_TRIGGER = "audit_event_no_delete"
# Every column but the three the seal writes.
CONTENT = (
    "id",
    "subject_type_id",
    "subject_id",
    "part_type_id",
    "part_id",
    "actor_id",
    "at",
    "action",
    "from_state",
    "to_state",
    "note",
    "data",
    "content_hash",
)


def _changed(op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in CONTENT)


def create_sql(vendor: str) -> list[str]:
    """Migration 0003's triggers (SQLite's DELETE trigger came with 0004: create_delete_sql)."""
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    RAISE EXCEPTION '{MESSAGE}';
                END IF;
                IF OLD.seq IS NOT NULL OR {_changed("IS DISTINCT FROM")} THEN
                    RAISE EXCEPTION '{MESSAGE}';
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """,
            f"""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
            """,
        ]
    if vendor == "sqlite":
        return [
            f"""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON {TABLE}
            WHEN OLD.seq IS NOT NULL OR {_changed("IS NOT")}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
            """
        ]
    return []


def create_delete_sql(vendor: str) -> list[str]:
    """SQLite's refusal of DELETE, a trigger of its own so that a flush can lift it alone."""
    if vendor == "sqlite":
        return [
            f"""
            CREATE TRIGGER {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
            """
        ]
    return []


def drop_delete_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}"]
    return []


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}",
            "DROP FUNCTION IF EXISTS audit_event_append_only()",
        ]
    if vendor == "sqlite":
        return ["DROP TRIGGER IF EXISTS audit_event_append_only", *drop_delete_sql(vendor)]
    return []
