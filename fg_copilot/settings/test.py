"""Settings for the test suite: the same stack, with fast hashing and captured e-mail."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Keys of this run only, so a shared Redis never mixes runs; under pytest-xdist, of this worker only
# (the suite clears its keys by prefix around every test).
_worker = os.environ.get("PYTEST_XDIST_WORKER")
CACHES["default"]["KEY_PREFIX"] = f"kavi-test-{_worker}" if _worker else "kavi-test"  # noqa: F405
# The concurrency tests release 20 request threads at once in one process; the pool must hold them
# all, or a thread waits for a connection (DB_POOL_TIMEOUT, 1 s) and a loaded CI machine answers 503.
_pool = DATABASES["default"].get("OPTIONS", {}).get("pool")  # noqa: F405
if isinstance(_pool, dict):
    _pool["max_size"] = max(_pool.get("max_size", 10), 32)
