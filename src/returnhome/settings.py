"""Django settings. Everything deployment-specific comes from the environment.

RETURNHOME_DATA_DIR  where the SQLite file and other data live (default ./var)
DATABASE_URL         e.g. postgres://user@127.0.0.1:5432/returnhome (default: SQLite in the data dir)
SECRET_KEY           required when DEBUG is off
DEBUG                "true" for development
ALLOWED_HOSTS        comma-separated
RETURNHOME_HTTPS     "false": do not insist on HTTPS (no redirect, HSTS or Secure cookies)
LOG_LEVEL, LOG_FORMAT, RETURNHOME_REQUEST_LOG   logs (see LOGGING below)
RETURNHOME_SQLITE_BUSY_TIMEOUT  seconds a write waits for another's lock on SQLite (default 300)
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DATA_DIR = Path(env.str("RETURNHOME_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG or env.bool("RETURNHOME_INSECURE_DEV_KEY", default=False):
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
else:
    SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "returnhome.core",
    "returnhome.organisations",
    "returnhome.accounts",
    "returnhome.children",
    "returnhome.episodes",
    "returnhome.interviews",
    "returnhome.followup",
    "returnhome.sharing",
    "returnhome.reports",
    "returnhome.imports",
    "rest_framework",
    "drf_spectacular",
    "returnhome.alerts",
    "returnhome.demo",
    "returnhome.privacy",
]

MIDDLEWARE = [
    # First: time every request and log it (one JSON line), then answer /healthz and /readyz
    # before any host check, HTTPS redirect or sign-in.
    "returnhome.core.middleware.RequestLogMiddleware",
    "returnhome.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "returnhome.accounts.middleware.SignInPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "returnhome.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "returnhome.urls"
WSGI_APPLICATION = "returnhome.wsgi.application"

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
                "returnhome.access.context_processors.navigation",
                "returnhome.access.context_processors.permissions",
                "returnhome.alerts.context_processors.unread_alerts",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'returnhome.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            # SQLite has one writer at a time: a page's audit row waits for an import's write
            # to end. The wait must cover the longest write transaction (a 100,000-row police
            # file commits in well under a minute on a quiet machine), or the page fails with
            # "database is locked" (docs/decisions/0036-imports-derive-facts-once.md).
            "timeout": env.int("RETURNHOME_SQLITE_BUSY_TIMEOUT", default=300),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Scale-out (docs/deploy.md): with REPORTS_DATABASE_URL (a read-only replica of the primary), the
# report pages and the dashboard read from it (returnhome.core.replica); writes, and reads inside
# a transaction, always go to the primary. Without it the `reports` alias is the primary's own
# settings and is never used.
REPORTS_READ_FROM_REPLICA = bool(env.str("REPORTS_DATABASE_URL", default=""))
if REPORTS_READ_FROM_REPLICA:
    DATABASES["reports"] = env.db("REPORTS_DATABASE_URL")
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if key in DATABASES["default"]:
            DATABASES["reports"].setdefault(key, DATABASES["default"][key])
else:
    DATABASES["reports"] = dict(DATABASES["default"])
DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["returnhome.core.replica.ReportsReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# --- Sign-in (issue 11): lockout, two-factor, passwords, sessions. Kept in one block. ---
# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "returnhome.accounts.validators.SimplePatternValidator"},
]
# Two-factor (TOTP + recovery codes) for everyone who signs in, unless explicitly turned off
# (the demo and the tests do; `check --deploy` warns when it is off without DEBUG).
RETURNHOME_REQUIRE_2FA = env.bool("RETURNHOME_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env.str("RETURNHOME_OTP_ISSUER", default="returnhome")
# Lockout: 10 failures for one account within 15 minutes lock it for 15 minutes after the last
# failure (an administrator can unlock it sooner); an address is throttled after 50 failures.
AXES_FAILURE_LIMIT = env.int("RETURNHOME_LOCKOUT_FAILURES", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RETURNHOME_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for ip_address among the lockout parameters: that would lock a whole office
# (one address behind its firewall) after 10 failures. Addresses are throttled separately, with
# their own, higher limit (accounts.signin.address_throttled).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "returnhome.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # counted per address for the throttle
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("RETURNHOME_PROXY_COUNT", default=None)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if env.int("RETURNHOME_PROXY_COUNT", default=0)
    else ("REMOTE_ADDR",)
)
RETURNHOME_ADDRESS_FAILURE_LIMIT = env.int("RETURNHOME_ADDRESS_FAILURE_LIMIT", default=50)
# Invitations: a signed one-time link, valid this long.
RETURNHOME_INVITE_DAYS = env.int("RETURNHOME_INVITE_DAYS", default=7)
# Sessions: closed with the browser, after 8 hours at most, and after 30 minutes idle.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
RETURNHOME_IDLE_MINUTES = env.int("RETURNHOME_IDLE_MINUTES", default=30)
# --- end of sign-in block ---

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="returnhome@localhost")
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): Django's defaults otherwise.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Where alert emails point (the links are paths inside the app).
RETURNHOME_BASE_URL = env.str("RETURNHOME_BASE_URL", default="http://localhost:8000")

# Sessions: children's records are sensitive (their lifetime: the sign-in block above).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG and env.bool("RETURNHOME_HTTPS", default=True):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Belt and braces: the health middleware answers these before SecurityMiddleware anyway.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Readiness (/readyz): each a function returning None or what is wrong (returnhome.core.health).
RETURNHOME_READINESS_CHECKS = [
    "returnhome.core.health.database",
    "returnhome.core.health.migrations",
    "returnhome.core.jobs.worker_heartbeat",
    "returnhome.core.replica.replica_reachable",
]

# Background jobs (returnhome.core.jobs, docs/jobs.md): `returnhome jobs run` is the worker, on the
# same database (no other server). It wakes every RETURNHOME_JOBS_TICK seconds, runs the jobs that
# are due and writes a heartbeat; /readyz fails when the heartbeat is older than
# RETURNHOME_WORKER_MAX_AGE seconds once a worker has run, or always when none has and
# RETURNHOME_REQUIRE_WORKER is true. Jobs alert about records of the last
# RETURNHOME_ALERT_LOOKBACK_DAYS days; a failed alert email is retried by the next runs, up to
# RETURNHOME_ALERT_EMAIL_ATTEMPTS tries. Managers' digests go from RETURNHOME_DIGEST_HOUR, the
# meeting pack notice on Mondays from RETURNHOME_MEETING_PACK_HOUR (UK time).
RETURNHOME_JOBS_TICK = env.int("RETURNHOME_JOBS_TICK", default=30)
RETURNHOME_WORKER_MAX_AGE = env.int("RETURNHOME_WORKER_MAX_AGE", default=300)
RETURNHOME_REQUIRE_WORKER = env.bool("RETURNHOME_REQUIRE_WORKER", default=False)
RETURNHOME_ALERT_LOOKBACK_DAYS = env.int("RETURNHOME_ALERT_LOOKBACK_DAYS", default=7)
RETURNHOME_ALERT_EMAIL_ATTEMPTS = env.int("RETURNHOME_ALERT_EMAIL_ATTEMPTS", default=5)
RETURNHOME_DIGEST_HOUR = env.int("RETURNHOME_DIGEST_HOUR", default=7)
RETURNHOME_MEETING_PACK_HOUR = env.int("RETURNHOME_MEETING_PACK_HOUR", default=6)
# An information-sharing form the police have given no feedback on this many days after it was
# sent is overdue: on the team page, in the meeting pack, and alerted once (sharing/jobs.py).
RETURNHOME_SHARING_FEEDBACK_DAYS = env.int("RETURNHOME_SHARING_FEEDBACK_DAYS", default=14)

# `returnhome restore` refuses a database holding any of these unless --force (core/backup.py).
RETURNHOME_RESTORE_REFUSES_IF_ANY = ["children.Child", "episodes.Episode", "accounts.User"]

# Logs go to stderr (systemd's journal in production), one JSON object per line unless
# LOG_FORMAT=text. The request log (logger returnhome.request: request id, user id, method, path
# without query string, status, duration) is on unless DEBUG, or RETURNHOME_REQUEST_LOG=false.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "returnhome.core.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "returnhome.request": {
            "level": "INFO" if env.bool("RETURNHOME_REQUEST_LOG", default=not DEBUG) else "WARNING"
        },
    },
}

# The HTTP API for police systems (docs/formats/api.md): token authentication only (no session,
# so no CSRF), JSON in and out, errors as {"errors": [{"index", "field", "message"}]}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["returnhome.accounts.api_auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "returnhome.imports.api.views.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Rate limits (docs/formats/api.md), counted in the "api_throttle" cache: requests per token,
    # and failed token attempts per client address (429 with Retry-After past them).
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.str("RETURNHOME_API_RATE", default="120/min"),
        "api_failed_token": env.str("RETURNHOME_API_FAILED_TOKEN_RATE", default="20/min"),
    },
    # The client's address is REMOTE_ADDR unless the app runs behind this many trusted proxies
    # (then it is read from X-Forwarded-For): never trust a header a client can write itself.
    "NUM_PROXIES": env.int("RETURNHOME_API_NUM_PROXIES", default=0),
}
# The API's rate limits count here: a file cache, shared by every process of the server, unless
# RETURNHOME_API_THROTTLE_CACHE gives another (a django-environ cache URL, e.g. rediscache://...).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api_throttle": env.cache_url(
        "RETURNHOME_API_THROTTLE_CACHE",
        default=f"filecache://{DATA_DIR / 'cache' / 'api-throttle'}",
    ),
    # The report pages' computed figures (decision 0048), keyed by each council's figures stamp:
    # a table in the service's own database by default (shared by every worker and app server,
    # created by `migrate`), or another cache given by RETURNHOME_REPORTS_CACHE.
    "reports": env.cache_url(
        "RETURNHOME_REPORTS_CACHE",
        default="dbcache://returnhome_cache?TIMEOUT=604800&MAX_ENTRIES=20000",
    ),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "returnhome API for police systems",
    "DESCRIPTION": (
        "Send missing and found notifications to a council as JSON: the same fields, validation, "
        "matching and idempotency as the notification file. See docs/formats/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Freedom of Information questionnaires: directories of a council's own questionnaire files
# (TOML, docs/formats/foi.md), besides the ones shipped in returnhome/reports/questionnaires.
RETURNHOME_QUESTIONNAIRE_DIRS = env.list("RETURNHOME_QUESTIONNAIRE_DIRS", default=[])

# Unusual access report (docs/audit.md): more children than this opened outside a caseload in a day.
RETURNHOME_UNUSUAL_ACCESS_CHILDREN = env.int("RETURNHOME_UNUSUAL_ACCESS_CHILDREN", default=20)
# A host council and the police forces keep a child placed out of area (or with a recent episode)
# for this many days after the placement ended or the last episode closed (access/policy.py).
RETURNHOME_SHARED_ACCESS_DAYS = env.int("RETURNHOME_SHARED_ACCESS_DAYS", default=90)
