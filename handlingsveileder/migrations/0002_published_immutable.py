"""A published or retired handlingsveileder version is immutable (DESIGN.md invariant 8).

The services refuse such edits with a message; these triggers refuse them even for raw
SQL: a version row may only go draft → published → retired, and trinn and verktøy may
only be written while their version is a draft.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION hv_version_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'handlingsveileder version % is %: delete refused', OLD.id, OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'published' AND NEW.status = 'retired'
       AND NEW.guide_id = OLD.guide_id AND NEW.number = OLD.number AND NEW.note = OLD.note
       AND NEW.published_at IS NOT DISTINCT FROM OLD.published_at THEN
        RETURN NEW;
    END IF;
    IF OLD.status <> 'draft' THEN
        RAISE EXCEPTION 'handlingsveileder version % is %: update refused', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hv_version_immutable
    BEFORE UPDATE OR DELETE ON handlingsveileder_guideversion
    FOR EACH ROW EXECUTE FUNCTION hv_version_immutable();

CREATE OR REPLACE FUNCTION hv_step_immutable() RETURNS trigger AS $$
DECLARE
    v_status varchar;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO v_status FROM handlingsveileder_guideversion WHERE id = OLD.version_id;
        IF v_status IS NOT NULL AND v_status <> 'draft' THEN
            RAISE EXCEPTION 'trinn % belongs to a % version: % refused', OLD.id, v_status, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT status INTO v_status FROM handlingsveileder_guideversion WHERE id = NEW.version_id;
        IF v_status <> 'draft' THEN
            RAISE EXCEPTION 'trinn of a % version: % refused', v_status, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hv_step_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON handlingsveileder_step
    FOR EACH ROW EXECUTE FUNCTION hv_step_immutable();

CREATE OR REPLACE FUNCTION hv_tool_immutable() RETURNS trigger AS $$
DECLARE
    v_status varchar;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT v.status INTO v_status FROM handlingsveileder_step s
            JOIN handlingsveileder_guideversion v ON v.id = s.version_id WHERE s.id = OLD.step_id;
        IF v_status IS NOT NULL AND v_status <> 'draft' THEN
            RAISE EXCEPTION 'verktøy % belongs to a % version: % refused', OLD.id, v_status, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT v.status INTO v_status FROM handlingsveileder_step s
            JOIN handlingsveileder_guideversion v ON v.id = s.version_id WHERE s.id = NEW.step_id;
        IF v_status <> 'draft' THEN
            RAISE EXCEPTION 'verktøy of a % version: % refused', v_status, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hv_tool_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON handlingsveileder_tool
    FOR EACH ROW EXECUTE FUNCTION hv_tool_immutable();
"""

REVERSE = """
DROP TRIGGER IF EXISTS hv_tool_immutable ON handlingsveileder_tool;
DROP FUNCTION IF EXISTS hv_tool_immutable();
DROP TRIGGER IF EXISTS hv_step_immutable ON handlingsveileder_step;
DROP FUNCTION IF EXISTS hv_step_immutable();
DROP TRIGGER IF EXISTS hv_version_immutable ON handlingsveileder_guideversion;
DROP FUNCTION IF EXISTS hv_version_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("handlingsveileder", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
