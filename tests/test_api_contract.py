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
    "/api/v1/auth/password/reset/",
    "/api/v1/auth/password/reset/confirm/",
    "/api/v1/users/register/",
    "/api/v1/users/me/",
    "/api/v1/users/me/password/",
    "/api/v1/users/profile/",
    "/api/v1/users/profile/update/",
    "/api/v1/users/businesses/",
    "/api/v1/users/businesses/{id}/",
    "/api/v1/users/businesses/{id}/logo/",
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
    "/api/v1/finance/invoices/{id}/duplicate/",
    "/api/v1/finance/invoices/{id}/payments/",
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
        "kra_pin",
        "payment_instructions",
        "logo",
        "reminders",
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


# --- The schema tells the truth (issue 10): each of these was drift that a client could trip on.


def test_ping_is_documented_as_the_object_it_returns(schema):
    body = schema["paths"]["/api/v1/core/ping/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Ping"}


def test_party_names_are_nullable_as_they_come_back(schema):
    properties = schema["components"]["schemas"]["Transaction"]["properties"]
    assert properties["customer_name"]["nullable"] is True
    assert properties["supplier_name"]["nullable"] is True


def test_a_messages_provider_may_be_blank(schema):
    provider = schema["components"]["schemas"]["Message"]["properties"]["provider"]
    refs = [option["$ref"].rsplit("/", 1)[-1] for option in provider["oneOf"]]
    enums = [schema["components"]["schemas"][name]["enum"] for name in refs]
    assert [""] in enums and any("builtin" in enum for enum in enums)


def test_cash_flows_list_only_the_periods_they_accept(schema):
    parameters = schema["paths"]["/api/v1/finance/cash-flows/"]["get"]["parameters"]
    period = next(p for p in parameters if p["name"] == "period")
    assert period["schema"]["enum"] == ["week", "month"]


def test_every_operation_documents_its_error_answers(schema):
    """400, 401 where a token is read, 403 where there are roles, 404 on detail routes, 409
    and 413 on writes, 429 where throttled and 503 everywhere, in the one error shape."""
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail"} and "fields" in error["properties"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}"
            assert {"400", "503"} <= codes, where
            if operation.get("security") or "/auth/" in path:
                assert "401" in codes, where
            if "{" in path:
                assert "404" in codes, where
            if method in ("post", "put", "patch"):
                assert {"409", "413"} <= codes, where
            if operation.get("security") and "health" not in path:
                assert {"403", "429"} <= codes, where
            for code in codes & {"429", "503"}:
                if "/health/" not in path:  # the load balancer's probes
                    assert "Retry-After" in operation["responses"][code]["headers"], where


def test_optional_query_parameters_say_an_empty_value_means_not_given(schema):
    parameters = schema["paths"]["/api/v1/finance/transactions/"]["get"]["parameters"]
    optional = [p for p in parameters if p["in"] == "query"]
    assert optional and all(p.get("allowEmptyValue") is True for p in optional)
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"]["anyOf"][0] == {"type": "integer", "minimum": 1}
