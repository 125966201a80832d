# Production image: gunicorn serving Django, the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 bti
WORKDIR /app
COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir -r requirements/base.lock
COPY --from=assets /app/node_modules node_modules
COPY . .
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build DATABASE_POOL=0 \
    sh -c 'python manage.py collectstatic --noinput --verbosity 0 && python manage.py compilemessages --ignore node_modules --verbosity 0'
USER bti
EXPOSE 8000
CMD ["gunicorn", "bti.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
