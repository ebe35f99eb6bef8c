"""Production: secrets have no defaults, HTTPS everywhere behind the ALB, JSON logs."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

# Required: env_str without a default raises ImproperlyConfigured when it is missing.
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False

# The ALB terminates TLS and tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer probes health over plain HTTP inside the VPC.
SECURE_REDIRECT_EXEMPT = [r"^api/health/(live/)?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
REST_FRAMEWORK["NUM_PROXIES"] = env_int("NUM_PROXIES", 1)  # noqa: F405

LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
