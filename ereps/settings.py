"""One settings module, read from the environment (see .env.example).

Embedded defaults run the demo with nothing installed but Python: an SQLite file under
``var/``, Celery tasks executed inline, mails written as files under ``var/mail/`` and
uploads under ``var/media/``. Production sets ``DATABASE_URL``, ``CELERY_BROKER_URL``
(or ``REDIS_URL``), ``EMAIL_URL`` and ``SECRET_KEY`` and turns ``DEBUG`` off.
Bad values fail at start-up, never at the first request.
"""

from datetime import timedelta
from pathlib import Path

import environ
from botocore.config import Config as BotoConfig
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_flag(name: str, default: bool) -> bool:
    """A boolean that refuses typos: ``DEBUG=ture`` must not silently mean False."""
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false).")
    return raw in _TRUE


DEBUG = env_flag("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-demo-key-only-valid-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The manufacturer's name appears in the UI, the audience choice and the mails.
MANUFACTURER_NAME = env.str("MANUFACTURER_NAME", default="Renson")
PORTAL_NAME = "e-REPS"
# The documents (documents app): how long a quote holds, and the VAT rate of the invoices.
QUOTE_VALIDITY_DAYS = env.int("QUOTE_VALIDITY_DAYS", default=30)
VAT_RATE_PERCENT = env.str("VAT_RATE_PERCENT", default="21")
# Absolute base for links in mails (mails have no request to build URLs from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin on the portal's admin site (ops.admin_site: the staff page « État du service »).
    "ops.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    # The portal's apps, bottom of the stack first: each imports only apps listed before
    # it (the layers contract in pyproject.toml checks it).
    "ops",
    "mailer",
    "accounts",
    "catalogue",
    "dossiers",
    "communication",
    "configurator",
    "documents",
    # The wiring on top: the demo seed (manage.py seed_demo) uses every app.
    "ereps",
]

MIDDLEWARE = [
    # First: the load balancer's probes skip the host check, the HTTPS redirect and sessions.
    "ops.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, hashed and compressed, before anything that reads the session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request id and a log line for every request past the static files.
    "ops.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "ops.middleware.HardeningMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the Configurateur answers its live round trips with a fragment.
    "django_htmx.middleware.HtmxMiddleware",
    # After the messages (it says why the user was logged out) and the user's language.
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ereps.urls"
WSGI_APPLICATION = "ereps.wsgi.application"

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
                "ereps.context_processors.portal",
            ],
        },
    },
    {
        # The hot fragments only (dossiers.templating): pages stay Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "dossiers.templating.environment"},
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dossiers:dossier-list"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

# Login throttling (django-axes, accounts/throttling.py): after AXES_FAILURE_LIMIT failures
# for one e-mail address from one IP address, that pair is locked for AXES_COOLOFF_MINUTES.
# Locking the pair rather than the address alone keeps a stranger from locking a dealer
# out of their own account. After AXES_IP_FAILURE_LIMIT failures from one IP address, for
# any addresses (one password sprayed over many accounts), the IP address is locked too.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.throttling.LoginThrottle"
# Behind proxies, REMOTE_ADDR is the nearest proxy's for every visitor, and one visitor's
# failures would lock everyone out. TRUSTED_PROXY_COUNT proxies that each append to
# X-Forwarded-For: the visitor's address is the one the outermost of them saw.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be ≥ 0.")
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_VERBOSE = False
# « Mot de passe oublié ? » requests per address and per IP address within the window
# (seconds), counted in the shared cache (accounts/throttling.py).
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_LIMIT_WINDOW = env.int("PASSWORD_RESET_LIMIT_WINDOW", default=3600)
if min(AXES_FAILURE_LIMIT, AXES_IP_FAILURE_LIMIT, PASSWORD_RESET_LIMIT_PER_ADDRESS, PASSWORD_RESET_LIMIT_PER_IP) < 1:
    raise ImproperlyConfigured("Login and password reset limits must be ≥ 1.")
if PASSWORD_RESET_LIMIT_WINDOW < 1:
    raise ImproperlyConfigured("PASSWORD_RESET_LIMIT_WINDOW must be ≥ 1 second.")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats of our own where Django's differ from what our readers expect (ereps/formats/).
FORMAT_MODULE_PATH = ["ereps.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# No URL pattern serves MEDIA_URL: uploads are only served through views that check access.
MEDIA_URL = "/media/"

# Files: local storage by default; S3 (django-storages) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_default_storage: dict[str, object]
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,  # private objects, short-lived signed URLs
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "file_overwrite": False,
            # Bounded waits: an S3 endpoint that hangs must not hold a web process for minutes.
            "client_config": BotoConfig(
                connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=2.0),
                read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=20.0),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    # WhiteNoise serves them (no web server needed in front): with DEBUG off, hashed names
    # cached for a year, gzip-compressed, after `manage.py collectstatic`.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail. Without EMAIL_URL, mails are written as files under var/mail/ for the demo.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="e-REPS <noreply@ereps.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Right-hand side of the Message-IDs the outbox generates (default: DEFAULT_FROM_EMAIL's domain).
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="")

# Mail outbox (mailer/). A failed attempt is retried after
# base × 2^(n-1) seconds, at most OUTBOX_RETRY_MAX_SECONDS, until OUTBOX_MAX_ATTEMPTS;
# then the mail is marked failed for staff to resend. A send still "sending" after
# OUTBOX_STALE_SENDING_SECONDS is taken as interrupted (worker killed) and re-queued.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=30 * 60)
OUTBOX_STALE_SENDING_SECONDS = env.int("OUTBOX_STALE_SENDING_SECONDS", default=10 * 60)
OUTBOX_SWEEP_INTERVAL_SECONDS = env.int("OUTBOX_SWEEP_INTERVAL_SECONDS", default=60)
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)
if OUTBOX_MAX_ATTEMPTS < 1 or OUTBOX_RETRY_BASE_SECONDS < 0 or OUTBOX_SWEEP_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured("OUTBOX_MAX_ATTEMPTS and OUTBOX_SWEEP_INTERVAL_SECONDS must be ≥ 1, the base ≥ 0.")
if OUTBOX_STALE_SENDING_SECONDS <= 3 * EMAIL_TIMEOUT:
    # Shorter, and a slow but live send would be taken over and sent twice.
    raise ImproperlyConfigured("OUTBOX_STALE_SENDING_SECONDS must exceed 3 × EMAIL_TIMEOUT.")

# Celery. Without a broker the demo runs tasks inline.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_flag("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's Redis transport, with a worker crash after a Redis restart fixed (ereps/broker.py).
    # "redis" names kombu's own (the integration tests use it to show the crash still exists).
    CELERY_BROKER_TRANSPORT = env.str("CELERY_BROKER_TRANSPORT", default="ereps.broker:Transport")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# One queue name per deployment lets several share a Redis (and each test worker have its own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
# Publishing happens in requests (on commit), and a broker that is down or hung must cost
# the dealer at most BROKER_SOCKET_TIMEOUT, once: a frozen Redis still accepts TCP
# connections, so only a socket timeout on every read ends the wait. No retry: the outbox
# row is already committed and waits for the sweep (mailer.sweep), not the dealer.
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=0.5)
if not 0 < BROKER_SOCKET_TIMEOUT <= 30:
    raise ImproperlyConfigured("BROKER_SOCKET_TIMEOUT must be between 0 and 30 seconds.")
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    "max_retries": 0,
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= OUTBOX_RETRY_MAX_SECONDS:
    # Redis redelivers countdown messages not acked within the visibility timeout.
    raise ImproperlyConfigured("OUTBOX_RETRY_MAX_SECONDS must stay below the broker's visibility timeout.")
# The shared cache: rendered overview pages and their stamps (dossiers.overview_cache),
# the product-group list of the overview's filter. Every web process must see the same
# cache, or a change made through one process would leave stale pages in the others:
# production points CACHE_URL (default: REDIS_URL) at Redis. The demo, one process, keeps
# its cache in memory. Short socket timeouts: with Redis away pages render uncached.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ereps"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                # After a failure, the server is not asked again for REDIS_BREAKER_SECONDS (ops/breaker.py).
                "pool_class": "ops.breaker.BreakerConnectionPool",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ereps"}}
# How long a rendered overview page may be served from the cache (0: never cached). Writes
# invalidate at once; this bounds staleness only if the cache itself was unreachable
# during a write.
OVERVIEW_CACHE_SECONDS = env.int("OVERVIEW_CACHE_SECONDS", default=300)
if OVERVIEW_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("OVERVIEW_CACHE_SECONDS must be ≥ 0.")
# How long a printed message card of the Communication tab is kept in the shared cache
# (0: never). Cards are keyed by their whole content (communication.thread_cards), so this
# is not a staleness bound: it is how long an unread card occupies memory.
THREAD_CARD_CACHE_SECONDS = env.int("THREAD_CARD_CACHE_SECONDS", default=6 * 3600)
if THREAD_CARD_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("THREAD_CARD_CACHE_SECONDS must be ≥ 0.")

# After a Redis call fails (timeout, refused), a process leaves that Redis alone for this
# long: a frozen Redis costs a request one socket timeout at most (ops/breaker.py).
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)
if REDIS_BREAKER_SECONDS < 0:
    raise ImproperlyConfigured("REDIS_BREAKER_SECONDS must be ≥ 0.")

# Celery beat queues a heartbeat task this often; with no heartbeat for the stale delay,
# the staff page and /readyz say no worker is running tasks (ops/heartbeat.py).
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=30)
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=120)
if not 0 < WORKER_HEARTBEAT_SECONDS < WORKER_HEARTBEAT_STALE_SECONDS:
    raise ImproperlyConfigured("WORKER_HEARTBEAT_STALE_SECONDS must exceed WORKER_HEARTBEAT_SECONDS (> 0).")

# Documents whose generation task is overdue by the grace (lost: Redis down or restarted
# empty, a worker killed mid-task) are queued again by a sweep this often (documents/tasks.py).
DOCUMENTS_SWEEP_INTERVAL_SECONDS = env.int("DOCUMENTS_SWEEP_INTERVAL_SECONDS", default=60)
DOCUMENTS_SWEEP_GRACE_SECONDS = env.int("DOCUMENTS_SWEEP_GRACE_SECONDS", default=120)
if DOCUMENTS_SWEEP_INTERVAL_SECONDS < 1 or DOCUMENTS_SWEEP_GRACE_SECONDS < 0:
    raise ImproperlyConfigured("DOCUMENTS_SWEEP_INTERVAL_SECONDS must be ≥ 1 and the grace ≥ 0.")

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "mailer.sweep_outbox", "schedule": float(OUTBOX_SWEEP_INTERVAL_SECONDS)},
    "worker-heartbeat": {
        "task": "ops.heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
        "options": {"expires": float(WORKER_HEARTBEAT_SECONDS)},
    },
    # Documents whose generation task was lost (broker down when queued) are queued again.
    "documents-sweep": {"task": "documents.sweep_pending", "schedule": float(DOCUMENTS_SWEEP_INTERVAL_SECONDS)},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: strict by default when DEBUG is off; each switch can be relaxed from the env
# (e.g. behind a TLS-terminating proxy on a private network).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every page: scripts from the portal's own static
# files only (no inline script is left in the templates), no plugins, no framing.
# Bootstrap's CSS draws its icons from data: URLs.
# Styles come from stylesheets only: no style attribute and no <style> element (the admin's
# change list prints one; templates/admin/change_list.html leaves it out, and htmx is told
# not to add its own, see templates/configurator/line_form.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the portal never uses, refused to every page and frame (ops.middleware).
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "camera": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}
# Sessions: SESSION_COOKIE_AGE is the absolute lifetime from login; SESSION_IDLE_TIMEOUT
# logs out who has not made a request for that long (accounts.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
if not 0 < SESSION_IDLE_TIMEOUT <= SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT must be > 0 and ≤ SESSION_COOKIE_AGE.")
if env_flag("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Upload limits (the Annexe form reports them in the dealer's language).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)
# The largest request a form with files can need: every file at its limit, plus the form.
# The load balancer refuses larger bodies (nginx's client_max_body_size, deploy/nginx.conf).
UPLOAD_REQUEST_MAX_BYTES = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 1024 * 1024

# Per-user limits, counted in the shared cache (accounts.throttling): « Copier le dossier »
# per hour, and E-mail message recipients per hour (the portal must not become a mailer).
COPY_DOSSIER_LIMIT_PER_HOUR = env.int("COPY_DOSSIER_LIMIT_PER_HOUR", default=30)
EMAIL_RECIPIENTS_LIMIT_PER_HOUR = env.int("EMAIL_RECIPIENTS_LIMIT_PER_HOUR", default=200)
if min(COPY_DOSSIER_LIMIT_PER_HOUR, EMAIL_RECIPIENTS_LIMIT_PER_HOUR) < 1:
    raise ImproperlyConfigured("COPY_DOSSIER_LIMIT_PER_HOUR and EMAIL_RECIPIENTS_LIMIT_PER_HOUR must be ≥ 1.")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

PAGE_SIZE = 25

# A service order « Selon mesures »: the dimensions a dealer measures on site find the item of
# the order within this many millimetres, either way (width and height each).
SERVICE_MEASUREMENT_TOLERANCE_MM = env.int("SERVICE_MEASUREMENT_TOLERANCE_MM", default=10)
if SERVICE_MEASUREMENT_TOLERANCE_MM < 0:
    raise ImproperlyConfigured("SERVICE_MEASUREMENT_TOLERANCE_MM must be ≥ 0.")

# LOG_FORMAT=json: one JSON object per line (ops.logs), for a log shipper; plain otherwise.
# Either way every line carries the request id (ops.request_id), in web processes and in
# the Celery tasks a request queued.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per request (ops.middleware); gunicorn's or nginx's access log may do instead.
        "ops.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
    },
}
