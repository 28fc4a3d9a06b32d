"""PeerCare settings, read from the environment (django-environ).

DJANGO_ENV is `development` unless set; `production` turns on every secure setting and refuses to
start without DJANGO_SECRET_KEY. DATABASE_URL unset means an SQLite file under var/, so a first
run needs nothing installed; production and CI give a postgres:// URL.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.str("DJANGO_DEBUG", default="0") == "1"

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "development-only-key-never-used-in-production-5b0e1c7a9d2f4e6b8a3c"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"]
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "axes",  # sign-in lockout; its own tables record failed attempts
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",  # its system checks catch a policy setting that would drop the header
    "common",
    "governance",
    "accounts",
    "buddies",
    "recipients",
    "monitoring",
    "costs",
    "exchange",
    "privacy",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "api",
    "outcomes",
    "audit",
    "django_tasks",
    "django_tasks_db",
    "files",
]

MIDDLEWARE = [
    # First: every request, redirects and refusals included, gets an id and an access log line.
    "common.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Static files are answered above this line; every other response, refusals and error pages
    # included, gets its headers from the next three on its way out.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.NoStoreByDefault",
    "common.middleware.RejectNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.sessions.SessionTimeouts",
    # After signing in and the timeouts: a signed-in user who has not given their second factor
    # sees no page (accounts.two_factor).
    "accounts.two_factor.middleware.RequireTwoFactor",
    # Records reads of personal data by signed-in users (audit.reads).
    "audit.middleware.AuditReadsMiddleware",
    # Last, as django-axes requires: it turns a sign-in refused for too many failures into the
    # locked-out page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# An empty DATABASE_URL counts as unset.
DATABASE_URL = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'peercare.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign-in"
# Two-factor sign-in (accounts/two_factor): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "PeerCare"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"
# django-axes first: it refuses a sign-in while the username or address is locked out, before
# the password is checked. The API's tokens never pass through authenticate(), so are untouched.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Background tasks (files.tasks): the database is the queue, so no other server is needed;
# `manage.py db_worker` runs them. Larger deployments can swap in another backend (README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Sign-in lockout (OWASP ASVS 2.2.1): 5 failures with one username, or from one address, pause
# signing in with it for 10 minutes from the last counted failure. Failures during the pause are
# not counted, so trying again cannot stretch it for ever. Counting by username stops an attack
# on one account from many addresses; counting by address stops one computer trying a password
# against many usernames. A sign-in clears only its own username's failures (accounts.lockout):
# axes' own reset on success would also clear every failure from that address, letting someone
# with an account wipe the count against another person's username.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=10)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_VERBOSE = False  # no start-up banner in every management command's output
# Sign-ins and sign-outs are recorded by the audit log (audit app); a second, never-pruned list
# of addresses and browsers in axes' own table would only be more personal data to keep.
AXES_DISABLE_ACCESS_LOG = True
# Behind proxies (a load balancer, a TLS terminator) every request arrives from the nearest
# proxy's address: give how many there are, each adding to X-Forwarded-For, so the count is per
# computer, not one count for everyone.
PEERCARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# Sessions (OWASP ASVS 3.3): signed out after 30 minutes without a request, and 12 hours after
# signing in whatever happens (accounts.sessions). A warning two minutes before the first lets
# the person stay signed in (WCAG 2.2.1). The cookie lasts no longer than the longest session.
PEERCARE_SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
PEERCARE_SESSION_ABSOLUTE_TIMEOUT = datetime.timedelta(hours=12)
PEERCARE_SESSION_WARNING = datetime.timedelta(minutes=2)
SESSION_COOKIE_AGE = int(PEERCARE_SESSION_ABSOLUTE_TIMEOUT.total_seconds())
# Accounts not used for this long are deactivated by `manage.py deactivate_dormant_users`.
PEERCARE_DORMANT_AFTER_DAYS = 90
PEERCARE_DORMANT_ADMIN_AFTER_DAYS = 180

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production the files are served straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "dateinput": "govuk-input",
}

# No inline script or style anywhere: every page's behaviour comes from files under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The API (docs/API.md): per-user knox tokens, or the signed-in session for the docs page. JSON
# only; every error has the one shape api.exceptions.error_body writes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS is not offered: the schema describes every endpoint
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "COERCE_DECIMAL_TO_STRING": True,
}
# Tokens are stored as SHA-512 digests only and last a year unless revoked sooner: long enough for
# a nightly feed, short enough that a forgotten token does not work for ever.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=365),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTH_HEADER_PREFIX": "Token",
}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 - a model, not a secret
SPECTACULAR_SETTINGS = {
    "TITLE": "PeerCare API",
    "DESCRIPTION": "Read a scheme's records and figures, and send sessions and incidents. "
    "Names and codes follow the national data standard, version 1. See docs/API.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BuddyStatusEnum": "buddies.constants.BuddyStatus",
        "IncidentStatusEnum": "governance.constants.IncidentStatus",
        "MentalCapacityEnum": "recipients.constants.MentalCapacity",
    },
}

# Retention (privacy/retention.py, `manage.py apply_retention`): whole years each kind of record is
# kept after the person's support or work ended (audit events: after they were recorded).
PEERCARE_RETENTION = {
    "recipient": env.int("PEERCARE_RETENTION_RECIPIENT_YEARS", default=7),
    "buddy": env.int("PEERCARE_RETENTION_BUDDY_YEARS", default=7),
    "audit_event": env.int("PEERCARE_RETENTION_AUDIT_EVENT_YEARS", default=2),
}

# The weekly sheet posts one field per cell: 50 buddy-and-person rows with evenings shown is over
# Django's default of 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Headers on every response (the policy is above). Lax: no cookie goes with another site's forms or
# scripts; following a link from elsewhere still finds the user signed in.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    # HTTPS only. DJANGO_SECURE_SSL_REDIRECT=0 is for a proxy that redirects to HTTPS itself.
    SECURE_SSL_REDIRECT = env.str("DJANGO_SECURE_SSL_REDIRECT", default="1") != "0"
    # A load balancer or container health check asks over plain HTTP inside the network: the two
    # health answers hold no data, so they are given over HTTP rather than redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Behind a TLS-terminating proxy or load balancer, the header it sets to "https" (for example
    # X-Forwarded-Proto). Only name one the proxy always sets or strips: a client could send it too.
    proxy_ssl_header = env.str("DJANGO_PROXY_SSL_HEADER", default="")
    if proxy_ssl_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# Logs go to standard error. In production each line is one JSON object (time, level, logger,
# message, request id and the record's own fields) for a log collector to read; developers get
# readable text. DJANGO_LOG_FORMAT (json or text) overrides either. RequestIdMiddleware adds an
# access line per request and the request id to every line (common/request_id.py).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "common.request_id.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each of its rendering steps at INFO: too chatty for every PDF. django-axes
    # logs every sign-in at INFO; its warnings (failures, lockouts) are the ones to see.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
