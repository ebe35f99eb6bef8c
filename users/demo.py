"""The demo business that `make run` loads: people with each role and believable activity.

Each app adds its own part through `DEMO_STEPS`, so the generator grows with the product."""

from __future__ import annotations

import importlib
import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from core.models import Module, ModuleAssignment
from core.services import business_object_create

from . import services as user_services
from .models import Business, Customer, Membership, User, UserProfile

DEMO_PASSWORD = "Demo-Pass-2026!"  # noqa: S105 (published on purpose: local demo accounts)
DEMO_BUSINESS = "Tumaini Traders Ltd"
DEMO_USERS = [
    ("owner@demo.kavi.test", "Wanjiku", "Mwangi", "owner"),
    ("admin@demo.kavi.test", "Brian", "Otieno", "admin"),
    ("staff@demo.kavi.test", "Faith", "Chebet", "staff"),
    ("viewer@demo.kavi.test", "Hassan", "Omar", "viewer"),
]
SUPERADMIN = ("superadmin@demo.kavi.test", "Platform", "Admin")


@dataclass
class DemoContext:
    business: Any
    owner: Any
    users: dict[str, Any]
    rng: random.Random
    months: int
    progress: Callable[[str], None]
    created: dict[str, int] = field(default_factory=dict)


# (name, function) pairs; finance and kavi append theirs.
DEMO_STEPS: list[tuple[str, Callable[[DemoContext], None]]] = []


def demo_step(name: str) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        DEMO_STEPS.append((name, func))
        return func

    return register


def demo_exists() -> bool:
    return Business.objects.filter(legal_name=DEMO_BUSINESS).exists()


def demo_reset() -> None:
    Business.objects.filter(legal_name=DEMO_BUSINESS).delete()
    User.objects.filter(email__endswith="@demo.kavi.test").delete()


def demo_build(*, months: int = 12, seed: int = 2026, progress: Callable[[str], None] = print) -> DemoContext:
    # The apps built on users add their steps (finance's books, KAVI's conversations) by name: users
    # doesn't import them.
    for app in ("finance", "kavi"):
        if apps.is_installed(app) and importlib.util.find_spec(f"{app}.demo"):
            importlib.import_module(f"{app}.demo")
    with transaction.atomic():
        users: dict[str, Any] = {}
        for email, first, last, role in DEMO_USERS:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            UserProfile.objects.create(user=user, city="Nairobi", job_title=role.title())
            users[role] = user
        email, first, last = SUPERADMIN
        admin = User.objects.create_superuser(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
        UserProfile.objects.create(user=admin)
        business = user_services.business_create(
            owner=users["owner"],
            data={
                "legal_name": DEMO_BUSINESS,
                "dba_name": "Tumaini Traders",
                "registration_number": "PVT-2018-TT42XZ",
                "tax_id": "P051987654T",
                "email": "hello@tumainitraders.co.ke",
                "phone": "0722555123",
                "address": "Luthuli Avenue, Nairobi",
                "industry": "Wholesale - FMCG",
                "business_model": "B2B and B2C",
                "revenue_band": "KES 5M-10M",
                "founding_year": 2018,
                "employee_count": 7,
            },
        )
        for role in ("admin", "staff", "viewer"):
            Membership.objects.create(user=users[role], business=business, role=role)
        ctx = DemoContext(business, users["owner"], users, random.Random(seed), months, progress)
        for name, step in DEMO_STEPS:
            progress(f"  {name}…")
            step(ctx)
    return ctx


CUSTOMERS = [
    ("Mama Mboga Grocers", "0711223344"),
    ("Kariuki Supermarket", "0722334455"),
    ("Baraka Mini Mart", "0733445566"),
    ("Shalom Hotel Kitchen", "0744556677"),
    ("Nyokabi Catering Services", "0755667788"),
    ("Westlands Day School", "0766778899"),
    ("Sunrise Kiosk", "0777889900"),
    ("Jirani Wholesale Eldoret", "0788990011"),
    ("Pwani Traders Mombasa", "0799001122"),
    ("Kisumu Lakeside Hotel", "0700112233"),
]


@demo_step("customers")
def _customers(ctx: DemoContext) -> None:
    for name, phone in CUSTOMERS:
        slug = name.lower().split()[0]
        business_object_create(
            model=Customer,
            business=ctx.business,
            actor=ctx.users["staff"],
            data={"name": name, "phone": phone, "email": f"accounts@{slug}.co.ke"},
        )
    ctx.created["customers"] = len(CUSTOMERS)


@demo_step("modules")
def _modules(ctx: DemoContext) -> None:
    ModuleAssignment.objects.bulk_create(
        ModuleAssignment(business=ctx.business, module=module, enabled=True) for module in Module.values
    )
