"""Secrets at rest: sealed with authenticated encryption, re-sealed by `twostep rotate-keys`."""

import base64
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import code_for, post_code, post_password, secret_of
from twostep import otp
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_reseals_old_rows_so_the_new_key_alone_opens_them(settings, client, clock, make_user, enrolled):
    settings.TWOSTEP_ENCRYPTION_KEYS = [OLD]
    users = [make_user(f"u{i}@example.com") for i in range(3)]
    for user in users:
        enrolled(user)
    secrets = {user.pk: secret_of(user) for user in users}
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW, OLD]
    late = make_user("late@example.com")
    enrollments.start_enrollment(late, binding="fixture", now=clock.now)  # sealed with the new key already
    secrets[late.pk] = secret_of(late)

    assert rotate(batch_size=2) == ("Authenticators: 4; re-sealed with the newest key: 3; "
                                    "already on the newest key: 1; unreadable: 0\n")
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW]
    assert {a.user_id: vault.unseal(a.sealed_secret) for a in Authenticator.objects.all()} == secrets
    assert post_password(client, "u0@example.com").status_code == 302
    assert post_code(client, code_for(users[0], clock.now))["Location"] == "/"
    settings.TWOSTEP_ENCRYPTION_KEYS = [OLD]
    for authenticator in Authenticator.objects.all():
        with pytest.raises(vault.VaultError):
            vault.unseal(authenticator.sealed_secret)


def test_a_second_run_has_nothing_to_do(settings, clock, make_user, enrolled):
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW, OLD]
    enrolled(make_user("u@example.com"))
    assert rotate() == ("Authenticators: 1; re-sealed with the newest key: 0; "
                        "already on the newest key: 1; unreadable: 0\n")


def test_rows_no_key_opens_are_reported_and_left_alone(settings, clock, make_user, enrolled):
    settings.TWOSTEP_ENCRYPTION_KEYS = [OLD]
    authenticator = enrolled(make_user("u@example.com"))
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match=f"opens the secrets of authenticators {authenticator.pk};"):
        rotate()
    assert Authenticator.objects.get(pk=authenticator.pk).sealed_secret == authenticator.sealed_secret


def test_the_raw_database_row_holds_no_trace_of_the_secret(clock, make_user, enrolled):
    user = make_user("u@example.com")
    enrolled(user)
    enrollments.start_enrollment(user, binding="fixture", now=clock.now)  # and one enrollment in progress
    for authenticator in Authenticator.objects.filter(user=user):
        secret = vault.unseal(authenticator.sealed_secret)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
            row = cursor.fetchone()
        raw = "\t".join(str(value) for value in row)
        b32 = otp.b32encode(secret)
        traces = [secret.decode("latin-1"), b32, b32.lower(), secret.hex(), secret.hex().upper(),
                  base64.b64encode(secret).decode(), base64.urlsafe_b64encode(secret).decode().rstrip("=")]
        assert [trace for trace in traces if trace in raw] == []
        assert secret not in raw.encode("latin-1", "replace")
