"""Signs the bench user in (the real login service: a session row, an audit row, a JWT pair) and
prints shell assignments for bench/run.sh: the access token, the business id and the date ranges
of the report endpoints, taken from the data set itself.

Set JWT_ACCESS_MINUTES long enough for the run, here and in gunicorn's environment alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fg_copilot.settings.production")

import django  # noqa: E402

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from finance.models import Transaction  # noqa: E402
from users.models import Business  # noqa: E402
from users.services import user_login  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import BENCH_BUSINESS, BENCH_EMAIL, BENCH_PASSWORD  # noqa: E402


def clear_bench_cache() -> int:
    """Drops this bench's keys (reports, throttle history) from Redis, and only those: the bench runs
    under its own CACHE_KEY_PREFIX, so a report cached by an earlier run can't answer this one."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if "redis" not in str(settings.CACHES["default"]["BACKEND"]).lower() or not prefix:
        return 0
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


def code_fingerprint() -> str:
    """A short hash of the application code and server config, so results can be tied to a version
    of the working tree (the bench doesn't touch git)."""
    digest = hashlib.sha256()
    files = sorted(
        p for app in ("fg_copilot", "core", "users", "finance", "kavi") for p in (ROOT / app).rglob("*.py")
    )
    for path in [*files, ROOT / "gunicorn.conf.py", ROOT / "pyproject.toml"]:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def main() -> None:
    cleared = clear_bench_cache()
    print(f"# cleared {cleared} cached keys", file=sys.stderr)
    business = Business.objects.get(legal_name=BENCH_BUSINESS)
    _, refresh = user_login(login=BENCH_EMAIL, password=BENCH_PASSWORD)
    access = str(refresh.access_token)
    tz = zoneinfo.ZoneInfo(business.timezone)
    span = Transaction.objects.filter(business=business).aggregate(
        first=Min("transaction_date"), last=Max("transaction_date")
    )
    first: dt.date = span["first"].astimezone(tz).date()
    last: dt.date = span["last"].astimezone(tz).date()
    # The last full calendar year inside the data.
    year = last.year - 1 if last < dt.date(last.year, 12, 31) else last.year
    # The last 24 full months inside the data.
    month_end = last.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1) - relativedelta(months=23)
    values = {
        "BENCH_TOKEN": access,
        "BENCH_BUSINESS_ID": business.pk,
        "BENCH_FIRST_DAY": first.isoformat(),
        "BENCH_LAST_DAY": last.isoformat(),
        "BENCH_YEAR_FROM": f"{year}-01-01",
        "BENCH_YEAR_TO": f"{year}-12-31",
        "BENCH_MONTHS_FROM": month_start.isoformat(),
        "BENCH_MONTHS_TO": month_end.isoformat(),
        "BENCH_CODE": code_fingerprint(),
    }
    for key, value in values.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
