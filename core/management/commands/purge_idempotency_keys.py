"""Deletes Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_SECONDS; run it daily (cron, or
an ECS scheduled task). Expired keys are already ignored on read, so this only reclaims space."""

from typing import Any

from django.core.management.base import BaseCommand

from core.api.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete idempotency keys past their 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_purge()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
