"""The one settings file, driven by environment variables; SQLite by default.

DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/tdkt (default: sqlite in TDKT_DATA_DIR)
SECRET_KEY     required when DEBUG is off
DEBUG          "1" to enable debug pages (default off)
ALLOWED_HOSTS  comma-separated (default: localhost, 127.0.0.1)
TDKT_DATA_DIR  where the SQLite database and uploaded evidence live (default: ./var)
TASKS_BACKEND  "immediate" (default) or "database" (default when TDKT_PRODUCTION=1; run `tdkt db_worker`)
TDKT_HTTPS     "1" when served over HTTPS only: secure cookies, redirect from HTTP, HSTS (HSTS_SECONDS)
TDKT_BEHIND_PROXY  "1" when a reverse proxy terminates TLS and sets X-Forwarded-Proto
SQLITE_TIMEOUT seconds a write waits for the SQLite lock before giving up (default 20)
TDKT_PUBLIC_URL  the public address printed in certificates' QR codes (default http://127.0.0.1:8000)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TDKT_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if _env_bool("TDKT_PRODUCTION"):
        raise RuntimeError("SECRET_KEY must be set when TDKT_PRODUCTION=1")
    SECRET_KEY = "tdkt-development-key-not-for-production"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "tdkt.core",
    "tdkt.org",
    "tdkt.clusters",
    "tdkt.movements",
    "tdkt.scoring",
    "tdkt.reports",
    "tdkt.voting",
    "tdkt.awards",
    "tdkt.dossiers",
    "tdkt.demo",
    "tdkt.web",
    "tdkt.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tdkt.web.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tdkt.urls"
WSGI_APPLICATION = "tdkt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tdkt.web.context_processors.my_work",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tdkt.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real default: writers queue for the lock instead of failing with "database is locked".
    # - IMMEDIATE: every transaction takes the write lock when it begins, waiting for it up to `timeout`
    #   seconds. A DEFERRED one (SQLite's default) reads first and then fails at once, without waiting,
    #   when it tries to upgrade to writing after another writer committed. So writes are serialised, and
    #   `select_for_update`, which SQLite ignores, is not needed there: the row cannot change under a
    #   transaction. Reads outside a transaction (autocommit) do not take the lock.
    # - WAL: readers never wait for the writer, nor the writer for readers; synchronous=NORMAL is safe
    #   with WAL (a power cut may lose the last commits, never corrupt the file).
    # - secure_delete: deleted rows (drafts, ballots' data) are overwritten with zeros, not left in the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"),
        }
    )
    # Tests run on a file, not Django's shared in-memory database, which has table locks of its own and
    # cannot show how the file is locked: concurrency tests run on SQLite as users meet it. One file per
    # process (pytest-xdist adds its worker's suffix), so parallel runs never share it; Django deletes it
    # at the end of the run.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(Path(tempfile.gettempdir()) / f"tdkt-test-{os.getpid()}.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:my_work"  # each user lands on what waits for them
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Only needed for `collectstatic`; WhiteNoise serves from the apps' static folders without it.
STATIC_ROOT = os.environ.get("TDKT_STATIC_ROOT") or None
# The app serves its own assets (intranets have no CDN); WhiteNoise reads them straight from the apps'
# static folders, so no collectstatic step is needed. See docs/decisions/0002-whitenoise.md.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served publicly: evidence is downloaded through a permission-checked view

# Uploads: the import checks its own limit; Django refuses bodies larger than this outright.
# The address the public reaches this server at: printed in certificates' QR codes, which are read long after
# any request (e.g. https://tdkt.quangnam.gov.vn).
TDKT_PUBLIC_URL = os.environ.get("TDKT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
TDKT_MAX_UPLOAD_BYTES = int(os.environ.get("TDKT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background tasks (the bulk evaluation of a province). TASKS_BACKEND: "immediate" runs a task inside the
# request (tests, a quick look); "database" queues it in the database for `tdkt db_worker` (`make demo`,
# production, where it is the default); a dotted class path is taken as given.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database" if _env_bool("TDKT_PRODUCTION") else "immediate")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_TASKS_BACKEND, _TASKS_BACKEND)}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# TDKT_HTTPS=1: the site is served over HTTPS only (directly or behind a proxy that sets X-Forwarded-Proto):
# secure cookies, plain HTTP redirected, HSTS (HSTS_SECONDS, one year by default). Off by default, for
# intranets served over plain HTTP; SECURE_COOKIES=1 alone marks the cookies secure.
HTTPS = _env_bool("TDKT_HTTPS")
SESSION_COOKIE_SECURE = HTTPS or _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = HTTPS or _env_bool("SECURE_COOKIES")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("TDKT_BEHIND_PROXY") else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # SQL is never logged, whatever LOG_LEVEL says: its parameters would put a ballot's choices beside the
    # hash of the code that cast them, with the time (docs/decisions/0006-ballot-secrecy.md)
    "loggers": {"django.db.backends": {"level": "INFO", "propagate": True}},
}
