"""The enrollment attack on two app servers and one PostgreSQL database: someone who has only a member's
password tries to end up with a working second factor for the member's account.

Without the mailbox proof (``TWOSTEP_MAILBOX_PROOF=false``) the attacker can open a setup, but the key it
shows belongs to the attacker's session only: the member's own setup on the other server shows another key,
and the copied key never confirms nor signs in. With the mailbox proof (the default) the attacker gets no
QR code at all; a temporary access pass from the operator lets the member through.
"""

import html
import json
import re
import shutil
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.postgres.harness import App, Browser, fresh_database
from twostep import otp

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "member@acme.example", "correct horse battery staple"
SEED = """
import sys
from datetime import timedelta
from django.utils import timezone
from twostep.accounts.models import User
from twostep.mfa.rollout.services import set_require_mfa
from twostep.organizations.models import Membership, Organization
organization = Organization.objects.get_or_create(name="Acme Calibration", slug="acme")[0]
# a minute ago: the servers compare whole seconds, so "now" could still be before it
set_require_mfa(organization, required=True, actor=None, moment=timezone.now() - timedelta(minutes=1))
user = User.objects.create_user(sys.argv[1], sys.argv[2])
Membership.objects.create(user=user, organization=organization)
"""
FACTS = """
import json, sys
from twostep import otp
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import vault
from twostep.mfa.models import AccessPass, Authenticator, FactorThrottle
email = sys.argv[1]
print(json.dumps({
    "authenticators": [[otp.b32encode(vault.unseal(a.sealed_secret)), a.confirmed_at is not None,
                        FactorThrottle.objects.filter(user=a.user).values_list("failures", flat=True).first() or 0]
                       for a in Authenticator.objects.filter(user__email=email).order_by("id")],
    "events": [[e.action, e.outcome, e.actor_label, e.detail]
               for e in AuditEvent.objects.filter(subject_label=email).order_by("id")],
    "passes": [[p.used_at is not None, p.voided_at is not None] for p in AccessPass.objects.filter(user__email=email)],
}))
"""


@pytest.fixture(scope="module")
def without_proof():
    """A deployment with ``TWOSTEP_MAILBOX_PROOF=false`` and its two app servers."""
    with fresh_database("attack") as url:
        app, servers = App(url, settings={"TWOSTEP_MAILBOX_PROOF": "false"}), []
        try:
            app.migrate()
            servers += [app.serve(), app.serve()]
            yield app, servers
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(app.data_dir, ignore_errors=True)


def facts(app: App, email: str) -> dict:
    return json.loads(app.django(FACTS, email))


def sign_in(server, email: str, *, browser: Browser | None = None) -> tuple[Browser, str]:
    """The password step on ``server``; returns the browser and where it was sent."""
    browser = browser or Browser(server.address)
    assert browser.get("/signin/", to=server.address).status == 200
    response = browser.post("/signin/", {"email": email, "password": PASSWORD}, to=server.address)
    assert response.status == 302, response.body[-2000:]
    return browser, response.location


def key_on_setup_page(browser: Browser, server) -> str:
    """Open the QR code page; returns the base32 key of its otpauth URI (as an attacker would copy it)."""
    page = browser.get("/signin/setup/", to=server.address)
    assert page.status == 200, (page.status, page.location)
    uri = html.unescape(re.search(r'href="(otpauth://[^"]+)"', page.body).group(1))
    key = parse_qs(urlsplit(uri).query)["secret"][0]
    assert otp.group(key) in page.body  # the same key, in groups of four, for typing by hand
    return key


def code(key: str) -> str:
    return otp.totp(otp.b32decode(key), now=int(time.time()))  # the servers read the real clock


def confirm(browser: Browser, server, key: str):
    return browser.post("/signin/setup/confirm/", {"code": code(key)}, to=server.address)


def test_a_key_copied_before_signing_out_never_signs_in(without_proof):
    app, (a, b) = without_proof
    email = "copied@acme.example"
    app.django(SEED, email, PASSWORD)
    attacker, step = sign_in(a, email)
    assert step == "/signin/setup/"  # no mailbox proof: the QR code follows the password
    copied = key_on_setup_page(attacker, a)
    assert attacker.post("/signout/", {}).location == "/signin/"
    assert facts(app, email)["authenticators"] == []  # signing out discarded the attacker's setup

    member, step = sign_in(b, email)
    own = key_on_setup_page(member, b)
    assert own != copied
    confirmed = confirm(member, b, own)
    assert confirmed.status == 200 and "Save your recovery codes" in confirmed.body
    assert member.get("/", to=a.address).status == 200

    attacker, step = sign_in(a, email, browser=attacker)
    assert step == "/signin/code/"
    refused = attacker.post("/signin/code/", {"code": code(copied)})
    assert refused.status == 400 and "That code is not correct." in refused.body
    assert (attacker.get("/").status, attacker.get("/").location) == (302, "/signin/code/")  # not signed in

    seen = facts(app, email)
    assert seen["authenticators"] == [[own, True, 1]]
    assert [event[:2] for event in seen["events"]] == [
        ["mfa.setup_started", "success"], ["mfa.setup_started", "success"], ["mfa.enrolled", "success"],
        ["mfa.recovery_codes_generated", "success"], ["signin.succeeded", "success"],
        ["mfa.code_failed", "failure"]]
    assert [event[3] for event in seen["events"]][:2] == [{"discarded_other": False, "expires_in": 900}] * 2
    assert seen["events"][-1][3] == {"reason": "invalid_code", "failures": 1, "factor": "totp"}


def test_a_setup_left_open_dies_when_the_member_starts_theirs(without_proof):
    app, (a, b) = without_proof
    email = "left-open@acme.example"
    app.django(SEED, email, PASSWORD)
    attacker, _ = sign_in(a, email)
    copied = key_on_setup_page(attacker, a)

    member, _ = sign_in(b, email)
    own = key_on_setup_page(member, b)
    assert own != copied
    refused = confirm(attacker, a, copied)  # the attacker's setup was discarded by the member's
    assert (refused.status, refused.location) == (302, "/signin/setup/")
    assert facts(app, email)["authenticators"] == [[own, False, 0]]

    assert confirm(member, b, own).status == 200
    too_late = confirm(attacker, a, copied)  # the member's app is set up now: this sign-in owes a code
    assert (too_late.status, too_late.location) == (302, "/signin/code/")
    assert (attacker.get("/").status, attacker.get("/").location) == (302, "/signin/code/")
    seen = facts(app, email)
    assert seen["authenticators"] == [[own, True, 0]]
    assert [(event[0], event[3].get("discarded_other")) for event in seen["events"]] == [
        ("mfa.setup_started", False), ("mfa.setup_started", True), ("mfa.enrolled", None),
        ("mfa.recovery_codes_generated", None), ("signin.succeeded", None)]


def test_with_the_mailbox_proof_the_password_alone_shows_no_qr_code(pg_app, two_servers):
    a, b = two_servers
    pg_app.django(SEED, EMAIL, PASSWORD)
    attacker, step = sign_in(a, EMAIL)
    for server in (a, b):
        for path in ("/signin/setup/", "/signin/setup/confirm/"):
            response = attacker.get(path, to=server.address)
            assert (response.status, response.location) == (302, "/signin/setup/email/")
        page = attacker.get("/signin/setup/email/", to=server.address)
        assert page.status == 200 and "otpauth://" not in page.body and "Confirm your e-mail address" in page.body
    guessed = attacker.post("/signin/setup/email/", {"action": "access_pass", "access_pass": "ABCD-EFGH-JKMN-PQRS"})
    assert guessed.status == 400 and "That temporary access pass is not valid" in guessed.body
    assert facts(pg_app, EMAIL)["authenticators"] == []  # no secret was even made

    issued = subprocess.run([sys.executable, "-m", "twostep.cli", "access-pass", EMAIL, "--reason",
                             "No mail since the domain moved; checked by call-back"], env=pg_app.env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert issued.returncode == 0, issued.stderr
    access_pass = re.fullmatch(rf"Temporary access pass for {re.escape(EMAIL)}: (\S+)",
                               issued.stdout.splitlines()[0]).group(1)

    member, _ = sign_in(b, EMAIL)
    assert member.get("/signin/setup/").location == "/signin/setup/email/"
    assert member.get("/signin/setup/email/").status == 200
    accepted = member.post("/signin/setup/email/", {"action": "access_pass", "access_pass": access_pass})
    assert (accepted.status, accepted.location) == (302, "/signin/setup/")
    reused = attacker.post("/signin/setup/email/", {"action": "access_pass", "access_pass": access_pass},
                           to=b.address)
    assert reused.status == 400 and "That temporary access pass is not valid" in reused.body
    for server in (a, b):  # the proof belongs to the member's session, not to the account
        assert attacker.get("/signin/setup/", to=server.address).location == "/signin/setup/email/"
    own = key_on_setup_page(member, a)  # the proof is in the session: the other server honours it
    assert confirm(member, b, own).status == 200 and member.get("/", to=a.address).status == 200

    seen = facts(pg_app, EMAIL)
    # The reused pass is the last wrong guess: the back-off every factor shares counts it (a right pass reset it).
    assert seen["authenticators"] == [[own, True, 1]] and seen["passes"] == [[True, False]]
    assert [event[:3] for event in seen["events"]] == [
        ["mfa.mailbox_code_sent", "success", EMAIL],  # one code for the attacker's session, on either server
        ["mfa.code_failed", "failure", EMAIL], ["mfa.access_pass_issued", "success", "operator (command line)"],
        ["mfa.mailbox_code_sent", "success", EMAIL], ["mfa.access_pass_used", "success", EMAIL],
        ["mfa.code_failed", "failure", EMAIL], ["mfa.setup_started", "success", EMAIL],
        ["mfa.enrolled", "success", EMAIL], ["mfa.recovery_codes_generated", "success", EMAIL],
        ["signin.succeeded", "success", EMAIL]]
    assert seen["events"][2][3] == {"reason": "No mail since the domain moved; checked by call-back",
                                    "valid_for": 3600}
    assert [seen["events"][n][3] for n in (1, 5)] == [
        {"reason": "invalid_access_pass", "failures": 1, "factor": "access_pass"}] * 2
