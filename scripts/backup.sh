#!/usr/bin/env bash
# Logical backup of the BTI database (docs/deployment.md, «Backup and restore»).
#
#   DATABASE_URL=postgres://bti_owner@db/bti BACKUP_DIR=/backup scripts/backup.sh
#
# Writes bti-<UTC time>.dump (pg_dump custom format: every table, trigger, constraint,
# role grant and sequence), checks that pg_restore can read it back, writes its SHA-256
# beside it, and keeps the newest BACKUP_KEEP (14). With BACKUP_GPG_RECIPIENT the dump is
# encrypted to that key and the plain file removed: a dump holds names and case text in
# clear (only fødselsnummer is encrypted in the database), so it must never lie
# unencrypted outside the database server's own disks.
#
# The database is not all there is to back up: the secrets (SECRET_KEY,
# FIELD_ENCRYPTION_KEYS, FNR_INDEX_KEY), uploaded files (PROTECTED_MEDIA_ROOT, MEDIA_ROOT)
# and the hash-chain anchors go alongside, each on its own schedule (docs/deployment.md).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must point at the database to back up}"
dir="${BACKUP_DIR:-./backup}"
keep="${BACKUP_KEEP:-14}"
mkdir -p "$dir"
umask 077

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/bti-$stamp.dump"
# One consistent snapshot (pg_dump's own repeatable-read transaction), also from a standby.
pg_dump --format=custom --compress=6 --file="$file.partial" "$DATABASE_URL"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"

if [ -n "${BACKUP_GPG_RECIPIENT:-}" ]; then
  gpg --batch --yes --trust-model always --recipient "$BACKUP_GPG_RECIPIENT" --output "$file.gpg" --encrypt "$file"
  rm -f "$file"
  file="$file.gpg"
fi
(cd "$dir" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")

# Keep the newest $keep dumps (and their checksums).
shopt -s nullglob
dumps=("$dir"/bti-*.dump "$dir"/bti-*.dump.gpg)
if [ "${#dumps[@]}" -gt "$keep" ]; then
  ls -1t "${dumps[@]}" | tail -n +"$((keep + 1))" | while read -r old; do
    rm -f "$old" "$old.sha256"
  done
fi
echo "$file"
