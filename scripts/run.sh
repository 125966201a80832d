#!/usr/bin/env bash
# Starts web (gunicorn), the Celery workers (one for the default queue, one at lower CPU
# priority for PDFs and exports), the outbox relay and beat; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null || true' INT TERM EXIT
# A process that stops on its own is started again (a Celery worker can exit when the broker
# goes away), as docker compose's `restart: unless-stopped` does.
keep() { while true; do "$@" || true; echo "$1 stopped; starting it again in 2 s" >&2; sleep 2; done; }
keep "$PY/celery" -A bti worker -Q celery -n default@%h --loglevel=INFO --concurrency=2 &
keep nice -n 10 "$PY/celery" -A bti worker -Q heavy -n heavy@%h --loglevel=INFO --concurrency=1 --max-tasks-per-child=50 &
keep "$PY/python" manage.py celery_outbox_relay --idle-time 0.5 --broker-outage-cooldown 5 &
keep "$PY/celery" -A bti beat --loglevel=INFO &
echo
echo "BTI-samhandling kjører på http://127.0.0.1:${PORT:-8000}"
echo "Demobrukere (passord: ${DEMO_PASSWORD:-bti-demo-2026}):"
"$PY/python" -c 'from bti.personas import PERSONAS
for p in PERSONAS: print(f"  {p.email:40} {p.full_name} ({p.title})")'
echo
"$PY/gunicorn" bti.wsgi:application --bind "127.0.0.1:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" --access-logfile - &
wait
