"""Newsroom's settings, read top to bottom, driven by the environment.

Every variable is listed in the README's configuration table. A malformed value or a missing
secret outside debug mode stops start-up with a message that names the variable.
"""

import datetime as dt
import ipaddress
import os
import secrets
from email.utils import getaddresses
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    # A typo such as NEWSROOM_DEBUG=ture must not silently mean "off" (or "on").
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a DATABASES entry (sqlite:///path or postgres://user:pw@host/db)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db is relative to the project; sqlite:////abs/path is absolute.
        name = Path(unquote(parts.path)[1:])
        return sqlite_database(name if name.is_absolute() else BASE_DIR / name)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # ?pool=true: psycopg's connection pool, one per process, shared by its threads. A
        # pool and persistent connections exclude each other (Django refuses both), so with
        # the pool CONN_MAX_AGE is 0: a request returns its connection to the pool instead.
        pooled = "pool" in options and _url_bool("pool", options["pool"])
        if "pool" in options:
            options["pool"] = pooled
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Without the pool, persistent connections, checked before reuse: a small server
            # cannot afford a new PostgreSQL backend per request.
            "CONN_MAX_AGE": 0 if pooled else env_int("NEWSROOM_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": not pooled,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://; got scheme {parts.scheme!r}."
    )


def _url_bool(name: str, raw: str) -> bool:
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"DATABASE_URL's ?{name}= must be true or false; got {raw!r}.")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers and the single writer work at once; IMMEDIATE takes the write
            # lock when a transaction starts, so two writers queue on the busy timeout instead
            # of failing with "database is locked" when one upgrades a read lock.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
        "CONN_MAX_AGE": env_int("NEWSROOM_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


def _package_version() -> str:
    try:
        return metadata.version("newsroom")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        return "unknown"


# --- Core -----------------------------------------------------------------------------------

DEBUG = env_bool("NEWSROOM_DEBUG", False)

SECRET_KEY = env("NEWSROOM_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "NEWSROOM_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set NEWSROOM_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-NEWSROOM_DEBUG"  # noqa: S105

ALLOWED_HOSTS = env_list("NEWSROOM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "NEWSROOM_ALLOWED_HOSTS is not set. List the site's host names, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("NEWSROOM_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("NEWSROOM_SITE_NAME", "The Harbour Gazette")
# The release running, as the package declares it (pyproject.toml, CHANGELOG.md).
NEWSROOM_VERSION = _package_version()
# Feeds, sitemaps, canonical links and e-mails use this absolute address. Unset, it is where
# `make run` serves (its PORT); production must name its public address, and the deploy check
# (newsroom/checks.py) refuses the loopback default.
SITE_URL_DEFAULT = f"http://127.0.0.1:{env_int('PORT', 8000)}"
SITE_URL = env("NEWSROOM_SITE_URL", SITE_URL_DEFAULT).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "simple_history",
    "django_prose_editor",
    # Staff sign-in: failed-attempt lockout, and the one-time codes of two-factor sign-in
    # (an authenticator app, and recovery codes for when the phone is lost).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The e-mail services' bounce and complaint webhooks (newsletter/bounces.py); sending
    # stays on EMAIL_URL's SMTP unless an anymail backend is configured.
    "anymail",
    "newsroom",
    "articles",
    "comments",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cached pages get the current policy too.
    "newsroom.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so a cached page skips sessions, CSRF and the rest; it replays the headers the
    # full response had (frame options, referrer policy…). See newsroom/pagecache.py.
    "newsroom.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, so an old address missing its slash is tried with it too.
    "articles.redirects.OldAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed its second factor.
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: the idle timeout, then the second factor (newsroom/staff_auth.py).
    "newsroom.staff_auth.StaffSessionMiddleware",
    # Django's, building its storage only for a request that uses it (newsroom/lazy_messages.py).
    "newsroom.lazy_messages.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Test-only routes for sites started on loopback (loopback/urls.py): the benchmark's trivial
# view and the battery's planted vulnerable pages, for its scanners to find. Never in
# production: `check --deploy` refuses it (newsroom.E002), and loopback/ is not installed.
NEWSROOM_TEST_ROUTES = env_bool("NEWSROOM_TEST_ROUTES", False)
ROOT_URLCONF = "loopback.urls" if NEWSROOM_TEST_ROUTES else "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.media",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "newsroom.context_processors.navigation",
            ],
            # Times for machines (`<time datetime>`, feeds, sitemaps), in every app's templates.
            "builtins": ["articles.templatetags.machine_time"],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(BASE_DIR / "var" / "newsroom.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL")


def redis_cache(url: str) -> dict:
    """The cache every host shares. Unreachable, it is skipped rather than failing the
    request: a miss and a lost write are logged once a minute, pages are served uncached, and
    the first call that reaches it again empties it (newsroom/resilient_cache.py). The timeouts
    bound what a server that does not answer at all costs the request that finds out."""
    return {
        "BACKEND": "newsroom.resilient_cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    # Several gunicorn workers must see one cache, so not local memory: diskcache's Django
    # backend (an SQLite index per shard, large values as files). It holds the site up to
    # NEWSROOM_CACHE_SIZE_MB and then evicts the least recently used entries; Django's
    # FileBasedCache held 300 entries and then deleted a random third, so a site with more than
    # ~150 stories read in a day ran on misses. 100,000 stories' pages take about 4 GB.
    CACHE_DIR = Path(env("NEWSROOM_CACHE_DIR", str(BASE_DIR / "var" / "cache")))
    CACHE_SIZE_MB = env_int("NEWSROOM_CACHE_SIZE_MB", 6144)
    CACHES = {
        "default": {
            "BACKEND": "newsroom.disk_cache.DiskCache",
            "LOCATION": str(CACHE_DIR / "pages"),
            "SHARDS": 8,
            # Seconds a reader's request may wait for a shard busy with another write; past
            # it a read is a miss, never an error.
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {
                "size_limit": CACHE_SIZE_MB * 1024 * 1024,
                "eviction_policy": "least-recently-used",
                # Past the budget, each write evicts up to this many of the least recently used.
                "cull_limit": 10,
            },
        },
        # The page cache's tag versions (articles/page_tags.py): tiny, read on every hit, and
        # never evicted (they expire after 30 days), so a flood of pages cannot push them out.
        # One shard: a hit reads all of its page's versions in one query (a story shows a
        # dozen tags, which four shards spread over four queries); they are written only
        # when something changes, so their writes never queue behind each other for long.
        "versions": {
            "BACKEND": "newsroom.disk_cache.DiskCache",
            "LOCATION": str(CACHE_DIR / "versions"),
            "SHARDS": 1,
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {"eviction_policy": "none"},
        },
    }

# After a cache error this process leaves Redis alone this many seconds (answering "not
# cached" at once) before it tries again.
NEWSROOM_CACHE_RETRY_SECONDS = env_int("NEWSROOM_CACHE_RETRY_SECONDS", 5)

# --- Passwords, language, time ----------------------------------------------------------------

# Every account is a staff account, so every password guards the CMS: twelve characters at least,
# not like the username, not a common password, not all digits ("Newsroom1" fails the first).
STAFF_PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": STAFF_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# load_demo sets the three demo accounts' password without the validators; a short one given
# here would be a weak staff password on a site that may be reachable, so it stops start-up.
if 0 < len(env("NEWSROOM_DEMO_PASSWORD")) < STAFF_PASSWORD_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"NEWSROOM_DEMO_PASSWORD must be at least {STAFF_PASSWORD_MIN_LENGTH} characters long "
        f"(got {len(env('NEWSROOM_DEMO_PASSWORD'))}); leave it unset to have one generated."
    )


def site_language(raw: str) -> str:
    """NEWSROOM_LANGUAGE as a language code Django knows ("es", "en-gb", "ar"), lower-cased.

    The site speaks one language, the outlet's: it sets LANGUAGE_CODE and through it every
    string, the page's lang and dir, feeds, sitemaps, date formats and the search language."""
    from django.conf.locale import LANG_INFO

    code = raw.strip().lower().replace("_", "-")
    if code not in LANG_INFO:
        raise ImproperlyConfigured(
            f"NEWSROOM_LANGUAGE must be a language code Django knows, such as en-gb, es or ar; "
            f"got {raw!r}."
        )
    return code


LANGUAGE_CODE = site_language(env("NEWSROOM_LANGUAGE", "en-gb"))
# The languages Newsroom ships a catalogue for (locale/), and the site's own if it is another:
# Django's own strings (the admin's) come translated for many more.
LANGUAGES = [("en-gb", "English"), ("es", "Español"), ("ar", "العربية")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    from django.conf.locale import LANG_INFO

    LANGUAGES.append((LANGUAGE_CODE, LANG_INFO[LANGUAGE_CODE].get("name_local", LANGUAGE_CODE)))
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("NEWSROOM_TIME_ZONE", "Europe/London")
USE_I18N = True
# One way to write a date and time in the admin (newsroom/formats).
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_TZ = True

# --- Static files and media -------------------------------------------------------------------

STATIC_URL = "/static/"
# collectstatic writes here; nginx serves it (deploy/nginx-newsroom.conf).
STATIC_ROOT = Path(env("NEWSROOM_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Media on S3 (or an S3-compatible service) instead of MEDIA_ROOT: every app host then sees
# every upload. Credentials come the AWS way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the
# environment, or the host's role). Images are public: unsigned URLs, and the bucket's policy
# lets anyone GET an object (docs/deployment.md has it). Signed URLs would expire inside pages
# the page cache, nginx and feed readers keep, and make each URL unique so no browser or CDN
# could reuse the image.
AWS_STORAGE_BUCKET_NAME = env("NEWSROOM_S3_BUCKET")
# Stored file names never repeat (each upload gets a fresh random name), so a copy anywhere
# may be kept for a year.
NEWSROOM_MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def s3_media_storage(
    bucket: str,
    *,
    endpoint_url: str | None = None,
    custom_domain: str | None = None,
    region: str | None = None,
) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "custom_domain": custom_domain,
            "region_name": region,
            "querystring_auth": False,
            # Objects inherit the bucket's policy; no per-object ACL.
            "default_acl": None,
            # A name taken gets a new one instead of replacing what a page may still show.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": NEWSROOM_MEDIA_CACHE_CONTROL},
        },
    }


STORAGES = {
    "default": s3_media_storage(
        AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("NEWSROOM_S3_ENDPOINT_URL") or None,
        custom_domain=env("NEWSROOM_S3_CUSTOM_DOMAIN") or None,
        region=env("NEWSROOM_S3_REGION") or None,
    )
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads larger than this are refused before Django reads them into memory; the lead-image
# limit (15 MB) is checked again with a friendly message in the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_URL = env("EMAIL_URL", "console://")
_email = urlsplit(EMAIL_URL)
if _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme == "locmem":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif _email.scheme in {"smtp", "smtps", "submission"}:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtp": 25, "smtps": 465, "submission": 587}[_email.scheme]
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "submission"
else:
    raise ImproperlyConfigured(
        f"EMAIL_URL must start with console://, locmem://, smtp://, smtps:// or submission://; "
        f"got {EMAIL_URL!r}."
    )
DEFAULT_FROM_EMAIL = env("NEWSROOM_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind nginx the scheme arrives in X-Forwarded-Proto; trust it only when told the proxy
# sets it, or any client could claim HTTPS.
NEWSROOM_BEHIND_PROXY = env_bool("NEWSROOM_BEHIND_PROXY", False)
if NEWSROOM_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reader's own address (flood limits, blocks) comes from nginx's X-Real-IP, believed only on
# a connection from one of these addresses or networks; from anyone else the header is a
# client's claim and is ignored.
NEWSROOM_TRUSTED_PROXIES = env_list("NEWSROOM_TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in NEWSROOM_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"NEWSROOM_TRUSTED_PROXIES must list IP addresses or networks; got {_proxy!r}."
        ) from None
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("NEWSROOM_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("NEWSROOM_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("NEWSROOM_HSTS_PRELOAD", True)

# --- Staff sign-in ----------------------------------------------------------------------------

LOGIN_URL = "admin:login"

# Password guessing (django-axes). Failures are counted in the database, so every gunicorn
# worker on every host sees the same count, and against the reader's real address as
# articles.request_ip.client_ip decides it behind nginx (NEWSROOM_TRUSTED_PROXIES), the one
# place that does. AXES_LOCKOUT_PARAMETERS names the two counts newsroom.staff_auth.SignInAttempts
# keeps: one account from one address (NEWSROOM_SIGNIN_FAILURES wrong passwords lock that pair
# out, so an attacker elsewhere cannot lock an editor out of the newsroom), and one address
# whatever names it tries (NEWSROOM_SIGNIN_ADDRESS_FAILURES lock the address, so rotating
# usernames buys no more guesses). No account is ever locked by its name alone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "newsroom.staff_auth.SignInAttempts"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env_int("NEWSROOM_SIGNIN_FAILURES", 5)
NEWSROOM_SIGNIN_ADDRESS_FAILURES = env_int("NEWSROOM_SIGNIN_ADDRESS_FAILURES", 20)
NEWSROOM_SIGNIN_LOCKOUT_MINUTES = env_int("NEWSROOM_SIGNIN_LOCKOUT_MINUTES", 15)
for _name, _value in (
    ("NEWSROOM_SIGNIN_FAILURES", AXES_FAILURE_LIMIT),
    ("NEWSROOM_SIGNIN_ADDRESS_FAILURES", NEWSROOM_SIGNIN_ADDRESS_FAILURES),
    ("NEWSROOM_SIGNIN_LOCKOUT_MINUTES", NEWSROOM_SIGNIN_LOCKOUT_MINUTES),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1; got {_value}.")
if NEWSROOM_SIGNIN_ADDRESS_FAILURES < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "NEWSROOM_SIGNIN_ADDRESS_FAILURES must be at least NEWSROOM_SIGNIN_FAILURES "
        f"({AXES_FAILURE_LIMIT}); got {NEWSROOM_SIGNIN_ADDRESS_FAILURES}."
    )
AXES_COOLOFF_TIME = dt.timedelta(minutes=NEWSROOM_SIGNIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "articles.request_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.staff_auth.locked_out"
# Whoever keeps guessing while locked out stays locked out: each try starts the wait again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# Failures and lockouts are still logged; only the banner every manage.py command would print
# to the console at start-up goes.
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): Editors, Moderators and superusers must confirm each sign-in
# with a code from an authenticator app (or a recovery code). On by default in production; off
# in debug mode so that `make run`'s demo sign-ins work with the password alone.
NEWSROOM_REQUIRE_2FA = env_bool("NEWSROOM_REQUIRE_2FA", not DEBUG)
# The issuer an authenticator app shows beside the code.
OTP_TOTP_ISSUER = SITE_NAME
# Device keys stay out of the admin's pages once a device exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# A staff session left unused this long must sign in again (newsroom.staff_auth); whatever its
# use, a session ends after NEWSROOM_SESSION_HOURS. Readers have no sessions.
NEWSROOM_ADMIN_IDLE_MINUTES = env_int("NEWSROOM_ADMIN_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = 60 * 60 * env_int("NEWSROOM_SESSION_HOURS", 12)
if NEWSROOM_ADMIN_IDLE_MINUTES < 1 or SESSION_COOKIE_AGE < 3600:
    raise ImproperlyConfigured(
        "NEWSROOM_ADMIN_IDLE_MINUTES and NEWSROOM_SESSION_HOURS must be at least 1."
    )
# A password-reset link works for this long, and only once (Django's token changes with the
# password it resets).
PASSWORD_RESET_TIMEOUT = 60 * 60

# --- Logging ----------------------------------------------------------------------------------

# One JSON object per line on stderr (time, level, logger, message and whatever the record
# carries, e.g. django.request's status_code), which journald and log shippers keep as fields;
# plain text in development, where a person reads the console.
NEWSROOM_LOG_FORMAT = env("NEWSROOM_LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if NEWSROOM_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"NEWSROOM_LOG_FORMAT must be json or text; got {NEWSROOM_LOG_FORMAT!r}."
    )

# Who hears about a server error: NEWSROOM_ADMINS="Ada Lovelace <ada@example.org>, ops@…".
# Each unhandled error (a 500) is mailed to them through EMAIL_URL.
ADMINS = [(name, address) for name, address in getaddresses(env_list("NEWSROOM_ADMINS"))]
for _name, _address in ADMINS:
    if "@" not in _address:
        raise ImproperlyConfigured(
            f"NEWSROOM_ADMINS must list e-mail addresses, comma-separated; got {_address!r}."
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"production": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": NEWSROOM_LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["production"],
        },
    },
    "root": {"handlers": ["console"], "level": env("NEWSROOM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's errors (a 500, a refused request) also go to ADMINS (no one listed: no
        # mail); this replaces Django's own "django" handlers, which would mail them twice.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
    },
}

# Optional error reporting to Sentry (or a compatible service): only when SENTRY_DSN is set,
# and then the `sentry` extra must be installed.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'newsroom[sentry]'."
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=f"newsroom@{NEWSROOM_VERSION}",
        # Errors only, and no readers' addresses or cookies in the reports.
        traces_sample_rate=0.0,
        send_default_pii=False,
    )

# --- Newsroom ---------------------------------------------------------------------------------

# The outlet's words in the editor match what the server keeps: the editor offers exactly these
# elements and nh3 removes everything else on every save (see articles/sanitize.py).
PROSE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
    # Pictures from the media library, with a caption (articles/admin/media.py inserts them).
    "Figure": True,
    "Caption": True,
    "Image": True,
}

NEWSROOM_WORDS_PER_MINUTE = 230

# Anonymous page cache: nginx and CDNs may reuse a page this long (`s-maxage`; short, because
# a correction must reach readers quickly, and nginx is purged on changes anyway); browsers
# revalidate every view. Our own cache keeps a page until the content changes.
NEWSROOM_PAGE_MAX_AGE = env_int("NEWSROOM_PAGE_MAX_AGE", 60)
NEWSROOM_PAGE_CACHE_TIMEOUT = env_int("NEWSROOM_PAGE_CACHE_TIMEOUT", 60 * 60)
# Each thread keeps the time of the next scheduled change it read this many seconds before
# reading it again (newsroom/invalidation.py, release_due): a story scheduled in another
# process for the coming second appears up to this late. 0 reads it on every request.
NEWSROOM_SCHEDULE_HOLD_SECONDS = env_int("NEWSROOM_SCHEDULE_HOLD_SECONDS", 1)
# nginx keeps those pages for the max-age and cannot know the content version, so a story taken
# down (unpublished, deleted, moved) is purged from it at once (newsroom/edge_purge.py): one
# purge server URL per nginx in front of the site (deploy/nginx-newsroom.conf). Empty: no purge.
NEWSROOM_EDGE_PURGE_URLS = env_list("NEWSROOM_EDGE_PURGE_URLS")


def _is_purge_server(url: str) -> bool:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        return False
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and port != 0
        and not parts.path.strip("/")
    )


for _purge_url in NEWSROOM_EDGE_PURGE_URLS:
    if not _is_purge_server(_purge_url):
        raise ImproperlyConfigured(
            "NEWSROOM_EDGE_PURGE_URLS must list nginx purge servers such as "
            f"http://127.0.0.1:8081; got {_purge_url!r}."
        )

# --- Comments ---------------------------------------------------------------------------------

# Defaults for the moderation rules (comments/rules.py). Moderators override any of them in the
# admin ("Moderation limits"); these apply wherever that page leaves a field empty.
COMMENTS_MAX_DEPTH = 3  # comment, reply, reply to a reply; deeper replies join the deepest level
COMMENTS_FLAG_THRESHOLD = 3  # reader flags that send a published comment back to the queue
COMMENTS_FLAGS_PER_HOUR = 10  # flags one address may send in an hour; more are not counted
COMMENTS_MIN_SECONDS = 3  # a form posted sooner than this after it was issued is a bot
COMMENTS_FLOOD_BURST_SECONDS = 15  # at most one comment per address in this many seconds…
COMMENTS_FLOOD_PER_HOUR = 10  # …and at most this many per hour
COMMENTS_DUPLICATE_HOURS = 6  # the same text again from the same reader within this is refused
COMMENTS_HOLD_LINKS = 2  # this many links or more hold a comment for a moderator
COMMENTS_PER_PAGE = 50  # conversations (a comment and its replies) per page under a story
# Whole words or phrases, matched case-insensitively; the admin lists add to these.
COMMENTS_HOLD_WORDS = ["idiot", "moron", "scum", "liar"]
COMMENTS_REJECT_WORDS = ["viagra", "casino bonus", "crypto giveaway"]
# Mail every moderator about each held comment as well as the daily digest.
COMMENTS_MAIL_MODERATORS = env_bool("NEWSROOM_COMMENTS_MAIL_MODERATORS", False)
# The story page is cached for anonymous readers, so its comment form carries no CSRF token
# (static/js/comments.js fetches one). A reader without JavaScript posts without one; instead of
# Django's bare 403 they get their comment back on an uncached page with a token to confirm it.
# Every other CSRF failure, and any from a signed-in user, is Django's ordinary 403.
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"

# --- Newsletter -------------------------------------------------------------------------------

# How long a confirmation link works (seconds): three days, long enough for a weekend away.
# An expired link's page offers a new one.
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSLETTER_CONFIRM_MAX_AGE", 3 * 24 * 60 * 60)
# One confirmation mail per address per this many seconds, and at most this many a day: the
# sign-up form must not be a way to fill a stranger's inbox.
NEWSLETTER_CONFIRM_RESEND_SECONDS = 120
NEWSLETTER_CONFIRMS_PER_DAY = 3
# A sign-up posted sooner than this after its form was issued is a bot (as for comments).
NEWSLETTER_MIN_SECONDS = 2
# Sign-ups one network address may post in an hour (articles/request_ip.py counts them): the
# per-address limits above protect one inbox, this keeps one machine from mailing a list of
# strangers. Generous, since a newsroom's or a library's readers may share an address.
NEWSLETTER_SIGNUPS_PER_HOUR = env_int("NEWSLETTER_SIGNUPS_PER_HOUR", 10)
# Soft bounces (where a service reports them as bounces) that end an address's subscriptions.
NEWSLETTER_SOFT_BOUNCE_LIMIT = 3
# The e-mail service's webhooks (/newsletter/webhooks/<service>/tracking/) authenticate with
# HTTP basic auth, "user:password", as the service is told. Unset, a random secret nobody
# knows closes them: a forged bounce must not be able to unsubscribe readers.
ANYMAIL = {"WEBHOOK_SECRET": env("NEWSLETTER_WEBHOOK_SECRET") or f"closed:{secrets.token_hex(16)}"}
# The one e-mail service whose bounce webhook is answered (/newsletter/webhooks/<service>/
# tracking/); every other service's address is a 404, and with none set all of them are. Only
# services whose webhook needs nothing but the basic-auth secret: anymail's others need keys of
# their own, and without them each request was a 500 mailed to the admins (newsroom/urls.py).
# Not `sendinblue`: anymail's old name for Brevo, deprecated.
NEWSLETTER_ESPS = (
    "amazon_ses",
    "brevo",
    "mailjet",
    "mailtrap",
    "postmark",
    "resend",
    "sendgrid",
    "sparkpost",
)
NEWSLETTER_ESP = env("NEWSLETTER_ESP", "")
if NEWSLETTER_ESP and NEWSLETTER_ESP not in NEWSLETTER_ESPS:
    raise ImproperlyConfigured(
        f"NEWSLETTER_ESP={NEWSLETTER_ESP!r} is not one of: {', '.join(NEWSLETTER_ESPS)}."
    )
# Feeds carry the whole story (1) or only its standfirst with a link (0, the default: readers
# come to the site, where corrections and sources sit next to the story).
NEWSROOM_FEED_FULL_CONTENT = env_bool("NEWSROOM_FEED_FULL_CONTENT", False)

# --- Reader gifts (Stripe Checkout) -----------------------------------------------------------

# Online gifts go through Stripe Checkout: Newsroom creates a Checkout Session server-side and
# sends the reader to Stripe's page, so no card number ever reaches us; Stripe's webhook tells us
# what was paid (newsroom/online_gifts.py). Without both values the support page offers only
# the campaign's donate link. No publishable key: nothing of Stripe's runs in our pages.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
if bool(STRIPE_SECRET_KEY) != bool(STRIPE_WEBHOOK_SECRET):
    # A key without the webhook's secret would take money that no gift ever records.
    raise ImproperlyConfigured(
        "Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET for online gifts, or neither; "
        f"only {'STRIPE_SECRET_KEY' if STRIPE_SECRET_KEY else 'STRIPE_WEBHOOK_SECRET'} is set."
    )
NEWSROOM_ONLINE_GIFTS = bool(STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)
# Where Stripe's payment page is: the reader pages' Content-Security-Policy lets the gift form's
# redirect go there (newsroom/security_headers.py). A constant: tests point it at a fake.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# The amounts the gift form offers (whole units of the campaign's currency), and its limits.
NEWSROOM_GIFT_AMOUNTS = [5, 10, 25, 50]
NEWSROOM_GIFT_MIN = 2
NEWSROOM_GIFT_MAX = 5000
# Stripe Checkout sessions one network address may start in an hour: each is a call to Stripe on
# our key, and a card-testing script would start hundreds. A donor who changes their mind a few
# times stays well under it.
NEWSROOM_GIFT_CHECKOUTS_PER_HOUR = env_int("NEWSROOM_GIFT_CHECKOUTS_PER_HOUR", 10)
