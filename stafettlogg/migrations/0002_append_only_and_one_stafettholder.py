"""Database guarantees that no code path can skip:

* ``stafettlogg_entry`` refuses UPDATE and DELETE (DESIGN.md invariant 3). TRUNCATE is
  left to the table owner (the test runner empties tables with it); production runs the
  app as a role that does not own the tables (docs/adr/0010-append-only-logs-in-the-database.md).
* From nivå 1 on, an open case has exactly one active stafettholder (invariant 4),
  checked at commit by deferred constraint triggers on both tables, so a handover can
  end one holder and start the next inside one transaction.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION stafettlogg_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'stafettlogg_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER stafettlogg_entry_no_update_delete
    BEFORE UPDATE OR DELETE ON stafettlogg_entry
    FOR EACH ROW EXECUTE FUNCTION stafettlogg_entry_append_only();
"""

APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS stafettlogg_entry_no_update_delete ON stafettlogg_entry;
DROP FUNCTION IF EXISTS stafettlogg_entry_append_only();
"""

ONE_HOLDER = """
CREATE OR REPLACE FUNCTION case_check_one_stafettholder(p_case_id bigint) RETURNS void AS $$
DECLARE
    v_level smallint;
    v_status varchar;
    v_active integer;
BEGIN
    SELECT level, status INTO v_level, v_status FROM cases_case WHERE id = p_case_id;
    IF NOT FOUND OR v_status <> 'open' OR v_level < 1 THEN
        RETURN;
    END IF;
    SELECT count(*) INTO v_active FROM stafettlogg_stafettholder
        WHERE case_id = p_case_id AND status = 'active';
    IF v_active <> 1 THEN
        RAISE EXCEPTION 'case % on nivå % must have exactly one active stafettholder, has %',
            p_case_id, v_level, v_active USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION case_one_stafettholder_from_case() RETURNS trigger AS $$
BEGIN
    PERFORM case_check_one_stafettholder(NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION case_one_stafettholder_from_holder() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM case_check_one_stafettholder(OLD.case_id);
    ELSE
        PERFORM case_check_one_stafettholder(NEW.case_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER case_one_stafettholder_case
    AFTER INSERT OR UPDATE ON cases_case
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION case_one_stafettholder_from_case();
CREATE CONSTRAINT TRIGGER case_one_stafettholder_holder
    AFTER INSERT OR UPDATE OR DELETE ON stafettlogg_stafettholder
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION case_one_stafettholder_from_holder();
"""

ONE_HOLDER_REVERSE = """
DROP TRIGGER IF EXISTS case_one_stafettholder_holder ON stafettlogg_stafettholder;
DROP TRIGGER IF EXISTS case_one_stafettholder_case ON cases_case;
DROP FUNCTION IF EXISTS case_one_stafettholder_from_holder();
DROP FUNCTION IF EXISTS case_one_stafettholder_from_case();
DROP FUNCTION IF EXISTS case_check_one_stafettholder(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stafettlogg", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_REVERSE),
        migrations.RunSQL(ONE_HOLDER, ONE_HOLDER_REVERSE),
    ]
