"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    "coproduce.core",
    "coproduce.accounts",
    "coproduce.audit",
    "coproduce.programmes",
    "coproduce.participants",
    "coproduce.plans",
    "coproduce.voice",
    "coproduce.directory",
    "coproduce.referrals",
    "coproduce.outcomes",
    "coproduce.budgets",
    "coproduce.research",
    "coproduce.subject_access",
    "coproduce.retention",
    "coproduce.backups",
    "coproduce.notifications",
    "coproduce.offline",
    "coproduce.reporting",
    "coproduce.demo",
    "coproduce.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Sets the audit's request details (channel, path) once, for everything the request calls.
    "coproduce.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie set_language sets, or the browser's (coproduce/web/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Once signed in: a participant's own language, English for staff (their pages are not translated).
    "coproduce.web.language.PersonLanguageMiddleware",
    "coproduce.web.public.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A service's NotFound, NotAllowed, ConflictError or other refusal that escapes a page view
    # becomes the 404, 403, 409 or 400 page, in this one place (the API has its own handlers).
    "coproduce.web.errors.DomainErrorMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "coproduce" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coproduce.web.context_processors.navigation",
                "coproduce.web.programme_choice.programme_switcher",
                "django.template.context_processors.i18n",
                "coproduce.web.language.language_switcher",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a write is in progress; the init command runs per connection.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# A read replica (PostgreSQL streaming replication, docs/deployment.md): when set, the dashboards,
# exports and analytics named in REPLICA_READ_URL_NAMES read from it (coproduce/core/replica.py);
# every write, and every other page, uses "default". Unset: everything uses "default".
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0"))
    )
    DATABASE_ROUTERS = ["coproduce.core.replica.ReplicaRouter"]
    # Marks the requests to REPLICA_READ_URL_NAMES as "may read from the replica".
    MIDDLEWARE.insert(1, "coproduce.core.replica.ReplicaReadMiddleware")
# The routes (namespaced url names) whose GET requests may read from the replica.
REPLICA_READ_URL_NAMES = [
    "web:funder_home",
    "web:funder_dashboard",
    "web:funder_dashboard_download",  # outcomes.csv and the dashboard's other tables
    "web:funder_report_pdf",
    "web:partnership_dashboard",
    "web:partnership_dashboard_export",
    "web:research_analytics",
    "web:research_analytics_csv",
    "api-v1:programme_stats",
    "api-v1:research_analytics_time_to_work",
    "api-v1:research_analytics_paid_work_model",
    "api-v1:research_analytics_rates",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# No permission backend: code asks `rules.has_perm` directly, never `user.has_perm` (docs/adr/0004),
# so a non-superuser's `user.has_perm` is always False and only superusers get into the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "coproduce.accounts.backends.EmailOrMobileBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "web:sign_in"
LOGIN_REDIRECT_URL = "web:home"
# Staff enter a code from an authenticator app after their password (coproduce/accounts/two_factor.py).
# Off by default so the demo's logins work with the password alone; production turns it on.
STAFF_TWO_FACTOR_REQUIRED = env_bool("COPRODUCE_STAFF_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Coproduce"
LOGOUT_REDIRECT_URL = "web:start"

LANGUAGE_CODE = "en-gb"
# The languages participants' and public pages, texts, emails and PDFs are translated into (locale/).
# Staff pages stay English.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "coproduce" / "locale"]
# The switcher's choice for someone not signed in: a year, and only the language in it.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "coproduce" / "web" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Sign-in lockouts (django-axes; coproduce/accounts/sign_in.py, docs/security.md): for an hour
# after AXES_FAILURE_LIMIT wrong passwords for one sign-in name (every spelling of it) from one
# address, and after COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT from one address for any names.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT = int(env("COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "coproduce.accounts.sign_in.sign_in_name_for_axes"
AXES_HANDLER = "coproduce.accounts.sign_in.SignInAttemptHandler"
# How many proxies (load balancer, CDN) stand between clients and the app, each appending to
# X-Forwarded-For. 0: none, and the header is ignored (a client could write anything in it).
# Lockouts and rate limits count on the client address this gives (coproduce/accounts/client_address.py).
COPRODUCE_TRUSTED_PROXY_COUNT = int(env("COPRODUCE_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "coproduce.accounts.client_address.client_address"
# Signing in with a mobile number and a password checks the password this many times at least,
# whether the number has no account, one or several (families share phones), so that the time
# taken does not tell how many people use the number (coproduce/accounts/shared_mobile.py).
COPRODUCE_SHARED_MOBILE_PASSWORD_CHECKS = int(env("COPRODUCE_SHARED_MOBILE_PASSWORD_CHECKS", "3"))
NINJA_NUM_PROXIES = COPRODUCE_TRUSTED_PROXY_COUNT
# API tokens work for this many days at most (and by default); people may choose fewer.
COPRODUCE_API_TOKEN_DAYS = int(env("COPRODUCE_API_TOKEN_DAYS", "90"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The programme's configurable limits.
COPRODUCE_NOT_SEEN_DAYS = int(env("COPRODUCE_NOT_SEEN_DAYS", "28"))
COPRODUCE_API_PAGE_SIZE = int(env("COPRODUCE_API_PAGE_SIZE", "50"))
# How long account data is kept once it is of no more use (docs/data-protection.md; the daily
# `manage.py apply_retention` removes it): API tokens after they were revoked or expired, and the
# sign-in log (django-axes' successes, failures and attempts).
COPRODUCE_ENDED_API_TOKEN_DAYS = int(env("COPRODUCE_ENDED_API_TOKEN_DAYS", "90"))
COPRODUCE_SIGN_IN_LOG_DAYS = int(env("COPRODUCE_SIGN_IN_LOG_DAYS", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
}

FORM_RENDERER = "coproduce.web.forms.GovukFormRenderer"

# A cache every process shares (the API's rate limits count in it), with no extra service to run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coproduce_cache",
    }
}
# How often one address may ask for help, on the page and through the API together.
COPRODUCE_API_ENQUIRY_RATE = env("COPRODUCE_API_ENQUIRY_RATE", "10/h")
# The programme's phone number, shown to someone whose "Ask for help" was refused by that limit.
COPRODUCE_HELP_PHONE = env("COPRODUCE_HELP_PHONE", "")
CSRF_FAILURE_VIEW = "coproduce.web.errors.csrf_failure"

# 360Giving: the publisher prefix must be registered with 360Giving before grants are published.
GIVING_PREFIX = env("GIVING_PREFIX", "coproduce")
GIVING_LICENSE = env("GIVING_LICENSE", "https://creativecommons.org/licenses/by/4.0/")

# The key for evaluators' stable pseudonyms (coproduce/research/pseudonyms.py). Empty: SECRET_KEY.
RESEARCH_PSEUDONYM_KEY = env("RESEARCH_PSEUDONYM_KEY", "")

# The key backups are encrypted with (`manage.py backup`, docs/operations.md); make one with
# `manage.py new_backup_key` and keep a copy apart from the backups. Several, comma-separated:
# the first encrypts, any of them restores (for changing the key).
COPRODUCE_BACKUP_KEY = env("COPRODUCE_BACKUP_KEY")

# The tamper-evident audit (docs/audit.md). Audit events are sealed in batches, chained, and each
# seal is also appended to a file in COPRODUCE_AUDIT_CHECKPOINT_DIR: a directory outside the code
# tree that the database's administrators cannot write (production refuses to start without it).
COPRODUCE_AUDIT_CHECKPOINT_DIR = Path(env("COPRODUCE_AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit")))
# How often new events are sealed (seconds; 0 turns the automatic seal task off: cron only).
COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS = int(env("COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS", "60"))
# Events younger than this are left for the next seal (seconds): a margin for clocks and slow writers.
COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = int(env("COPRODUCE_AUDIT_SEAL_GRACE_SECONDS", "5"))
# Months of audit events kept in the database (this one included); older months are archived to
# compressed, verifiable files in COPRODUCE_AUDIT_ARCHIVE_DIR by the daily run (docs/audit.md).
COPRODUCE_AUDIT_MONTHS_IN_DATABASE = int(env("COPRODUCE_AUDIT_MONTHS_IN_DATABASE", "25"))
COPRODUCE_AUDIT_ARCHIVE_DIR = Path(env("COPRODUCE_AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive")))

# Texts and emails (coproduce/notifications, docs/notifications.md). The backend: "notify" (GOV.UK
# Notify, text and email), "smtp" (Django's email backend: email only, texts are recorded as not
# sent) or "console" (prints them: the demo and development).
COPRODUCE_MESSAGES_BACKEND = env("COPRODUCE_MESSAGES_BACKEND", "console")
COPRODUCE_NOTIFY_API_KEY = env("COPRODUCE_NOTIFY_API_KEY", "")
COPRODUCE_NOTIFY_BASE_URL = env("COPRODUCE_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# One generic Notify template per channel, its whole text ((subject)) and ((body)): ours are versioned here.
COPRODUCE_NOTIFY_SMS_TEMPLATE_ID = env("COPRODUCE_NOTIFY_SMS_TEMPLATE_ID", "")
COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID = env("COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID", "")
# The bearer token Notify sends with its delivery receipts (set the same in Notify's API integration page).
COPRODUCE_NOTIFY_CALLBACK_TOKEN = env("COPRODUCE_NOTIFY_CALLBACK_TOKEN", "")
# Links in texts and emails start with this (no trailing slash).
COPRODUCE_SITE_URL = env("COPRODUCE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The site's own domain, from its address: calendar files name their events with it (UID), whatever host a
# request came in by, so an appointment keeps one identity in people's calendars.
COPRODUCE_SITE_DOMAIN = (urlsplit(COPRODUCE_SITE_URL).hostname or "localhost").lower()
# The address that takes no replies: the organiser of a calendar event when the keyworker has no work email.
COPRODUCE_NO_REPLY_EMAIL = env("COPRODUCE_NO_REPLY_EMAIL", f"no-reply@{COPRODUCE_SITE_DOMAIN}")
# How often one address, and one computer, may ask for a sign-in link (/sign-in/link/).
COPRODUCE_SIGN_IN_LINK_RATE = env("COPRODUCE_SIGN_IN_LINK_RATE", "3/h")
COPRODUCE_SIGN_IN_LINK_IP_RATE = env("COPRODUCE_SIGN_IN_LINK_IP_RATE", "20/h")
# Tries before a message that keeps failing for a passing reason is given up.
COPRODUCE_MESSAGE_ATTEMPTS = int(env("COPRODUCE_MESSAGE_ATTEMPTS", "5"))
