"""The demo data: two organizations that show the any-organization rule and the admin rule
(``TWOSTEP_MFA_REQUIRED_FOR``), and a support user, with fresh passwords."""

import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa.rollout.services import set_require_mfa
from twostep.organizations.models import Membership, Organization


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    note: str


ACCOUNTS = [
    ("admin@acme.example", "Ada Admin", "admin of Acme Calibration (Require MFA on): sets up MFA at first sign-in"),
    ("member@acme.example", "Max Member",
     "member of Acme Calibration and Northwind Labs: MFA required because Acme requires it"),
    ("user@northwind.example", "Nora North",
     "admin of Northwind Labs, in no other organization (Require MFA off): sets up MFA at first sign-in, as every "
     "admin must (TWOSTEP_MFA_REQUIRED_FOR=admins)"),
    ("support@twostep.example", "Sam Support",
     "support staff (support console at /support/): sets up MFA at first sign-in, as staff always must"),
]


# The demo's support desk, named on the code and locked pages (the support account of ``ACCOUNTS``).
SUPPORT_CONTACT = "support@twostep.example"


def set_demo_support_contact() -> None:
    """In the demo, without ``TWOSTEP_SUPPORT_CONTACT``, the pages name ``SUPPORT_CONTACT`` (``twostep serve``
    calls this before it starts the workers, which read the environment)."""
    if not settings.PRODUCTION and not os.environ.get("TWOSTEP_SUPPORT_CONTACT"):
        os.environ["TWOSTEP_SUPPORT_CONTACT"] = SUPPORT_CONTACT


def new_password() -> str:
    return secrets.token_urlsafe(12)


def seed_demo() -> list[DemoAccount]:
    """Create the demo organizations and users in one transaction; returns the accounts to print.

    Acme's *Require MFA* starts at ``twostep.clock.now()``, the clock the sign-in views use.
    """
    User = get_user_model()
    with transaction.atomic():
        accounts = [DemoAccount(email, new_password(), note) for email, _, note in ACCOUNTS]
        users = {a.email: User.objects.create_user(a.email, a.password, name=name)
                 for a, (_, name, _) in zip(accounts, ACCOUNTS, strict=True)}
        acme = Organization.objects.create(name="Acme Calibration", slug="acme")
        northwind = Organization.objects.create(name="Northwind Labs", slug="northwind")
        admin, member, north, support = (users[email] for email, _, _ in ACCOUNTS)
        Membership.objects.create(user=admin, organization=acme, role=Membership.Role.ADMIN)
        Membership.objects.create(user=member, organization=acme, role=Membership.Role.MEMBER)
        Membership.objects.create(user=member, organization=northwind, role=Membership.Role.MEMBER)
        Membership.objects.create(user=north, organization=northwind, role=Membership.Role.ADMIN)
        # Switched on by the operator: Acme's admin has no MFA yet (sets it up at the first sign-in), and an
        # admin without MFA may not switch it on.
        set_require_mfa(acme, required=True, actor=None, moment=as_datetime(clock_now()))
        support.is_staff = True
        support.save(update_fields=["is_staff"])
        support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    return accounts
