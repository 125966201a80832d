"""The innsynslogg is append-only (DESIGN.md invariant 5, legal-and-security L-12):
a trigger refuses UPDATE and DELETE on ``bti_accesslogentry``, as for the stafettlogg.
TRUNCATE is left to the table owner (the test runner); production runs as a role that
does not own the tables."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION bti_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'bti_accesslogentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER bti_accesslogentry_no_update_delete
    BEFORE UPDATE OR DELETE ON bti_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION bti_accesslogentry_append_only();
"""

APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS bti_accesslogentry_no_update_delete ON bti_accesslogentry;
DROP FUNCTION IF EXISTS bti_accesslogentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("bti", "0004_access_log")]

    operations = [migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_REVERSE)]
