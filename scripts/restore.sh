#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database (docs/deployment.md).
#
#   scripts/restore.sh backup/bti-20261201T020000Z.dump postgres://bti_owner@db/bti_restore
#
# Refuses a database that already has tables. Afterwards, with the application's
# configuration (the same FIELD_ENCRYPTION_KEYS as when the dump was made), run:
#   manage.py migrate --check          # the schema is the code's
#   manage.py verify_stafettlogg       # every hash chain intact
#   manage.py rotate_field_keys --check  # every fødselsnummer can be decrypted
set -euo pipefail

dump="${1:?usage: restore.sh DUMP TARGET_DATABASE_URL}"
target="${2:?usage: restore.sh DUMP TARGET_DATABASE_URL}"

if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256")
fi
case "$dump" in
  *.gpg)
    plain="$(mktemp)"
    trap 'rm -f "$plain"' EXIT
    gpg --batch --yes --output "$plain" --decrypt "$dump"
    dump="$plain"
    ;;
esac

tables="$(psql "$target" -X -A -t -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
# --no-owner: the objects belong to the role that restores (the owner role of the new
# database); grants to the application's role are restored with them.
pg_restore --exit-on-error --no-owner --single-transaction --dbname="$target" "$dump"
echo "restored $1 into the target database"
