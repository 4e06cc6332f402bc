"""``manage.py seed_peer --out FILE [--users N] [--secrets FILE]``: users who sign in with e-mail and
password and have TOTP set up (plus recovery codes, as allauth creates them together); writes the
accounts as JSON ([e-mail, password, base32 secret] each). One password hash serves every user."""

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import encrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

PASSWORD = "bench: correct horse battery staple"


class Command(BaseCommand):
    help = "Seed users with TOTP for the sign-in benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--secrets", required=True, help="JSON list of base32 secrets to give out in turn")

    def handle(self, *args, out, users, secrets: str, **options):
        with open(secrets) as handle:
            pool = json.load(handle)
        password_hash = make_password(PASSWORD)
        User = get_user_model()
        emails = [f"peer{i}@bench.example" for i in range(1, users + 1)]
        with transaction.atomic():
            created = User.objects.bulk_create(
                [User(username=email, email=email, password=password_hash) for email in emails], batch_size=2000)
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in created],
                batch_size=2000)
            Authenticator.objects.bulk_create(
                [Authenticator(user=user, type=Authenticator.Type.TOTP,
                               data={"secret": encrypt(pool[i % len(pool)])}) for i, user in enumerate(created)],
                batch_size=2000)
            Authenticator.objects.bulk_create(
                [Authenticator(user=user, type=Authenticator.Type.RECOVERY_CODES,
                               data={"seed": encrypt(RecoveryCodes.generate_seed()), "used_mask": 0})
                 for user in created], batch_size=2000)
        accounts = [[email, PASSWORD, pool[i % len(pool)]] for i, email in enumerate(emails)]
        with open(out, "w") as handle:
            json.dump(accounts, handle)
        self.stdout.write(f"seeded {len(created)} users")
