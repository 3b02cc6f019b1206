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
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "60"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# WhiteNoise serves the collected static files (`collectstatic`) straight after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
