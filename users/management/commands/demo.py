"""Loads the demo business (once) and prints its logins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from users.demo import DEMO_PASSWORD, DEMO_USERS, SUPERADMIN, demo_build, demo_exists, demo_reset


class Command(BaseCommand):
    help = "Load the demo business with an owner, admin, staff and viewer plus months of activity."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo business and load it again."
        )
        parser.add_argument("--months", type=int, default=12, help="Months of history to generate.")
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("The demo loader is for local machines; pass --force to run it anyway.")
        if options["reset"]:
            demo_reset()
        if demo_exists():
            self.stdout.write("The demo business is already loaded (use --reset to load it again).")
        else:
            self.stdout.write("Loading the demo business:")
            # Demo customers have made-up addresses: their invoice e-mails go nowhere.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                ctx = demo_build(months=options["months"], progress=self.stdout.write)
            summary = ", ".join(f"{count} {name}" for name, count in ctx.created.items())
            self.stdout.write(self.style.SUCCESS(f"Loaded {ctx.business.legal_name}: {summary}."))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (password for all: " + DEMO_PASSWORD + ")"))
        for email, first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<7} {email}  ({first})")
        self.stdout.write(f"  {'super':<7} {SUPERADMIN[0]}  (Django admin at /admin/)")
