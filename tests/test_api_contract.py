"""The OpenAPI schema is the contract: every path and listed field of API.md is in it, and it
generates without warnings. CI fails on drift."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

PATHS = [
    "/api/v1/health/",
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    "/api/v1/auth/logout/",
    "/api/v1/users/register/",
    "/api/v1/users/me/",
    "/api/v1/users/profile/",
    "/api/v1/users/profile/update/",
    "/api/v1/users/businesses/",
    "/api/v1/users/businesses/{id}/",
    "/api/v1/users/memberships/",
    "/api/v1/users/invitations/",
    "/api/v1/users/invitations/accept/",
    "/api/v1/users/registrations/",
    "/api/v1/users/customers/",
    "/api/v1/users/customers/{id}/",
    "/api/v1/users/dashboard/",
    "/api/v1/finance/transactions/",
    "/api/v1/finance/transactions/{id}/",
    "/api/v1/finance/transactions/summary/",
    "/api/v1/finance/transactions/analytics/",
    "/api/v1/finance/transactions/import/",
    "/api/v1/finance/transactions/export/",
    "/api/v1/finance/suppliers/",
    "/api/v1/finance/invoices/",
    "/api/v1/finance/invoices/{id}/send/",
    "/api/v1/finance/invoices/{id}/mark_paid/",
    "/api/v1/finance/invoices/{id}/cancel/",
    "/api/v1/finance/invoices/{id}/pdf/",
    "/api/v1/finance/invoice-items/",
    "/api/v1/finance/budgets/",
    "/api/v1/finance/cash-flows/",
    "/api/v1/finance/forecasts/",
    "/api/v1/finance/credit-scores/",
    "/api/v1/finance/analytics/",
    "/api/v1/finance/mpesa/",
    "/api/v1/finance/mpesa/stk-push/",
    "/api/v1/core/activity-logs/",
    "/api/v1/core/sessions/",
    "/api/v1/core/failed-logins/",
    "/api/v1/core/module-assignments/",
    "/api/v1/core/admin-analytics/",
    "/api/v1/kavi/chat/",
    "/api/v1/kavi/conversations/",
    "/api/v1/kavi/conversations/{id}/",
    "/api/v1/kavi/tts/",
    "/api/v1/kavi/insights/",
]

FIELDS = {
    "Transaction": [
        "id",
        "amount",
        "currency",
        "transaction_type",
        "category",
        "description",
        "payment_method",
        "transaction_date",
        "reference_number",
        "external_id",
        "status",
        "supplier",
        "customer",
        "invoice",
        "user",
        "created_at",
        "updated_at",
    ],
    "Supplier": ["name", "email", "phone", "category", "address", "tax_id", "payment_terms_days", "notes"],
    "Invoice": [
        "customer",
        "invoice_number",
        "issue_date",
        "due_date",
        "status",
        "currency",
        "notes",
        "items",
        "subtotal",
        "tax_amount",
        "total_amount",
        "amount_paid",
        "balance_due",
        "paid_date",
    ],
    "InvoiceItem": ["description", "quantity", "unit_price", "tax_rate"],
    "Budget": [
        "category",
        "amount",
        "period",
        "start_date",
        "end_date",
        "alert_threshold",
        "spent",
        "remaining",
        "utilization",
        "status",
    ],
    "Customer": ["name", "email", "phone", "address", "tax_id", "notes"],
    "Business": [
        "legal_name",
        "dba_name",
        "registration_number",
        "tax_id",
        "email",
        "phone",
        "website",
        "address",
        "country",
        "founding_year",
        "employee_count",
        "industry",
        "business_model",
        "revenue_band",
        "currency",
        "timezone",
    ],
    "Profile": [
        "phone",
        "bio",
        "avatar_url",
        "date_of_birth",
        "job_title",
        "company",
        "country",
        "city",
        "timezone",
        "language_preference",
        "currency_preference",
        "notification_preferences",
        "risk_tolerance",
    ],
    "ActivityLog": ["actor", "business", "action", "object", "before", "after", "ip", "at"],
}


@pytest.fixture(scope="module")
def schema():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fg_copilot.settings.test"}
    out = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--format", "openapi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return yaml.safe_load(io.StringIO(out.stdout))


@pytest.mark.parametrize("path", PATHS)
def test_every_path_of_the_contract_is_in_the_schema(schema, path):
    assert path in schema["paths"], sorted(schema["paths"])


@pytest.mark.parametrize(("component", "fields"), FIELDS.items())
def test_listed_fields_are_in_the_schema(schema, component, fields):
    properties = schema["components"]["schemas"][component]["properties"]
    assert set(fields) <= set(properties), set(fields) - set(properties)


def test_money_is_a_decimal_string(schema):
    amount = schema["components"]["schemas"]["Transaction"]["properties"]["amount"]
    assert amount["type"] == "string" and amount.get("format") == "decimal"


def test_business_scoped_operations_document_the_header(schema):
    operation = schema["paths"]["/api/v1/finance/transactions/"]["get"]
    assert any(p["name"] == "X-Business-ID" and p["in"] == "header" for p in operation["parameters"])


@pytest.mark.django_db
def test_the_schema_and_docs_are_served(api):
    assert api.get("/api/v1/schema/").status_code == 200
    assert api.get("/api/v1/docs/").status_code == 200
