"""Imports a large statement file into a business, batch by batch, with a progress bar."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from finance.imports import FORMATS, import_transactions
from users.models import Business, Membership


class Command(BaseCommand):
    help = "Import a CSV or M-Pesa statement into a business (re-runs skip rows already imported)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--business", type=int, required=True, help="The business id.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="generic")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--as-user", help="E-mail of the member the audit trail names (default: an owner)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        business = Business.objects.filter(pk=options["business"]).first()
        if business is None:
            raise CommandError(f"No business with id {options['business']}.")
        members = Membership.objects.filter(business=business).select_related("user")
        member = (
            members.filter(user__email=options["as_user"].lower()).first()
            if options["as_user"]
            else members.filter(role="owner").first()
        )
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        raw = path.read_bytes()
        lines = raw.count(b"\n")
        with tqdm(total=lines, unit="rows", desc=path.name, file=self.stderr._out) as bar:
            result = import_transactions(
                business=business,
                actor=member.user if member else None,
                raw=raw,
                fmt=options["format"],
                batch_size=options["batch_size"],
                progress=bar.update,
            )
            bar.update(max(0, lines - bar.n))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} created, {result.duplicates} duplicates, {result.error_count} errors."
            )
        )
        for error in result.errors[:20]:
            self.stdout.write(f"  row {error['row']}: {error['message']}")
