"""The only settings file. Every knob is an environment variable listed in .env.example;
the defaults run out of the box (SQLite under var/, DEBUG off, a generated secret key)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MINSHENG_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/secret_key."""
    if key := env_str("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "民生")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
    "minsheng.people",
    "minsheng.audit",
    "minsheng.workcalendar",
    "minsheng.suggestions",
    "minsheng.insight",
    "minsheng.supervision",
    "minsheng.ledger",
    "minsheng.wishes",
    "minsheng.evaluation",
    "minsheng.disclosure",
    "minsheng.search",
    "minsheng.notifications",
    "minsheng.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minsheng.people.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside LocaleMiddleware, so its error details are in the caller's language.
    "minsheng.api.middleware.JsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's own language, once their account is known.
    "minsheng.people.middleware.UserLanguageMiddleware",
    "minsheng.people.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minsheng.urls"
WSGI_APPLICATION = "minsheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.people.context_processors.site",
                "minsheng.notifications.context_processors.unread",
            ],
        },
    },
]

# Django's form renderer with its commonest widget templates written in Python (same markup):
# the list pages' filter bars spent more time in per-option templates than in their rows.
FORM_RENDERER = "minsheng.lib.formrender.FastRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Writers wait for each other instead of failing with "database is locked";
        # IMMEDIATE makes a transaction take the write lock up front, so two concurrent
        # read-then-write transactions queue instead of deadlocking.
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
# Short queries only: PostgreSQL's JIT compiled a list page's COUNT for about 250 ms to save a
# few (docs/performance.md); PG_JIT=true gives it back.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("PG_JIT"):
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and rate limits (docs/disclosure.md "Open data, caching and limits") ------------
# REDIS_URL (redis://host:6379/0) gives every worker one shared cache (Django's RedisCache);
# without it each process has its own memory (LocMem), fine for one machine's trial: the
# public site's rate limits are then counted per worker process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit (minsheng/disclosure/throttle.py): per client address, on the public list
# and search, the public API, the feed and the downloads. A rate is "N/s", "N/m", "N/h" or "N/d".
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_USE_CACHE = "default"
# Behind a reverse proxy the client's address is in a header it sets, e.g. HTTP_X_REAL_IP.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None
PUBLIC_RATES = {
    "list": env_str("PUBLIC_RATE_LIST", "120/m"),
    "search": env_str("PUBLIC_RATE_SEARCH", "30/m"),
    "api": env_str("PUBLIC_RATE_API", "60/m"),
    "download": env_str("PUBLIC_RATE_DOWNLOAD", "30/h"),
    "feed": env_str("PUBLIC_RATE_FEED", "60/m"),
}
# Seconds a browser or shared proxy may keep a public page before asking again (with the
# page's ETag / Last-Modified, answered 304 when nothing changed).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
SILENCED_SYSTEM_CHECKS = [
    # LocMem is not shared between processes: accepted without REDIS_URL (see above).
    *(["django_ratelimit.E003"] if not REDIS_URL else []),
    # Django's own RedisCache increments atomically; django-ratelimit lists only django-redis.
    "django_ratelimit.W001",
]

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "minsheng.people.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures count against the account whatever alias was typed (username or mobile number).
AXES_USERNAME_CALLABLE = "minsheng.people.backends.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# --- Content-Security-Policy (django-csp) ----------------------------------------------------
# Scripts and styles only from our own static files: no inline <script>, no on* handler
# attributes, no style="" attributes, nothing from another origin. A page that needs more gets a
# narrower exception with django-csp's decorators on its own view (the API docs do), never a
# wider site policy. README "Security".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["minsheng.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments live outside the static tree and are only served through views that
# check access; there is deliberately no MEDIA_URL.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MB = env_int("FILE_UPLOAD_MAX_MB", 20)
# Trained routing models (`minsheng insight train`), one file per jurisdiction (docs/insight.md).
INSIGHT_MODEL_DIR = Path(env_str("INSIGHT_MODEL_DIR", str(VAR_DIR / "insight")))
# The dashboard's drawn charts, one SVG file per drawing, shared by every worker and kept
# across restarts (reports/chart_cache.py, docs/reports.md); at most REPORTS_CHART_FILES files.
REPORTS_CHART_DIR = Path(env_str("REPORTS_CHART_DIR", str(VAR_DIR / "charts")))
REPORTS_CHART_FILES = env_int("REPORTS_CHART_FILES", 2000)
# The dashboard's panels are kept in the cache under the data's version; what that version does
# not see (a unit renamed, a year's scheme chosen) shows after at most this long.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("MINSHENG_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "minsheng@localhost")
# Where the file backend (`make run`) writes each message.
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))

# --- Notifications and reminders (README "Notifications and reminders") ---------------------
# Delivery runs as tasks (django-tasks, the backport of Django 6's Tasks framework). The
# database backend needs nothing else running: `minsheng db_worker` works through the queue.
# A large deployment points TASKS_BACKEND at a distributed backend instead.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# External channels a person gets unless they chose otherwise (the inbox always gets it).
NOTIFY_DEFAULT_CHANNELS = env_list("NOTIFY_DEFAULT_CHANNELS", "email")
# SMS: "record" keeps messages in the database (demo, tests); "http" posts to SMS_GATEWAY_URL.
SMS_GATEWAY = env_str("SMS_GATEWAY", "record")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
# WeCom (企业微信) and DingTalk (钉钉) group robots: "record" or "http" (post to the robot).
ROBOT_WEBHOOKS = env_str("ROBOT_WEBHOOKS", "record")
# A person's robot address must start with one of these (no posting to arbitrary hosts).
WECOM_WEBHOOK_PREFIX = env_str(
    "WECOM_WEBHOOK_PREFIX", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
)
DINGTALK_WEBHOOK_PREFIX = env_str(
    "DINGTALK_WEBHOOK_PREFIX", "https://oapi.dingtalk.com/robot/send?access_token="
)
NOTIFY_HTTP_TIMEOUT = env_int("NOTIFY_HTTP_TIMEOUT", 10)
# Minutes between a failed delivery's tries; after the last one it is marked failed.
NOTIFY_RETRY_MINUTES = [int(m) for m in env_list("NOTIFY_RETRY_MINUTES", "1,5,30,120,720")]
# The daily digest is sent on the first reminder round after this time (HH:MM, local).
NOTIFY_DIGEST_TIME = env_str("NOTIFY_DIGEST_TIME", "08:00")
# The reminder rule set: how early each reminder goes out (README).
REMINDER_SIGN_DAYS_BEFORE = env_int("REMINDER_SIGN_DAYS_BEFORE", 2)
REMINDER_NO_CONTACT_WORKDAYS = env_int("REMINDER_NO_CONTACT_WORKDAYS", 10)
REMINDER_JOINT_OPINION_DAYS_BEFORE = env_int("REMINDER_JOINT_OPINION_DAYS_BEFORE", 3)
REMINDER_DRAFT_WAITING_DAYS = env_int("REMINDER_DRAFT_WAITING_DAYS", 2)
REMINDER_RATING_WORKDAYS = env_int("REMINDER_RATING_WORKDAYS", 10)
REMINDER_RATING_LAST_CALL_WORKDAYS = env_int("REMINDER_RATING_LAST_CALL_WORKDAYS", 2)
# Staff hear of the year's open supervision instructions this many working days before its
# clearance day (清零销号).
REMINDER_CLEARANCE_WORKDAYS = env_int("REMINDER_CLEARANCE_WORKDAYS", 10)
# A reminder whose day was missed (the server was down) still goes out this many days later.
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 3)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# With DEBUG off the site is assumed to run behind TLS: cookies are Secure and HSTS is sent.
# `make run` serves plain HTTP on 127.0.0.1 for a local trial and says so with HTTPS=false.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# The reverse proxy usually redirects http to https; set this when nothing in front does.
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")},
    },
}
