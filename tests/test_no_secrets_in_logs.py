"""Secrets, codes, recovery codes and passwords never reach the logs or the audit trail, along a whole
journey."""

import json
import logging
import re
import secrets

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, mailed_code, post_code, post_password, secret_of
from twostep import otp
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"
LOGGERS = ("", "django", "django.request", "django.security", "django.db.backends", "twostep")


@pytest.fixture
def all_logs(caplog):
    """Every logger at DEBUG into caplog, including Django's SQL log (which lists query parameters)."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False


def a_wrong_code(right: str) -> str:
    while (wrong := f"{secrets.randbelow(10**6):06d}") == right:
        pass
    return wrong


def journey(client, clock, member, mailoutbox) -> tuple[list[str], list[str], list[str]]:
    """Setup, code sign-in with a wrong code first, step-up, sign-in with a recovery code (a wrong one
    first), the recovery codes download, password reset by mail; returns the codes used, the recovery
    codes shown and every URL the browser was sent to."""
    codes, urls = [], []

    def note(response):
        urls.append(response.get("Location", ""))
        return response

    note(post_password(client, member.email))
    client.get(reverse("mfa:setup_mailbox"))
    codes.append(mailed_code(mail.outbox[-1]).replace(" ", ""))
    note(client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": codes[-1]}))
    client.get(reverse("mfa:setup"))
    codes.append(code_for(member, clock.now))
    shown = re.findall(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>", note(
        post_code(client, codes[-1], url="mfa:setup_confirm")).content.decode())
    assert len(shown) == 10
    note(client.post(reverse("mfa:signout")))

    clock.advance(30)
    note(post_password(client, member.email))
    codes.append(a_wrong_code(code_for(member, clock.now)))
    assert post_code(client, codes[-1]).status_code == 400
    codes.append(code_for(member, clock.now))
    note(post_code(client, codes[-1]))
    clock.advance(30)
    codes.append(code_for(member, clock.now))
    note(client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": codes[-1], "next": "/"}))
    assert client.get("/orgs/acme/settings/").status_code == 403
    note(client.post(reverse("mfa:signout")))

    note(post_password(client, member.email))
    wrong = shown[0][::-1]  # right characters, wrong code
    assert client.post(reverse("mfa:recovery"), {"recovery_code": wrong}).status_code == 400
    note(client.post(reverse("mfa:recovery"), {"recovery_code": shown[0].upper()}))
    assert client.post(reverse("mfa:recovery_codes_download"), {"codes": shown}).status_code == 200
    note(client.post(reverse("mfa:signout")))

    note(client.post(reverse("accounts:password_reset"), {"email": member.email}))
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+)", mailoutbox[-1].body).group(1)
    form_url = note(client.get(link))["Location"]
    note(client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}))
    assert note(post_password(client, member.email, NEW_PASSWORD))["Location"] == reverse("mfa:code")
    return codes, [*shown, wrong], urls


def test_a_full_journey_leaves_no_secret_code_or_password_in_logs_urls_or_audit(
        client, clock, make_user, make_org, require_mfa, mailoutbox, all_logs):
    member = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    codes, recovery_codes, urls = journey(client, clock, member, mailoutbox)
    secret = secret_of(member)

    logs = all_logs.text + "\n".join(repr(vars(record)) for record in all_logs.records)
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "SELECT" in logs and "Bad Request: /signin/code/" in logs and "Forbidden" in logs  # it did capture
    assert len(AuditEvent.objects.all()) >= 8
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used").count() == 1

    b32 = otp.b32encode(secret)
    needles = {"secret": secret.decode("latin-1"), "secret base32": b32, "secret base32 lower": b32.lower(),
               "secret hex": secret.hex(), "secret HEX": secret.hex().upper(), "password": PASSWORD,
               "new password": NEW_PASSWORD, **{f"code {i}": code for i, code in enumerate(codes)},
               **{f"recovery code {i}{form}": spelled for i, code in enumerate(recovery_codes)
                  for form, spelled in [("", code), (" plain", code.replace("-", "")), (" upper", code.upper())]}}
    for where, text in {"logs": logs, "audit": audit, "urls": "\n".join(urls)}.items():
        assert [name for name, needle in needles.items() if appears(needle, text)] == [], where


def appears(needle: str, text: str) -> bool:
    """``needle`` in ``text`` as a token of its own: a 6-digit code inside a longer run of digits or hex (a
    time step, a request id) is chance, not a leak; the longer the logs, the likelier that chance."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(needle)}(?![0-9A-Za-z])", text) is not None


def test_an_access_pass_from_support_reaches_no_log_url_or_audit_row(client, clock, make_user, make_org, require_mfa,
                                                                    all_logs):
    from django.contrib.auth.models import Permission

    from tests.signin_helpers import enroll_with_codes, force_sign_in
    from twostep.mfa.models import AccessPass

    support = make_user("support@twostep.example", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    enroll_with_codes(support, now=clock.now - 60)
    member = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    force_sign_in(client, support, verified_at=clock.now)
    issued = client.post(reverse("support:access_pass", args=[member.pk]), {"reason": "No mail"})
    text = re.search(r'id="access-pass">([A-Z2-9-]{19})<', issued.content.decode()).group(1)
    phone = type(client)()
    post_password(phone, member.email)
    used = phone.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": text})
    assert used["Location"] == reverse("mfa:setup") and AccessPass.objects.get().used_at is not None

    logs = all_logs.text + "\n".join(repr(vars(record)) for record in all_logs.records)
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "INSERT INTO \"mfa_accesspass\"" in logs  # it did capture the SQL
    for spelled in (text, text.replace("-", ""), text.lower()):
        assert not appears(spelled, logs) and not appears(spelled, audit)
