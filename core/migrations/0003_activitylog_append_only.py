"""PostgreSQL refuses UPDATE and DELETE on the audit trail, whatever the client."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_activitylog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_activitylog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_activitylog_append_only ON core_activitylog;
CREATE TRIGGER core_activitylog_append_only
    BEFORE UPDATE OR DELETE ON core_activitylog
    FOR EACH ROW EXECUTE FUNCTION core_activitylog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_activitylog_append_only ON core_activitylog;
DROP FUNCTION IF EXISTS core_activitylog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
