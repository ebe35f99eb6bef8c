"""Settings for the test suite: the same stack, with fast hashing and captured e-mail."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Keys of this run only, so a shared Redis never mixes runs.
CACHES["default"]["KEY_PREFIX"] = "kavi-test"  # noqa: F405
