"""Statement imports: the generic CSV, M-Pesa statements, duplicates, bad rows, size limits, the command."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.models import ActivityLog
from finance.models import DailyRollup, Supplier, Transaction
from users.models import Customer

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/transactions/import/"
HEADER = "transaction_date,transaction_type,category,amount,currency,description,payment_method,reference_number,customer,supplier\n"
GENERIC = HEADER + (
    "2026-03-01T09:15:00+03:00,income,Counter Sales,1520.30,KES,Walk-in sale,cash,DB1,,\n"
    "2026-03-01T18:39:02+03:00,income,Counter Sales,9857.80,KES,Counter sale,mpesa,DB2,Mwangi Builders,\n"
    "2026-03-02T12:48:43+03:00,expense,Transport,3221.00,KES,Boda boda delivery,mpesa,DB3,,Haraka Transporters\n"
    "2026-03-03T10:00:00+03:00,transfer,Transfer,50000.00,KES,To savings,bank_transfer,DB4,,\n"
)
MPESA = """Organisation Name:,DUKA BORA HARDWARE LTD
Organisation Short Code:,600987
Time Period:,From 01-10-2026 00:00:00 To 31-10-2026 23:59:59

Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.
TX79FPYTPX,01-10-2026 15:05:15,01-10-2026 15:05:15,Pay Bill from 254746456905 - GRACE WANJIRU Acc. DUKA,Completed,"2,945.00",,"51,195.00",,Pay Bill Online,2547******474 - GRACE WANJIRU,,
TJBYBVFUPP,07-10-2026 15:05:32,07-10-2026 15:05:32,Pay Bill from 254700000000 - FAILED ATTEMPT,Failed,500.00,,"55,286.00",,Pay Bill Online,,,
TLG0JNYJVS,03-10-2026 14:51:27,03-10-2026 14:51:27,Business Payment to Haraka Transporters,Completed,,"-6,047.00","71,891.00",,Business Payment,Haraka Transporters,,
TLG0JNYJVS,03-10-2026 14:51:27,03-10-2026 14:51:27,Business Payment Charge,Completed,,-33.00,"71,858.00",,Business Payment Charge,,,
"""
PERSONAL = """Receipt No,Completion Time,Details,Transaction Status,Paid in,Withdrawn,Balance
SJK1ABC234,2026-10-05 09:12:44,Customer Transfer to JOHN DOE,Completed,,1200.00,5300.00
SJK1ABC235,2026-10-05 10:00:01,Funds received from MARY W,Completed,800.00,,6100.00
SJK1ABC236,2026-10-06 10:00:01,Customer Transfer to X,Cancelled,,50.00,6100.00
"""


def upload(api, text, fmt="generic", name="statement.csv"):
    file = io.BytesIO(text.encode() if isinstance(text, str) else text)
    file.name = name
    return api.post(URL, {"file": file, "format": fmt}, format="multipart")


def test_generic_import_matches_names_and_is_idempotent(business, staff, make_api):
    Supplier.objects.create(business=business, name="Haraka Transporters", category="Transport")
    api = make_api(staff, business)
    first = upload(api, GENERIC)
    assert first.status_code == 201, first.content
    assert first.json() == {"created": 4, "duplicates": 0, "errors": [], "error_count": 0}
    txn = Transaction.objects.get(reference_number="DB3")
    assert txn.supplier.name == "Haraka Transporters" and txn.amount == Decimal("3221.00")
    assert Customer.objects.get(business=business).name == "Mwangi Builders"  # created once, matched after
    assert Supplier.objects.filter(business=business).count() == 1
    again = upload(api, GENERIC)
    assert again.status_code == 200 and again.json()["created"] == 0 and again.json()["duplicates"] == 4
    assert Transaction.objects.count() == 4
    summary = api.get(
        "/api/v1/finance/transactions/summary/", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert summary.json()["income"] == "11378.10" and summary.json()["expense"] == "3221.00"
    assert summary.json()["transfers"] == "50000.00"
    assert ActivityLog.objects.filter(object_type="finance.transaction", action="create").count() == 4


def test_bad_rows_are_reported_and_good_rows_kept(business, staff, make_api):
    text = HEADER + (
        "2026-03-01,income,Sales,100.00,KES,ok,cash,A1,,\n"
        "2026-13-01,income,Sales,100.00,KES,bad date,cash,A2,,\n"
        "2026-03-02,income,Sales,12.345,KES,three places,cash,A3,,\n"
        "2026-03-02,income,Sales,-5,KES,negative,cash,A4,,\n"
        "2026-03-02,gift,Sales,5.00,KES,bad type,cash,A5,,\n"
        "2026-03-02,expense,Rent,abc,KES,not a number,cash,A6,,\n"
        "2026-03-02,expense,Rent,5.00,KESH,bad currency,cash,A7,,\n"
        "2026-03-03,expense,Rent,5000.00,KES,ok too,bank,A8,,\n"
        "2026-03-03,expense,Rent,5000.00,KES,same ref in the file,bank,A8,,\n"
    )
    response = upload(make_api(staff, business), text)
    body = response.json()
    assert body["created"] == 2 and body["duplicates"] == 1
    assert [e["row"] for e in body["errors"]] == [3, 4, 5, 6, 7, 8]
    assert "date" in body["errors"][0]["message"] and "decimal" in body["errors"][1]["message"]
    assert Transaction.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        (b"\x00\x01\x02\xff" * 100, "transaction_date, transaction_type, category, amount"),
        (b"just,some,columns\n1,2,3\n", "transaction_date, transaction_type, category, amount"),
        (b"transaction_date\n2026-01-01\n", "transaction_type, category, amount"),
    ],
)
def test_broken_files_get_a_clear_answer(content, missing, business, staff, make_api):
    # The file is read; nothing is booked, and the answer says which columns it lacks.
    response = upload(make_api(staff, business), content)
    assert response.status_code == 200
    assert response.json() == {
        "created": 0,
        "duplicates": 0,
        "errors": [{"row": 1, "message": f"missing column(s): {missing}"}],
        "error_count": 1,
    }


def test_an_empty_file_is_a_400(business, staff, make_api):
    response = upload(make_api(staff, business), b"")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "file" in response.json()["fields"]


def test_missing_file_and_bad_format(business, staff, make_api):
    api = make_api(staff, business)
    assert api.post(URL, {"format": "generic"}, format="multipart").status_code == 400
    assert upload(api, GENERIC, fmt="excel").status_code == 400


def test_oversized_upload_is_413(business, staff, make_api, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(make_api(staff, business), GENERIC + "x" * 2000)
    assert response.status_code == 413
    assert not Transaction.objects.exists()


def test_mpesa_business_statement(business, staff, make_api):
    Supplier.objects.create(business=business, name="Haraka Transporters", category="Transport")
    api = make_api(staff, business)
    body = upload(api, MPESA, fmt="mpesa").json()
    assert body["created"] == 3 and body["errors"] == []
    income = Transaction.objects.get(transaction_type="income")
    assert income.amount == Decimal("2945.00") and income.external_id == "mpesa:TX79FPYTPX"
    payment = Transaction.objects.get(external_id="mpesa:TLG0JNYJVS")
    assert payment.amount == Decimal("6047.00") and payment.category == "Transport" and payment.supplier
    charge = Transaction.objects.get(external_id="mpesa:TLG0JNYJVS:charge")
    assert charge.transaction_type == "expense" and charge.amount == Decimal("33.00")
    assert charge.category == "M-Pesa Charges"
    assert not Transaction.objects.filter(reference_number="TJBYBVFUPP").exists()  # failed
    assert upload(api, MPESA, fmt="mpesa").json() == {
        "created": 0,
        "duplicates": 3,
        "errors": [],
        "error_count": 0,
    }


def test_mpesa_personal_statement(business, staff, make_api):
    body = upload(make_api(staff, business), PERSONAL, fmt="mpesa").json()
    assert body["created"] == 2 and body["errors"] == []
    assert sorted(Transaction.objects.values_list("transaction_type", "amount")) == [
        ("expense", Decimal("1200.00")),
        ("income", Decimal("800.00")),
    ]


def test_a_generic_file_is_not_an_mpesa_statement(business, staff, make_api):
    body = upload(make_api(staff, business), GENERIC, fmt="mpesa").json()
    assert body["created"] == 0 and body["errors"][0]["row"] == 0


def test_viewer_cannot_import(business, viewer, make_api):
    assert upload(make_api(viewer, business), GENERIC).status_code == 403


def test_import_command_with_progress(business, tmp_path, capsys):
    path = tmp_path / "big.csv"
    rows = [
        f"2026-02-{1 + n % 28:02d}T10:00:00+03:00,income,Counter Sales,{n + 1}.00,KES,sale,cash,R{n},,"
        for n in range(1200)
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    call_command("import_transactions", str(path), business=business.pk, format="generic", batch_size=500)
    out = capsys.readouterr()
    assert "1200 created" in out.out
    assert Transaction.objects.count() == 1200
    total = sum(DailyRollup.objects.values_list("total", flat=True))
    assert total == Decimal(sum(range(1, 1201)))
