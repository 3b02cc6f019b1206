"""Production settings: refuse to start without secrets; secure cookies and headers."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    COPRODUCE_AUDIT_CHECKPOINT_DIR,
    DATABASES,
    MIDDLEWARE,
    SECRET_KEY,
    env,
    env_bool,
    env_list,
)

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters.")
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set (for example postgres://user:password@host/coproduce).")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names this site is served on.")
# The audit's external checkpoints must live outside the code tree, where the database's
# administrators cannot write (docs/audit.md): no default.
if not env("COPRODUCE_AUDIT_CHECKPOINT_DIR"):
    raise ImproperlyConfigured("COPRODUCE_AUDIT_CHECKPOINT_DIR must name the directory for the audit's checkpoints.")
if COPRODUCE_AUDIT_CHECKPOINT_DIR.resolve().is_relative_to(BASE_DIR.resolve()):
    raise ImproperlyConfigured("COPRODUCE_AUDIT_CHECKPOINT_DIR must be outside the code tree.")
# Texts and emails must really leave (docs/notifications.md): the demo's console backend would
# drop them without a word, and links in them must point at this site.
if env("COPRODUCE_MESSAGES_BACKEND") not in {"notify", "smtp"}:
    raise ImproperlyConfigured("COPRODUCE_MESSAGES_BACKEND must be notify (GOV.UK Notify) or smtp (email only).")
if env("COPRODUCE_MESSAGES_BACKEND") == "notify":
    for name in (
        "COPRODUCE_NOTIFY_API_KEY",
        "COPRODUCE_NOTIFY_SMS_TEMPLATE_ID",
        "COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID",
        "COPRODUCE_NOTIFY_CALLBACK_TOKEN",
    ):
        if not env(name):
            raise ImproperlyConfigured(f"{name} must be set to send texts and emails through GOV.UK Notify.")
if not env("COPRODUCE_SITE_URL", "").startswith("https://"):
    raise ImproperlyConfigured("COPRODUCE_SITE_URL must be this site's https:// address, for links in messages.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
STAFF_TWO_FACTOR_REQUIRED = env_bool("COPRODUCE_STAFF_TWO_FACTOR", True)

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
for alias in DATABASES:  # the primary, and the read replica if DATABASE_REPLICA_URL is set
    DATABASES[alias]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "60"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# WhiteNoise serves the collected static files (`collectstatic`) straight after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
