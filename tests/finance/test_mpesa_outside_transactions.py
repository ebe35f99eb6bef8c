"""No network call inside a database transaction: while Daraja is being asked for an STK push, the
pending request is already committed (it holds the invoice's balance for other pushes) and no row
lock of the request is held. Seen from Daraja's side, on a connection of its own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from finance.models import Invoice, MpesaStkRequest, StkStatus
from tests.fakes.server import Reply
from tests.finance.test_mpesa import CALLBACK_BASE, FakeDaraja, configure, push, sent_invoice


class WatchingDaraja(FakeDaraja):
    """Before answering an STK push, looks at the database the way another worker would."""

    invoice_id: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[dict[str, Any]] = []

    def stk_push(self, request: dict[str, Any]) -> Reply:
        seen: dict[str, Any] = {}
        try:
            with transaction.atomic():
                seen["pending"] = sorted(
                    MpesaStkRequest.objects.filter(
                        invoice_id=self.invoice_id, status=StkStatus.PENDING
                    ).values_list("amount", flat=True)
                )
                try:
                    # NOWAIT fails at once if the pushing request still holds the invoice row.
                    Invoice.objects.select_for_update(nowait=True).get(pk=self.invoice_id)
                    seen["invoice_locked"] = False
                except DatabaseError:
                    seen["invoice_locked"] = True
        finally:
            connection.close()
        self.seen.append(seen)
        return super().stk_push(request)


@pytest.mark.django_db(transaction=True)
def test_daraja_is_asked_after_the_reservation_commits_and_with_no_lock_held(
    business, staff, make_api, settings, fake_server
):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent connections")
    daraja = WatchingDaraja(fake_server())
    settings.MPESA_BASE_URL = daraja.url
    settings.MPESA_CALLBACK_BASE_URL = CALLBACK_BASE
    configure(business)
    invoice = sent_invoice(business, total="100.00")
    daraja.invoice_id = invoice.pk
    api = make_api(staff, business)

    first = push(api, invoice=invoice.pk, amount="40")
    second = push(api, invoice=invoice.pk, amount="25")

    assert (first.status_code, second.status_code) == (201, 201), (first.content, second.content)
    assert daraja.seen == [
        {"pending": [Decimal("40.00")], "invoice_locked": False},
        {"pending": [Decimal("25.00"), Decimal("40.00")], "invoice_locked": False},
    ]
    assert len(daraja.stk_bodies()) == 2
