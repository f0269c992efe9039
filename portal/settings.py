"""Settings for the 惠企政策服务门户, read from environment variables.

DJANGO_DEBUG          "1"/"true" turns debug on (off by default; `make run` turns it on)
DJANGO_SECRET_KEY     required when debug is off
DJANGO_ALLOWED_HOSTS  comma-separated host names
DATABASE_URL          sqlite:///path or postgres://user@host:port/name (default: var/portal.sqlite3)
REDIS_URL             a cache shared by several gunicorn nodes (default: per-process memory),
                      which then also holds the sessions (written through to the database)
PORTAL_S3_BUCKET      uploads in this S3-compatible bucket (default: files under DJANGO_MEDIA_ROOT);
                      PORTAL_S3_ENDPOINT_URL, PORTAL_S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
DJANGO_EMAIL_BACKEND  default: the console; DJANGO_EMAIL_HOST/PORT for SMTP
The README lists the rest.
"""

import datetime
import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from portal import identity

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest (or DJANGO_TESTING=1): fast password hashing, plain static storage.
TESTING = env_bool("DJANGO_TESTING", False) or "pytest" in sys.modules

INSECURE_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# Management commands (migrate, check) run without a key; serving without one is
# refused in portal/wsgi.py unless DEBUG is on.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or INSECURE_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "policies",
    "policies.eligibility",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # an upload whose declared size is over the limit is refused before its body is read
    "portal.limits.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # NUL bytes and undecodable query strings: 400, before any view or database sees them
    "portal.middleware.RejectHostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: it reads the outcome of the login views (django-axes)
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username or address first
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's cached loader (in development too, as Django's own default), with the
            # constant {% translate %}, {% url %} and {% static %} tags answered once per
            # process (portal/templating.py).
            "loaders": [
                (
                    "portal.templating.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("DJANGO_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the query, and a query a connection has run
    # DJANGO_PG_PREPARE times (psycopg's default, 5) prepared on the server: PostgreSQL then
    # no longer parses and plans the same statements for every page. Django leaves both off
    # for transaction-pooling proxies (PgBouncer), which the deployment here does not use
    # (gunicorn threads keep their own connections); 0 turns preparing off again. Measured
    # in-process on the bench's 10,000 measures: PostgreSQL's own CPU per uncached measure
    # page 3.1–3.5 → 1.9–2.2 ms, per first-asked list 3.2–3.3 → 1.5 ms (README, Benchmarks).
    prepare = int(os.environ.get("DJANGO_PG_PREPARE", "5"))
    if prepare > 0:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": prepare}
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several request threads (and the live server in tests) share one file:
    # wait for a lock instead of failing with "database is locked". Each thread keeps its
    # connection (DJANGO_CONN_MAX_AGE, as on PostgreSQL): opening the file and setting up
    # Django's SQLite functions on every request cost more than a page from the page cache.
    # Reads through a memory map of the file (DJANGO_SQLITE_MMAP_BYTES, 256 MiB; 0 turns it off)
    # instead of a read() per page into each connection's own 2 MiB page cache: the pages are
    # the operating system's, shared by every connection. A four-character search at 100,000
    # measures reads its ~6,000 candidates' rows at random: 31 → 28 ms a page (in-process,
    # one run each, 2026-12-02).
    mmap_bytes = int(os.environ.get("DJANGO_SQLITE_MMAP_BYTES", str(256 * 1024 * 1024)))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": f"PRAGMA mmap_size={mmap_bytes}",
        }
    )
    # Tests use a file too, not SQLite's shared in-memory database: there, concurrent
    # writers fail at once ("database table is locked") instead of waiting as they do on a
    # file, so the race tests would measure the test setup instead of the portal. One file
    # per test run (the pid), so that two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("DJANGO_TEST_SQLITE_NAME")
        or str(Path(tempfile.gettempdir()) / f"huiqi-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

# Django's validators, their help texts worded with 您 (applications/passwords.py)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "applications.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "applications.passwords.MinimumLengthValidator"},
    {"NAME": "applications.passwords.CommonPasswordValidator"},
    {"NAME": "applications.passwords.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "applications:my_applications"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded application materials live outside the static files and are served
# only through a permission-checking view, never by URL.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
# Several nodes: uploads in an S3-compatible object store (django-storages) when
# PORTAL_S3_BUCKET is set, instead of MEDIA_ROOT. The code only uses the storage API (save,
# open, exists, delete), so the same views serve them; objects are private and never linked
# to (a signed URL, if anything ever asked for one, would last PORTAL_S3_URL_SECONDS).
PORTAL_S3_BUCKET = os.environ.get("PORTAL_S3_BUCKET", "")
if PORTAL_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "location": os.environ.get("PORTAL_S3_PREFIX", "").strip("/"),
            # empty: Amazon S3 itself; else the store's address (MinIO, OSS, OBS, moto…)
            "endpoint_url": os.environ.get("PORTAL_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PORTAL_S3_REGION") or None,
            # "path" for stores that do not serve bucket.host names (MinIO, moto); default auto
            "addressing_style": os.environ.get("PORTAL_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; when unset, boto3's own chain
            # (instance role, ~/.aws) supplies them
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # "private" by default; PORTAL_S3_ACL= (empty) sends none, for buckets whose
            # ACLs are disabled (then the bucket's policy alone must keep them private)
            "default_acl": os.environ.get("PORTAL_S3_ACL", "private") or None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("PORTAL_S3_URL_SECONDS", "60")),
            # a name already taken gets a suffix, as on the file system (never overwritten)
            "file_overwrite": False,
        },
    }
UPLOAD_MAX_BYTES = int(os.environ.get("PORTAL_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Every message is queued (``portal.mail.QueuedEmailBackend``: a task per message) and sent
# by the task through PORTAL_EMAIL_BACKEND, with retries; a request never waits on SMTP.
EMAIL_BACKEND = "portal.mail.QueuedEmailBackend"
PORTAL_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))  # a hung server frees the worker
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@huiqi.example.gov.cn")
# The site's address for links in mail sent outside a request (the daily digest).
PORTAL_SITE_URL = os.environ.get("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The site's identity (主办单位, contact, 备案号, emblem): PORTAL_SITE_* (portal/identity.py).
PORTAL_IDENTITY = identity.load()

# --- transport and headers (each switched by the environment; see README "Security") ------
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# How many reverse proxies of ours stand in front (nginx: 1). Only then are their
# X-Forwarded-Proto and X-Forwarded-For believed; a client cannot claim HTTPS or an address.
PROXY_COUNT = int(os.environ.get("PORTAL_PROXY_COUNT", "0"))
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"  # in Chinese, in the site's layout

# Content-Security-Policy (django-csp): everything from the site itself, no inline script
# or style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- login protection (django-axes) -----------------------------------------------------------
# A username, and separately an address, is locked out after AXES_FAILURE_LIMIT failures on
# the site's or the admin's login, for AXES_COOLOFF_TIME; a success clears its failures.
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("PORTAL_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.net.client_ip"  # honours PORTAL_PROXY_COUNT
AXES_USERNAME_CALLABLE = "portal.net.login_username"  # cut to a username's length
# The audit trail (logins, lockouts, admin changes, downloads) is kept this many days
# (``manage.py prune_audit`` never keeps less than 180).
PORTAL_AUDIT_DAYS = max(180, int(os.environ.get("PORTAL_AUDIT_DAYS", "365")))
# Password-reset and registration requests per address and per hour (portal.throttle).
PORTAL_RESET_PER_HOUR = int(os.environ.get("PORTAL_RESET_PER_HOUR", "5"))
PORTAL_REGISTER_PER_HOUR = int(os.environ.get("PORTAL_REGISTER_PER_HOUR", "10"))
# Objections (异议) to a 公示 per address and per hour (portal.throttle).
PORTAL_OBJECTION_PER_HOUR = int(os.environ.get("PORTAL_OBJECTION_PER_HOUR", "5"))

# --- background jobs (django-tasks): mail leaves through the queue ---------------------------
# In production a worker (``manage.py db_worker``) on any node runs the queued tasks; under
# ``make run`` and in tests they run at once (PORTAL_TASKS_IMMEDIATE, on with DEBUG).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("PORTAL_TASKS_IMMEDIATE", DEBUG or TESTING)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Cache: per-process memory by default; REDIS_URL shares one cache across gunicorn nodes.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # for a Redis shared with other sites (or test runs): keys start with it
            "KEY_PREFIX": os.environ.get("PORTAL_CACHE_KEY_PREFIX", ""),
        }
    }
    # Sessions are read from Redis and written through to the database, so that any node
    # reads them at cache speed and none is lost when Redis restarts or is flushed.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Each worker process keeps its own. Django's default of 300 entries holds the parts of
    # 75 measure pages: at 100,000 measures it was evicting them as fast as it cached them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "10000"))},
        }
    }

# The pages each process keeps in its own memory in front of that cache
# (portal.pagecache.LocalPages), in characters (about 2 bytes each); 0 turns it off.
PAGE_CACHE_LOCAL_CHARS = int(os.environ.get("PORTAL_PAGE_LOCAL_CHARS", "16000000"))

# Today's date for deadline badges; overridable so a demo or test can pin it.
PORTAL_TODAY = os.environ.get("PORTAL_TODAY")  # YYYY-MM-DD or empty

# 公开统计: a group of fewer enterprises than this is left out of the public statistics
# (applications/statistics.py says how, and why so).
STATISTICS_MIN_ENTERPRISES = int(os.environ.get("PORTAL_STATISTICS_MIN_ENTERPRISES", "3"))
STATISTICS_DOMINANCE_PERCENT = int(os.environ.get("PORTAL_STATISTICS_DOMINANCE_PERCENT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; the audit trail records logins
    "loggers": {"axes": {"level": "WARNING"}},
}
