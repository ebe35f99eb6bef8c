"""Settings shared by every environment; everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from .env import env_bool, env_float, env_int, env_list, env_optional, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VERSION = "0.1.0"

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-only-key-change-me")
# Old keys still verify signatures during a rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_EXPOSE_HEADERS = ["Content-Disposition", "Retry-After", "Idempotent-Replayed"]
from corsheaders.defaults import default_headers  # noqa: E402

CORS_ALLOW_HEADERS = (*default_headers, "x-business-id", "idempotency-key")
# The public address of the web app, used in e-mailed links.
FRONTEND_URL = env_str("FRONTEND_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "users",
    "finance",
    "kavi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so the web app's files get the policy too (core/csp.py).
    "core.csp.ContentSecurityPolicyMiddleware",
    # WhiteNoise, plus a year's caching for the web app's hashed assets (core/spa.py).
    "core.spa.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # While the database is unreachable: 503 database_unavailable with Retry-After, fast (core/dbguard.py).
    "core.dbguard.DatabaseGuardMiddleware",
    # Oversized (413) and too deeply nested (400) bodies are refused before anything reads them.
    "core.parsers.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.ApiJsonNotFoundMiddleware",
    # Last: it claims an Idempotency-Key just before the view and keeps its response (core/idempotency.py).
    "core.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "fg_copilot.urls"
WSGI_APPLICATION = "fg_copilot.wsgi.application"
ASGI_APPLICATION = "fg_copilot.asgi.application"

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
            ],
        },
    },
]

# --- Database: PostgreSQL through psycopg 3 with a pool when DATABASE_URL is set, else SQLite.
DATABASE_URL = env_optional("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db.setdefault("OPTIONS", {})
    # Off by default: Django documents queries that fail with server-side binding (parameters in
    # GROUP BY); `make bench` can measure it with DB_SERVER_SIDE_BINDING=true.
    _db["OPTIONS"]["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", False)
    # The transaction list's page query runs as a prepared statement (core/sql.py): planning it
    # costs PostgreSQL more than running it. Turn off behind a pooler in transaction mode that
    # can't carry prepared statements (PgBouncer before 1.21).
    # Django's own cursors bind on the client and are never prepared, whatever the threshold.
    DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
    _db["OPTIONS"]["prepare_threshold"] = 5 if DB_PREPARED_STATEMENTS else None
    # An unreachable database must answer 503 within 2 s (core/dbguard.py), not hang: libpq gives up
    # connecting after this (2 s is its minimum), and a request waits for a pooled connection at
    # most DB_POOL_TIMEOUT. Each worker thread holds at most one connection, so with
    # GUNICORN_THREADS <= max_size a healthy server never waits that long.
    _db["OPTIONS"]["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 2)
    if env_bool("DB_POOL", True):
        _db["OPTIONS"]["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1),
            "max_size": env_int("DB_POOL_MAX_SIZE", 10),
            "timeout": env_float("DB_POOL_TIMEOUT", 1.0),
            # While the server is down the pool retries a connection with a growing backoff; give up
            # on an attempt quickly instead, so the next request starts a fresh one and the pool is
            # back within a second or so of the database.
            "reconnect_timeout": env_float("DB_POOL_RECONNECT_TIMEOUT", 2.0),
        }
    else:
        _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    # Pooled or persistent, a connection is checked before it is handed out, so one that a database
    # restart broke is replaced instead of failing a request after recovery.
    _db["CONN_HEALTH_CHECKS"] = env_bool("DB_HEALTH_CHECKS", True)
    DATABASES = {"default": _db}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by all workers), else process memory.
REDIS_URL = env_optional("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kavi"),
            "TIMEOUT": 300,
            # Redis is a cache, not a dependency: a dead one costs a short timeout, then core.cache
            # skips it for a moment, and reads miss and writes are skipped meanwhile.
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
                "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kavi"}}

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("sw", "Swahili")]
TIME_ZONE = "Africa/Nairobi"
USE_I18N = True
USE_TZ = True

# The React build: WhiteNoise serves its files at the site root, core.spa answers the rest.
# FRONTEND_DIST lets a second build (another checkout, a parallel browser run) be served from elsewhere.
FRONTEND_DIST = Path(env_str("FRONTEND_DIST", str(BASE_DIR / "frontend" / "dist")))
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
WHITENOISE_INDEX_FILE = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- Storage: S3 through django-storages when a bucket is named, else the local disk.
AWS_STORAGE_BUCKET_NAME = env_optional("AWS_STORAGE_BUCKET_NAME")
AWS_S3_REGION_NAME = env_optional("AWS_S3_REGION_NAME") or env_optional("AWS_DEFAULT_REGION")
AWS_S3_ENDPOINT_URL = env_optional("AWS_S3_ENDPOINT_URL")
AWS_ACCESS_KEY_ID = env_optional("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = env_optional("AWS_SECRET_ACCESS_KEY")
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 600)
# SigV4: S3 refuses older signatures on KMS-encrypted objects, which the uploads bucket uses.
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
AWS_QUERYSTRING_AUTH = True
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage",
    },
    # collectstatic writes hashed names (cached for a year by WhiteNoise) and .gz/.br siblings,
    # which WhiteNoise sends with Content-Encoding to a browser that accepts them.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail: SMTP (or SES's SMTP interface) in production, the console locally.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KAVI <no-reply@kavi.co.ke>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Integrations: each switches on when its key is present.
GEMINI_API_KEY = env_optional("GEMINI_API_KEY")
GEMINI_MODEL = env_str("GEMINI_MODEL", "gemini-2.5-flash")
GEMINI_BASE_URL = env_optional("GEMINI_BASE_URL")
GEMINI_TIMEOUT_SECONDS = env_int("GEMINI_TIMEOUT_SECONDS", 15)
ELEVENLABS_API_KEY = env_optional("ELEVENLABS_API_KEY")
ELEVENLABS_BASE_URL = env_optional("ELEVENLABS_BASE_URL")
ELEVENLABS_VOICE_ID = env_str("ELEVENLABS_VOICE_ID", "JBFqnCBsd6RMkjVDRZzb")
ELEVENLABS_MODEL = env_str("ELEVENLABS_MODEL", "eleven_multilingual_v2")
ELEVENLABS_SWAHILI_MODEL = env_str("ELEVENLABS_SWAHILI_MODEL", "eleven_v3")
MPESA_ENVIRONMENT = env_str("MPESA_ENVIRONMENT", "sandbox")
MPESA_CONSUMER_KEY = env_optional("MPESA_CONSUMER_KEY")
MPESA_CONSUMER_SECRET = env_optional("MPESA_CONSUMER_SECRET")
MPESA_SHORTCODE = env_optional("MPESA_SHORTCODE")
MPESA_PASSKEY = env_optional("MPESA_PASSKEY")
MPESA_BASE_URL = env_optional("MPESA_BASE_URL")
MPESA_CALLBACK_BASE_URL = env_optional("MPESA_CALLBACK_BASE_URL")
MPESA_TIMEOUT_SECONDS = env_int("MPESA_TIMEOUT_SECONDS", 10)
# Encrypts integration secrets at rest (finance.crypto); derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env_optional("FIELD_ENCRYPTION_KEY")

# --- API
# A repeated Idempotency-Key is answered from the first response for this long; a claim whose
# request never finished (a killed worker) is taken over after the stale time (> GUNICORN_TIMEOUT).
IDEMPOTENCY_KEY_TTL_SECONDS = env_int("IDEMPOTENCY_KEY_TTL_SECONDS", 24 * 60 * 60)
IDEMPOTENCY_CLAIM_STALE_SECONDS = env_int("IDEMPOTENCY_CLAIM_STALE_SECONDS", 120)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"],
    # An Accept of application/pdf or audio/mpeg gets the PDF or the audio, never a 406.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
    # JSON only; the two uploads (a transaction's receipt, statement imports) add multipart
    # themselves. Form bodies read "" as "not given", which JSON clients never mean.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_METADATA_CLASS": "core.metadata.Metadata",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.UserRateThrottle", "core.throttles.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("THROTTLE_USER_RATE", "1000/hour"),
        "anon": env_str("THROTTLE_ANON_RATE", "100/hour"),
        "kavi": env_str("THROTTLE_KAVI_RATE", "60/minute"),
    },
    # The ALB adds one X-Forwarded-For hop in production.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # `?format=csv|xlsx` belongs to the export endpoint, not to content negotiation.
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
    "TOKEN_REFRESH_SERIALIZER": "users.api.serializers.TokenRefreshSerializer",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Finance Co-Pilot KAVI API",
    "DESCRIPTION": "Books, invoices, M-Pesa, budgets, forecasts and the KAVI assistant for Kenyan SMEs.",
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "core.permissions.Role.choices",
        # A payment's `method` (invoice payments) is the transaction's payment_method choice set.
        "PaymentMethodEnum": "finance.models.PaymentMethod.choices",
        # KAVI requests may also say "auto" (reply in the question's language).
        "ReplyLanguageEnum": ["en", "sw", "auto"],
        "LanguageEnum": ["en", "sw"],
    },
    # Swagger UI from our own static files, not a CDN: the docs page's CSP stays 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Extra origins the web app may call (when the API is not on its own origin); see core/csp.py.
CSP_API_ORIGINS = env_list("CSP_API_ORIGINS")

# --- Login lockout: this many failures for one account or one IP inside the window lock it.
LOGIN_LOCKOUT_THRESHOLD = env_int("LOGIN_LOCKOUT_THRESHOLD", 5)
LOGIN_LOCKOUT_WINDOW = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Reports are cached per books version (a write makes old entries unreachable); 0 turns it off.
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 3600)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Any request body other than a multipart upload (a JSON document): larger is 413, unread.
API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", 2 * 1024 * 1024)
# Django's own cap on a body read into memory: above ours, so ours is the one that answers.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_JSON_BYTES + 64 * 1024
INVITATION_TTL = timedelta(days=env_int("INVITATION_TTL_DAYS", 7))

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
