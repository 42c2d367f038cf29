"""Settings for itg: one module.

With no environment the site runs embedded (SQLite under var/, files under var/media, Celery eager),
so `make run` works on a fresh clone. With DEBUG=False it is production: PostgreSQL, S3-compatible
storage and a Redis broker come from the environment, and a missing or malformed value stops start-up
with a message naming the variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from botocore.config import Config as BotoConfig
from django.core.exceptions import ImproperlyConfigured

from itg.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ITG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
PRODUCTION = not DEBUG

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=False: a long random string, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    SECRET_KEY = "development-only-key-" + "x" * 40  # noqa: S105 - embedded default, never used in production
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG=False.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "itg.admin_site.ITGAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # two-factor recovery codes
    "axes",
    "csp",
    "itg.accounts",
    "itg.audit",
    "itg.notifications",
    "itg.scanning",
    "cases",
    "subpoenas",
    "subpoenas.responses",
    "subpoenas.alerts",
    "providers",
    "tracebacks",
    "tracebacks.calls",
    "tracebacks.detection",
    "tracebacks.ecosystem",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "itg.audit.middleware.RequestContextMiddleware",
    "itg.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "itg.params.QueryGuardMiddleware",
    "itg.storage_errors.StorageOutageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "itg.urls"
WSGI_APPLICATION = "itg.wsgi.application"
ASGI_APPLICATION = "itg.asgi.application"

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
                "itg.accounts.context_processors.navigation",
                "itg.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
if PRODUCTION and not env_str("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL when DEBUG=False (postgres://…).")
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'itg.sqlite3'}")}
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be PostgreSQL in production: SQLite serves one machine only."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, two-factor login, lockout ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account even with the right password
    "django.contrib.auth.backends.ModelBackend",
    # No guardian.backends.ObjectPermissionBackend: shares are guardian rows, but only cases/access.py reads
    # them, so user.has_perm(perm, obj) cannot answer differently from the access layer (it says False).
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle timeout: the session expires 30 minutes after the last request (the cookie is renewed on each).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# Activity renews the idle timeout at most once a minute (itg/accounts/middleware.py), not on every request.
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # shared by every process and machine
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ITG Portal")
INVITATION_VALID_HOURS = env_int("INVITATION_VALID_HOURS", 72, minimum=1)

AXES_FAILURE_LIMIT = 5
AXES_FAILURE_WINDOW = timedelta(minutes=15)  # read by itg.accounts.lockout
# CJIS AC-7: locked for 30 minutes (or until an ITG administrator unlocks); attempts during the lock do not
# extend it. The per-address throttle is in itg.accounts.lockout (ADDRESS_FAILURE_LIMIT).
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = ["username"]  # axes counts per account; the handler adds the address throttle
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_HANDLER = "itg.accounts.lockout.WindowedAxesHandler"
AXES_LOCKOUT_CALLABLE = "itg.accounts.views.locked_out"
AXES_VERBOSE = False
# axes.W006 suggests locking by address with the account's limit: one office behind a NAT address would be
# locked by five typos. The handler throttles an address at its own, higher limit instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001"]  # W001: the backend left out on purpose, above
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Covering indexes (INCLUDE columns) speed up the queue on PostgreSQL; SQLite just ignores the extra columns.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env_bool("BEHIND_PROXY", False) else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY", False) else None

ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# --- Internationalization ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders but wants the folder
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"  # files are only ever streamed through an access-checked view
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 100, minimum=1) * 1024 * 1024
# Every parse of an uploaded file runs in a child process with these bounds (itg/filescan.py): a real
# 100 MB scanned subpoena reads in a few seconds; a crafted 19 KB PDF took pypdf minutes (issue 15).
UPLOAD_PARSE_SECONDS = env_int("UPLOAD_PARSE_SECONDS", 20, minimum=1)
UPLOAD_PARSE_MEMORY_MB = env_int("UPLOAD_PARSE_MEMORY_MB", 1024, minimum=128)
# ClamAV's daemon (itg/scanning): a Unix socket path or tcp://host:port. Unset = files marked "unscanned".
CLAMAV_SOCKET = env_str("CLAMAV_SOCKET", "")
CLAMAV_TIMEOUT_SECONDS = env_int("CLAMAV_TIMEOUT_SECONDS", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if S3_BUCKET := env_str("S3_BUCKET"):
    _endpoint = env_str("S3_ENDPOINT_URL")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _endpoint or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "signature_version": "s3v4",
            "addressing_style": "path" if _endpoint else "auto",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": min(env_int("S3_URL_EXPIRE_SECONDS", 300, minimum=1), 300),
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"} if env_bool("S3_SSE", False) else {},
            # Inside the web server's 30 s budget: a hung endpoint fails fast and the API answers 503.
            "client_config": BotoConfig(
                connect_timeout=env_int("S3_CONNECT_TIMEOUT", 3, minimum=1),
                read_timeout=env_int("S3_READ_TIMEOUT", 10, minimum=1),
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }
elif PRODUCTION and not env_bool("ALLOW_LOCAL_MEDIA", False):
    raise ImproperlyConfigured(
        "S3_BUCKET must be set when DEBUG=False: uploaded files must live in shared storage, not on one "
        "machine's disk (set ALLOW_LOCAL_MEDIA=true only for a single-machine installation)."
    )

# --- Signed documents (PAdES, itg/signing/) --------------------------------------------------------------
# The organization's certificate and key as PKCS#12. Without one, a development CA is generated under var/
# and every signed document says it is a development signature; production refuses to start without one.
ITG_SIGNING_P12_PATH = env_str("ITG_SIGNING_P12_PATH")
ITG_SIGNING_P12_PASSPHRASE = env_str("ITG_SIGNING_P12_PASSPHRASE")
ITG_TSA_URL = env_str("ITG_TSA_URL")  # an RFC 3161 time-stamp authority: signatures become PAdES B-T
ITG_DEV_CA_DIR = VAR_DIR / "dev-ca"
# Responses: the roots a signature must chain to (PEM); defaults to the signing PKCS#12's own chain.
ITG_SIGNING_TRUST_ROOTS = env_str("ITG_SIGNING_TRUST_ROOTS")
ITG_VERIFY_MAX_BYTES = env_int("ITG_VERIFY_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# The certification of records is made by a named person (FRE 902(11)): production refuses to start without
# one; the embedded default (demo and development) names a demonstration custodian.
ITG_CUSTODIAN_NAME = env_str(
    "ITG_CUSTODIAN_NAME", "" if PRODUCTION else "Jordan Avery (demonstration custodian)"
)
if PRODUCTION and not ITG_CUSTODIAN_NAME.strip():
    raise ImproperlyConfigured(
        "ITG_CUSTODIAN_NAME must name the ITG's custodian of records when DEBUG=False: the certification of "
        "records in every response is made in that person's name (set ITG_CUSTODIAN_TITLE too if needed)."
    )
ITG_CUSTODIAN_TITLE = env_str("ITG_CUSTODIAN_TITLE", "Custodian of Records of the Industry Traceback Group")
ITG_LETTERHEAD_ADDRESS = env_str(
    "ITG_LETTERHEAD_ADDRESS",
    "Industry Traceback Group · c/o USTelecom · 601 New Jersey Avenue NW, Suite 600 · Washington, DC 20001",
)
if PRODUCTION and not ITG_SIGNING_P12_PATH:
    raise ImproperlyConfigured(
        "ITG_SIGNING_P12_PATH must name the organization's signing certificate (PKCS#12) when DEBUG=False, "
        "with ITG_SIGNING_P12_PASSPHRASE; the development CA is never used in production."
    )
if ITG_SIGNING_P12_PATH and not Path(ITG_SIGNING_P12_PATH).is_file():
    raise ImproperlyConfigured(f"ITG_SIGNING_P12_PATH names no readable file: {ITG_SIGNING_P12_PATH}.")

# --- Celery ----------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
if PRODUCTION and CELERY_BROKER_URL == "memory://":
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must point at Redis when DEBUG=False (redis://host:6379/0)."
    )
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Longer than any task or countdown, so a message is redelivered only when its worker really died.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200, minimum=60)
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}
# Legal demands: reminders hourly (each threshold is sent once), open deadlines recomputed nightly in case
# holiday data changed, abandoned intake uploads purged daily.
CELERY_BEAT_SCHEDULE |= {
    "demand-deadline-reminders": {"task": "subpoenas.tasks.send_deadline_reminders", "schedule": 3600.0},
    "demand-recompute-deadlines": {"task": "subpoenas.tasks.recompute_open_deadlines", "schedule": 86400.0},
    "demand-purge-intake-drafts": {"task": "subpoenas.tasks.purge_intake_drafts", "schedule": 86400.0},
    # A receipt whose intake task gave up is signed by this sweep once the cause is gone (every 10 minutes).
    "demand-sign-missing-receipts": {"task": "subpoenas.tasks.sign_missing_receipts", "schedule": 600.0},
}
RECEIPT_SWEEP_AFTER_MINUTES = env_int("RECEIPT_SWEEP_AFTER_MINUTES", 10, minimum=1)

# --- Audit trail -----------------------------------------------------------------------------------------
# The Ed25519 key that signs the chain's checkpoints (a PEM or its 32 raw bytes in base64; make one with
# `python -m itg.audit.signing`). Development generates one under var/ on first use.
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY")
if PRODUCTION:
    from itg.audit.signing import load_private_key

    if not AUDIT_SIGNING_KEY:
        raise ImproperlyConfigured(
            "AUDIT_SIGNING_KEY must be set when DEBUG=False: the Ed25519 key that signs audit checkpoints "
            "(a PEM, or 32 raw bytes in base64 from `python -m itg.audit.signing`). Keep it out of the database."
        )
    try:
        load_private_key(AUDIT_SIGNING_KEY)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"AUDIT_SIGNING_KEY is not a usable Ed25519 private key: {error}."
        ) from None
# After a key rotation: the public halves (base64) of earlier keys, so their checkpoints still verify.
AUDIT_PREVIOUS_PUBLIC_KEYS = env_list("AUDIT_PREVIOUS_PUBLIC_KEYS", [])
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 5, minimum=1)
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "itg.audit.tasks.write_checkpoint",
    "schedule": AUDIT_CHECKPOINT_MINUTES * 60.0,
}
# Alerts: rules evaluated hourly (each campaign and period drafted once); digests sent weekly.
CELERY_BEAT_SCHEDULE |= {
    "alert-rules": {"task": "subpoenas.alerts.tasks.run_alert_rules", "schedule": 3600.0},
    "alert-digests": {"task": "subpoenas.alerts.tasks.send_alert_digests", "schedule": 7 * 86400.0},
}
CELERY_BEAT_SCHEDULE["sweep-stale-renders"] = {
    "task": "subpoenas.responses.tasks.sweep_stale_renders",
    "schedule": 60.0,
}
# A render whose heartbeat is older than this lost its worker: taken over by a redelivered task or the sweep.
RESPONSE_STALE_RENDER_SECONDS = env_int("RESPONSE_STALE_RENDER_SECONDS", 300, minimum=10)
# A response is rendered in parts side by side (itg.pdf.render_bates_pdf_parts): its letter, answers and
# certification laid out by WeasyPrint, its traceback exhibits and index drawn as tables (itg.pdf_tables),
# a part of exhibits holding up to this many. For 500 five-hop tracebacks on 2 cores (bench/responses.py):
# 250 a part signed in 2.96 s, 125 in 2.98 s, all 500 in one part 4.64 s (that part alone is the longest
# job). The processes default to the cores, at most 4; an HTML part peaks at about 140 MB in its process.
RESPONSE_EXHIBITS_PER_PART = env_int("RESPONSE_EXHIBITS_PER_PART", 250, minimum=1)
RESPONSE_RENDER_WORKERS = env_int("RESPONSE_RENDER_WORKERS", min(4, os.cpu_count() or 1), minimum=1)
CELERY_BEAT_SCHEDULE["scan-pending-files"] = {
    "task": "itg.scanning.tasks.scan_pending_files",
    "schedule": 300.0,
}
# Tracebacks (issue 5): the 24-hour clock of 47 CFR 64.1200(n)(1) is enforced by a sweep of overdue hops.
CELERY_BEAT_SCHEDULE["mark-overdue-hops"] = {"task": "tracebacks.tasks.mark_overdue_hops", "schedule": 300.0}
# The provider ecosystem (issue 11): the month just ended is frozen as a findings snapshot (daily, idempotent).
CELERY_BEAT_SCHEDULE["snapshot-provider-findings"] = {
    "task": "tracebacks.ecosystem.tasks.snapshot_last_month",
    "schedule": 86400.0,
}
HOP_LINK_MAX_AGE_HOURS = env_int("HOP_LINK_MAX_AGE_HOURS", 7 * 24, minimum=1)
# Campaign detection and trends (issue 10): the nightly full run, and the recent days' rollups hourly.
CELERY_BEAT_SCHEDULE["detection-nightly"] = {
    "task": "tracebacks.detection.tasks.detection_nightly",
    "schedule": 86400.0,
}
CELERY_BEAT_SCHEDULE["rollups-recent"] = {
    "task": "tracebacks.detection.tasks.rollups_recent",
    "schedule": 3600.0,
}

# --- Caches ----------------------------------------------------------------------------------------------
if REDIS_CACHE_URL := env_str("REDIS_CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ----------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ITG Portal <no-reply@itg.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST := env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request with a bad token gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "itg.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "itg.api_errors.exception_handler",
    # itg/throttling.py. Reading a PDF and checking a signature cost a worker seconds: a person needs a few a
    # minute. Login posts per address sit above what an office behind one NAT address types, below a script.
    # Providers answer by batch jobs: two requests a second per token.
    "DEFAULT_THROTTLE_RATES": {
        "extraction": env_str("THROTTLE_EXTRACTION", "10/minute"),
        "verification": env_str("THROTTLE_VERIFICATION", "10/minute"),
        "login": env_str("THROTTLE_LOGIN", "60/minute"),
        "provider": env_str("THROTTLE_PROVIDER", "120/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ITG Portal API",
    "DESCRIPTION": "Legal demands from attorneys general, cases, tracebacks and provider answers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Security headers ------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The one inline <style> of drf-spectacular's Swagger UI page (the locked version), allowed by its hash.
        "style-src": ["'self'", "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Call data imports (tracebacks/calls). Uploads through the page are capped; files given to the command are
# streamed whatever their size. Compressed files are bounded by decompressed size and by ratio (bombs).
CALL_IMPORT_MAX_MB = env_int("CALL_IMPORT_MAX_MB", 1024, minimum=1)
CALL_IMPORT_MAX_DECOMPRESSED_MB = env_int("CALL_IMPORT_MAX_DECOMPRESSED_MB", 8192, minimum=1)
CALL_IMPORT_MAX_RATIO = env_int("CALL_IMPORT_MAX_RATIO", 100, minimum=2)
CALL_IMPORT_CHUNK_ROWS = env_int("CALL_IMPORT_CHUNK_ROWS", 50_000, minimum=1)
CELERY_BEAT_SCHEDULE["calls-partitions-ahead"] = {
    "task": "tracebacks.calls.tasks.create_partitions_ahead", "schedule": 86400.0,
}  # fmt: skip
# Files at least this big go through the set-based PostgreSQL path (COPY + INSERT ... SELECT).
CALL_IMPORT_SQL_MIN_BYTES = env_int("CALL_IMPORT_SQL_MIN_BYTES", 256 * 1024, minimum=0)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "CallSourceEnum": "tracebacks.calls.models.Source",
        # Several models have a "status"; name each choice set the API shows after its model.
        "DemandStatusEnum": "subpoenas.models.LegalDemand.Status",
        "TracebackStatusEnum": "tracebacks.models.Traceback.Status",
    }
)
