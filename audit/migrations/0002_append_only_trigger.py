"""On PostgreSQL, a trigger makes the audit table append-only, whatever sends the SQL.

Refused: UPDATE, DELETE and TRUNCATE of audit_auditevent. Allowed, each narrowly:
- DELETE of an event recorded before the cut-off the retention purge sets for its own transaction
  (`SELECT set_config('peercare.audit_purge_before', '<timestamp>', true)`, see
  audit.models.AuditEventQuerySet.purge); with no cut-off set, no event can be deleted;
- UPDATE that only empties the link to a deleted user or prison (Django's SET_NULL): every other
  column, the copied username included, must stay as it was;
- TRUNCATE in a test database (its name starts with "test_") whose connection turned
  `peercare.audit_truncate` on (config/test_settings.py), so that Django can flush it between
  transactional tests. A production database's name never starts with "test_", and its settings
  never turn this on.

The trigger guards against mistakes and against any code path of the application; the owner of
the table could still drop the trigger, so a deployment that must resist its own database owner
connects the application as a role that does not own the tables.

SQLite has no such trigger: there the Python guard in audit.models is the only one.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purge_before text := current_setting('peercare.audit_purge_before', true);
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('peercare.audit_truncate', true) = 'on'
           AND current_database() LIKE 'test\_%' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'Audit events are append-only: TRUNCATE refused'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'DELETE' THEN
        IF purge_before IS NOT NULL AND purge_before <> ''
           AND OLD.at < purge_before::timestamptz THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'Audit events are append-only: DELETE of event % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only the retention purge deletes audit events, once they are old enough';
    ELSE
        IF (to_jsonb(NEW) - 'user_id' - 'prison_id') = (to_jsonb(OLD) - 'user_id' - 'prison_id')
           AND (NEW.user_id IS NULL OR NEW.user_id = OLD.user_id)
           AND (NEW.prison_id IS NULL OR NEW.prison_id = OLD.prison_id) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Audit events are append-only: UPDATE of event % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER audit_event_append_only_rows
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_append_only_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_append_only_rows ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite has the Python guard only)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [PostgreSQLOnly(sql=FUNCTION + TRIGGERS, reverse_sql=DROP)]
