#!/bin/sh
# The user list from the environment (never baked into the image), then PgBouncer.
set -eu
umask 077
printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" > /run/pgbouncer/userlist.txt
sed "s/@DB_PRIMARY_HOST@/${DB_PRIMARY_HOST:-postgres}/" /etc/pgbouncer/pgbouncer.ini > /run/pgbouncer/pgbouncer.ini
exec pgbouncer /run/pgbouncer/pgbouncer.ini
