#!/usr/bin/env bash
# Starts web (gunicorn), a Celery worker and beat; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null || true' INT TERM EXIT
"$PY/celery" -A bti worker --loglevel=INFO --concurrency=2 &
"$PY/celery" -A bti beat --loglevel=INFO &
echo
echo "BTI-samhandling kjører på http://127.0.0.1:${PORT:-8000}"
echo "Demobrukere (passord: ${DEMO_PASSWORD:-bti-demo-2026}):"
"$PY/python" -c 'from bti.personas import PERSONAS
for p in PERSONAS: print(f"  {p.email:40} {p.full_name} ({p.title})")'
echo
"$PY/gunicorn" bti.wsgi:application --bind "127.0.0.1:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" --access-logfile - &
wait
