"""The innsynslogg partitioned by month (issue 15 item 4, docs/adr/0027).

Converts ``bti_accesslogentry`` in place, rows kept: the table is renamed, a table
``PARTITION BY RANGE (at)`` with the same columns, defaults, foreign keys, indexes and
append-only trigger takes its name, with a default partition and one partition per month
from the oldest row to three months ahead; the rows are copied over (ids and times
unchanged, so the anchored day digests still match), the id sequence continues after
the highest id, and the old table is dropped. The primary key becomes ``(id, at)``.
The model state is unchanged (``id`` stays Django's primary key). The application
role's grants on the new table and its partitions are laid by ``post_migrate``
(``bti.db_roles``). Takes an ACCESS EXCLUSIVE lock for the copy: on a large log, run it
in a maintenance window (docs/retention.md).
"""

from datetime import UTC, date, datetime, time

from django.db import migrations

T = "bti_accesslogentry"
OLD = "bti_accesslogentry_unpartitioned"

FORWARD_BEFORE = f"""
LOCK TABLE {T} IN ACCESS EXCLUSIVE MODE;
ALTER TABLE {T} RENAME TO {OLD};
ALTER INDEX bti_accesslogentry_pkey RENAME TO {OLD}_pkey;
ALTER INDEX accesslog_case_at_idx RENAME TO {OLD}_case_at;
ALTER INDEX accesslog_child_at_idx RENAME TO {OLD}_child_at;
ALTER INDEX accesslog_kommune_at_idx RENAME TO {OLD}_kommune_at;
ALTER INDEX accesslog_user_at_idx RENAME TO {OLD}_user_at;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_kommune_id_71e39319_fk_bti_kommune_id;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_unit_id_3e5a8235_fk_bti_unit_id;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_user_id_4211bcd7_fk_bti_user_id;
DROP TRIGGER bti_accesslogentry_no_update_delete ON {OLD};
ALTER SEQUENCE IF EXISTS {T}_id_seq RENAME TO {OLD}_id_seq;

CREATE SEQUENCE {T}_id_seq;
CREATE TABLE {T} (
    id bigint NOT NULL DEFAULT nextval('{T}_id_seq'),
    at timestamp with time zone NOT NULL,
    role varchar(20) NOT NULL,
    obj_type varchar(40) NOT NULL,
    obj_id bigint NULL,
    child_id bigint NULL,
    how varchar(10) NOT NULL,
    reason varchar(200) NOT NULL,
    case_id bigint NULL,
    kommune_id bigint NOT NULL,
    unit_id bigint NULL,
    user_id bigint NOT NULL,
    purpose varchar(20) NOT NULL DEFAULT '',
    CONSTRAINT bti_accesslogentry_pkey PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE {T}_id_seq OWNED BY {T}.id;
ALTER TABLE {T} ADD CONSTRAINT bti_accesslogentry_kommune_id_71e39319_fk_bti_kommune_id
    FOREIGN KEY (kommune_id) REFERENCES bti_kommune (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {T} ADD CONSTRAINT bti_accesslogentry_unit_id_3e5a8235_fk_bti_unit_id
    FOREIGN KEY (unit_id) REFERENCES bti_unit (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {T} ADD CONSTRAINT bti_accesslogentry_user_id_4211bcd7_fk_bti_user_id
    FOREIGN KEY (user_id) REFERENCES bti_user (id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX accesslog_case_at_idx ON {T} (case_id, at);
CREATE INDEX accesslog_child_at_idx ON {T} (child_id, at);
CREATE INDEX accesslog_kommune_at_idx ON {T} (kommune_id, at);
CREATE INDEX accesslog_user_at_idx ON {T} (user_id, at);
CREATE TABLE {T}_default PARTITION OF {T} DEFAULT;
"""

COLUMNS = "id, at, role, obj_type, obj_id, child_id, how, reason, case_id, kommune_id, unit_id, user_id, purpose"

FORWARD_AFTER = f"""
INSERT INTO {T} ({COLUMNS}) SELECT {COLUMNS} FROM {OLD};
SELECT setval('{T}_id_seq', COALESCE((SELECT max(id) FROM {OLD}), 0) + 1, false);
DROP TABLE {OLD};
CREATE TRIGGER bti_accesslogentry_no_update_delete
    BEFORE UPDATE OR DELETE ON {T}
    FOR EACH ROW EXECUTE FUNCTION bti_accesslogentry_append_only();
"""  # noqa: S608 - constant names, no input

# Back to one plain table (the foreign keys of consent and familie need a unique id).
BACKWARD = f"""
LOCK TABLE {T} IN ACCESS EXCLUSIVE MODE;
ALTER TABLE {T} RENAME TO {OLD};
ALTER INDEX bti_accesslogentry_pkey RENAME TO {OLD}_pkey;
ALTER INDEX accesslog_case_at_idx RENAME TO {OLD}_case_at;
ALTER INDEX accesslog_child_at_idx RENAME TO {OLD}_child_at;
ALTER INDEX accesslog_kommune_at_idx RENAME TO {OLD}_kommune_at;
ALTER INDEX accesslog_user_at_idx RENAME TO {OLD}_user_at;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_kommune_id_71e39319_fk_bti_kommune_id;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_unit_id_3e5a8235_fk_bti_unit_id;
ALTER TABLE {OLD} DROP CONSTRAINT bti_accesslogentry_user_id_4211bcd7_fk_bti_user_id;
ALTER SEQUENCE {T}_id_seq OWNED BY NONE;
CREATE TABLE {T} (
    id bigint NOT NULL DEFAULT nextval('{T}_id_seq') PRIMARY KEY,
    at timestamp with time zone NOT NULL,
    role varchar(20) NOT NULL,
    obj_type varchar(40) NOT NULL,
    obj_id bigint NULL,
    child_id bigint NULL,
    how varchar(10) NOT NULL,
    reason varchar(200) NOT NULL,
    case_id bigint NULL,
    kommune_id bigint NOT NULL REFERENCES bti_kommune (id) DEFERRABLE INITIALLY DEFERRED,
    unit_id bigint NULL REFERENCES bti_unit (id) DEFERRABLE INITIALLY DEFERRED,
    user_id bigint NOT NULL REFERENCES bti_user (id) DEFERRABLE INITIALLY DEFERRED,
    purpose varchar(20) NOT NULL DEFAULT ''
);
ALTER SEQUENCE {T}_id_seq OWNED BY {T}.id;
INSERT INTO {T} ({COLUMNS}) SELECT {COLUMNS} FROM {OLD};
DROP TABLE {OLD};
CREATE INDEX accesslog_case_at_idx ON {T} (case_id, at);
CREATE INDEX accesslog_child_at_idx ON {T} (child_id, at);
CREATE INDEX accesslog_kommune_at_idx ON {T} (kommune_id, at);
CREATE INDEX accesslog_user_at_idx ON {T} (user_id, at);
CREATE TRIGGER bti_accesslogentry_no_update_delete
    BEFORE UPDATE OR DELETE ON {T}
    FOR EACH ROW EXECUTE FUNCTION bti_accesslogentry_append_only();
"""  # noqa: S608 - constant names, no input


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def create_months(apps, schema_editor):
    """One partition per month from the oldest row's month to three months ahead."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT min(at) FROM {OLD}")  # noqa: S608
        oldest = cursor.fetchone()[0]
        today = datetime.now(UTC).date()
        month = (oldest.astimezone(UTC).date() if oldest else today).replace(day=1)
        last = today.replace(day=1)
        for _ in range(3):
            last = _next_month(last)
        while month <= last:
            end = _next_month(month)
            lo = datetime.combine(month, time.min, tzinfo=UTC).isoformat()
            hi = datetime.combine(end, time.min, tzinfo=UTC).isoformat()
            cursor.execute(
                f"CREATE TABLE {T}_y{month.year:04d}m{month.month:02d} PARTITION OF {T} "
                f"FOR VALUES FROM ('{lo}') TO ('{hi}')"
            )
            month = end


class Migration(migrations.Migration):
    dependencies = [
        ("bti", "0015_partition_accesslog_drop"),
        ("consent", "0006_partition_accesslog_no_fk"),
        ("familie", "0003_partition_accesslog_no_fk"),
    ]

    operations = [
        migrations.RunSQL(FORWARD_BEFORE, migrations.RunSQL.noop),
        migrations.RunPython(create_months, migrations.RunPython.noop),
        migrations.RunSQL(FORWARD_AFTER, BACKWARD),
    ]
