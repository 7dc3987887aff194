"""Settings for the newsroom CMS: every deployment knob is an environment variable."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from newsroom.env import (
    editions,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
HTTPS = env_bool("DJANGO_HTTPS", True)


def local_secret_key(path):
    """Read, or create once, a random key kept beside the data (single-server use)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        from django.core.management.utils import get_random_secret_key

        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and linked into place, so a worker starting at the same
        # moment reads either nothing or the whole key, never half of it.
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(get_random_secret_key())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        return path.read_text().strip()


# Several app servers must share one key, set in the environment; a single
# server without one gets a random key of its own, never a published default.
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or local_secret_key(
    BASE_DIR / "var" / "secret_key"
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, on a site that asks staff for their second factor.
    "articles.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_prose_editor",
    "reversion",
    "taggit",
    "axes",
    "csp",
    # Second factors: authenticator apps (TOTP) and passkeys (WebAuthn).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "articles",
    # Moving in from WordPress: the import and the old addresses it keeps.
    "articles.wordpress",
]

MIDDLEWARE = [
    # First: a page from the cache is answered before anything else runs, with
    # the headers the middleware below gave it when it was made; it touches
    # no database.
    "articles.serving.pages.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # No nonce on reader pages: none of their templates asks for one, so the
    # cached copy carries the very policy a fresh page would.
    "articles.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The edition the address names (/ru/…), before CommonMiddleware resolves it.
    "articles.serving.languages.EditionMiddleware",
    # Old WordPress addresses: a 301 where the site has no page (a 404), and
    # for WordPress's /?p=123 links before the home page answers them.
    "articles.wordpress.middleware.OldAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session was verified with.
    "django_otp.middleware.OTPMiddleware",
    # The admin in the language each staff member chose.
    "articles.serving.languages.DeskLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ended sessions signed out; the admin closed to staff without a second
    # factor, or with a password to change (articles.accounts).
    "articles.accounts.middleware.StaffSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file. A transaction that read first and
    # writes later cannot wait for another's write lock ("database is locked" at
    # once, whatever the timeout), so each takes the lock as it begins and waits
    # its turn; with the write-ahead log, readers never wait for a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage is logged and the site
            # serves uncached instead of failing.
            "BACKEND": "articles.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: records the change and ends the account's other sessions.
    {"NAME": "articles.accounts.passwords.PasswordChangeRecorder"},
]

TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Tbilisi")
USE_I18N = True
# The site's language editions: the default one unprefixed (/story/…), the
# others under their code (/ru/story/…). Each must be a language Django knows
# and this project has a catalogue for (articles/locale); see articles.editions.
LANGUAGES, LANGUAGE_CODE = editions(
    env_list("NEWSROOM_LANGUAGES", ["en"]), env_str("NEWSROOM_DEFAULT_LANGUAGE")
)
LOCALE_PATHS = [BASE_DIR / "articles" / "locale"]
# The language choice of the admin's sign-in page, before a staff member's own.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The newsroom's own date formats (articles/formats).
FORMAT_MODULE_PATH = ["articles.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
# The app serves media itself unless a proxy or object storage does it.
SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

# Security: HTTPS on by default; `make demo` turns it off for plain http.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) for reader pages, feeds, the API and
# errors: scripts, styles and pictures from the site itself, nothing inline.
# articles.security adds the admin's editor import map, a media origin on
# another host and upgrade-insecure-requests; uploads served by the app send
# their own sandbox policy (articles.serving.media), which is kept.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Browser features no page of ours uses, switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Admin sign-in lockout (django-axes): after this many failures for one user
# name from one address, that pair is locked out for the cool-off time.
AUTHENTICATION_BACKENDS = [
    "articles.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are forgiven when the whole sign-in succeeds, second factor and all
# (articles.accounts.factors.forgive), not at the password: otherwise each new
# password sign-in would start the count of wrong codes again.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "articles.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "articles.serving.clients.client_ip"
AXES_VERBOSE = False
# What axes keeps of a failed attempt's form never holds a secret: the
# password it masks itself, these too (a second factor's code, a new password).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "code",
    "old_password",
    "new_password1",
    "new_password2",
]

# Staff sign in with a password and a second factor: a passkey, a code from an
# authenticator app or a recovery code. With the rule on (the default), staff
# without one reach only the page that enrols one; `make demo` turns it off.
NEWSROOM_REQUIRE_2FA = env_bool("NEWSROOM_REQUIRE_2FA", True)
# Passkeys belong to one host name: the admin's (NEWSROOM_ADMIN_ORIGIN below,
# or the address each request came to when it is not set).
OTP_WEBAUTHN_HELPER_CLASS = "articles.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = 5 * 60
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "articles.accounts"
# A browser a staff member signed in from is remembered for this long.
NEWSROOM_BROWSER_COOKIE_DAYS = env_int("NEWSROOM_BROWSER_COOKIE_DAYS", 400, minimum=1)

# Full pages for anonymous readers, kept in the cache until something they show
# changes (or this many seconds pass); 0 turns the page cache off.
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
# Without a shared cache, app server processes on one machine tell each other
# about changes through this file's modification time.
NEWSROOM_CHANGE_STAMP = Path(
    env_str("NEWSROOM_CHANGE_STAMP") or BASE_DIR / "var" / "changed"
)
# What browsers and CDNs are told: fresh for max-age, then served stale while
# they revalidate. The app's own cache is invalidated at once on every change.
NEWSROOM_PAGE_MAX_AGE = env_int("NEWSROOM_PAGE_MAX_AGE", 60)
NEWSROOM_PAGE_STALE_SECONDS = env_int("NEWSROOM_PAGE_STALE_SECONDS", 30)
# "keyed": a change ages only the pages that show what changed (each page
# records what it shows); "site": any change ages every page, for comparison.
NEWSROOM_PAGE_INVALIDATION = env_choice(
    "NEWSROOM_PAGE_INVALIDATION", ("keyed", "site"), "keyed"
)
# The edge in front (articles.serving.edge): the header pages carry their
# surrogate keys in ("xkey" for Varnish, "Surrogate-Key" for Fastly,
# "Cache-Tag" for Cloudflare; empty for none), where purges are sent after a
# change (empty: nowhere), and the class that sends them.
# How far apart the clocks of the site's app servers may be (NTP keeps them
# within a few milliseconds): a page rendered this soon after a purge of
# something it shows is not kept, as its render may have begun before the
# change committed. 0 is exact for a site on one server.
NEWSROOM_CLOCK_SKEW_MS = env_int("NEWSROOM_CLOCK_SKEW_MS", 50)
NEWSROOM_SURROGATE_HEADER = env_choice(
    "NEWSROOM_SURROGATE_HEADER", ("", "xkey", "Surrogate-Key", "Cache-Tag"), ""
)
NEWSROOM_PURGE_URL = env_str("NEWSROOM_PURGE_URL")
# With a purge target, how long the edge may keep a page (Surrogate-Control),
# never past the next scheduled change; browsers keep NEWSROOM_PAGE_MAX_AGE.
NEWSROOM_EDGE_MAX_AGE = env_int("NEWSROOM_EDGE_MAX_AGE", 300)
NEWSROOM_PURGER = env_str("NEWSROOM_PURGER", "articles.serving.edge.VarnishPurger")

# Newsroom knobs.
NEWSROOM_SITE_NAME = env_str("NEWSROOM_SITE_NAME", "OC Media")
NEWSROOM_PREVIEW_MAX_AGE = env_int("NEWSROOM_PREVIEW_MAX_AGE", 7 * 24 * 3600)
NEWSROOM_PAGE_SIZE = env_int("NEWSROOM_PAGE_SIZE", 12)
# Uploads larger than this, in bytes or in pixels (decompression bombs), are
# refused before any pixel is decoded.
NEWSROOM_IMAGE_MAX_BYTES = env_int("NEWSROOM_IMAGE_MAX_BYTES", 25 * 1000 * 1000)
NEWSROOM_IMAGE_MAX_PIXELS = env_int("NEWSROOM_IMAGE_MAX_PIXELS", 60 * 1000 * 1000)
# Prompt impressions and clicks counted per client address and minute (0: no limit).
NEWSROOM_PROMPT_RATE_LIMIT = env_int("NEWSROOM_PROMPT_RATE_LIMIT", 30)

# Email: notifications of submissions, returns and publications
# (articles/admin/notifications.py). SMTP unless told otherwise: production
# sets DJANGO_EMAIL_HOST (without it nothing is sent, and each failure is
# logged); `make demo` writes emails to the console instead.
_email_backends = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env_str("DJANGO_EMAIL_BACKEND", "smtp")
if _email_backend not in _email_backends:
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_BACKEND must be smtp or console, not {_email_backend!r}"
    )
EMAIL_BACKEND = _email_backends[_email_backend]
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL cannot both be on: turn "
        "DJANGO_EMAIL_USE_TLS off for a server that speaks TLS from the start"
    )
# A mail server that hangs holds up the editor's save no longer than this.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails start here ("https://news.example.org"); without it, at the
# address the request that made the move came to.
NEWSROOM_ADMIN_ORIGIN = env_str("NEWSROOM_ADMIN_ORIGIN").rstrip("/")
if NEWSROOM_ADMIN_ORIGIN and (
    urlsplit(NEWSROOM_ADMIN_ORIGIN).scheme not in ("http", "https")
    or not urlsplit(NEWSROOM_ADMIN_ORIGIN).netloc
    or urlsplit(NEWSROOM_ADMIN_ORIGIN).path
):
    raise ImproperlyConfigured(
        "NEWSROOM_ADMIN_ORIGIN must be a scheme and host such as "
        f"https://news.example.org, not {NEWSROOM_ADMIN_ORIGIN!r}"
    )

_admin_origin = NEWSROOM_ADMIN_ORIGIN or "http://localhost"
OTP_WEBAUTHN_RP_ID = urlsplit(_admin_origin).hostname
# Authenticator apps and passkey prompts name the site.
OTP_TOTP_ISSUER = OTP_WEBAUTHN_RP_NAME = NEWSROOM_SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_admin_origin]

TAGGIT_CASE_INSENSITIVE = True
# Addresses typed without a scheme are taken as https (the Django 6 behaviour).
FORMS_URLFIELD_ASSUME_HTTPS = True

# The story body editor's Picture and Embed buttons: a module of ours that
# django-prose-editor loads for the BodyMedia extension (articles/html.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/admin-body-media.js")],
        "extensions": {"BodyMedia": html_tags([])},
    }
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
