"""Bad input on every form and URL: 4xx with a clear message (or a documented redirect), never a 500,
and nothing changed.

Every POST view is driven in the state where it is reachable, with Hypothesis drawing each field from
values people and scripts really send: empty, missing, 10 kB, NUL bytes, Arabic-Indic and full-width
digits, 7 and 5 digits, markup, random text. "Nothing changed" means the domain tables are identical
before and after; the only rows a refused submission may append are failure events of the audit trail
(a well-formed wrong password is a failed sign-in, and is recorded as one).
"""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, code_for, post_code, post_password, prove_mailbox
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator, OrganizationMfaPolicy, RecoveryCode
from twostep.mfa.signin import pending
from twostep.mfa.stepup import services as stepup
from twostep.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

MISSING = object()
NASTY = ["", " ", "x" * 10_240, "1" * 10_240, "\x00", "123\x00456", "١٢٣٤٥٦", "１２３４５６", "1234567", "12345",
         "12 34 5", "--12345", "+123456", "0x1e240", "<script>alert(1)</script>", "member@acme.example\x00",
         "Ω≈ç√∫", "\u202e654321", "\ud7ff", "on\x00", "ON", "true", "1"]
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def nasty(exclude=()) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(NASTY + [MISSING]), st.text(max_size=40)).filter(lambda v: v not in exclude)


@pytest.fixture
def world(clock, make_user, make_org, require_mfa, enrolled):
    """member (enrolled) and newbie (not yet) in Acme, which requires MFA; boss, admin of Northwind (enrolled:
    an admin must use MFA)."""
    member, newbie, boss = (make_user(e) for e in ("member@acme.example", "newbie@acme.example",
                                                   "boss@northwind.example"))
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member, newbie]))
    make_org("Northwind Labs", slug="northwind", admins=[boss])
    enrolled(member)
    enrolled(boss)
    return {"member": member, "newbie": newbie, "boss": boss}


def client_in(state: str, world, clock) -> Client:
    """A browser in ``state``: anonymous, pending_setup, pending_code, signed_in (member), admin (boss)."""
    client = Client()
    if state == "pending_mailbox":
        post_password(client, "newbie@acme.example")
        assert client.get("/signin/setup/email/").status_code == 200  # mails the code
    elif state == "pending_setup":
        post_password(client, "newbie@acme.example")
        assert prove_mailbox(client).status_code == 302
        assert client.get("/signin/setup/").status_code == 200  # creates the authenticator being enrolled
    elif state in ("pending_code", "signed_in"):
        post_password(client, "member@acme.example")
        if state == "signed_in":
            assert post_code(client, code_for(world["member"], clock.now)).status_code == 302
            clock.advance(30)
    elif state in ("admin", "stepped_up"):  # a sign-in with a code is a step-up too
        assert post_password(client, "boss@northwind.example").status_code == 302
        assert post_code(client, code_for(world["boss"], clock.now)).status_code == 302
        clock.advance(30)
    return client


# view: (url, state, {field: valid value or None when the field must always be bad})
POST_VIEWS = {
    "signin": ("/signin/", "anonymous", {"email": "member@acme.example", "password": PASSWORD}),
    "setup_mailbox": ("/signin/setup/email/", "pending_mailbox", {"action": "code", "code": None}),
    "setup_access_pass": ("/signin/setup/email/", "pending_mailbox", {"action": "access_pass", "access_pass": None}),
    "setup_confirm": ("/signin/setup/confirm/", "pending_setup", {"code": None}),
    "code": ("/signin/code/", "pending_code", {"code": None}),
    "stepup": ("/stepup/", "signed_in", {"password": PASSWORD, "code": None}),
    "stepup_recovery": ("/stepup/", "signed_in", {"password": PASSWORD, "recovery_code": None, "method": "recovery"}),
    "recovery": ("/signin/recovery/", "pending_code", {"recovery_code": None}),
    "organization_mfa": ("/orgs/northwind/settings/mfa/", "admin", {"require_mfa": "on", "starts": "now"}),
    "signout": ("/signout/", "anonymous", {"anything": None}),
}
# Refusals are recorded on purpose (a slug no admin has is an access.denied with the pattern, not the raw path;
# a wrong current password is an account.password_changed failure).
FAILURE_EVENTS = {"signin.failed", "stepup", "mfa.code_failed", "access.denied", "account.password_changed"}
# An unticked checkbox is absent: "off" (tested below); "from when" left out means now.
ALSO_VALID = {"require_mfa": {MISSING}, "starts": {MISSING, ""}}


def snapshot() -> dict:
    tables = {model.__name__: list(model.objects.order_by("pk").values())
              for model in (User, Authenticator, RecoveryCode, OrganizationMfaPolicy, Organization, Membership)}
    tables["audit_count"] = AuditEvent.objects.count()
    return tables


def assert_nothing_changed(before: dict, client: Client, session_before: dict) -> None:
    after = snapshot()
    appended = AuditEvent.objects.order_by("id")[before.pop("audit_count"):]
    assert [(e.action, e.outcome) for e in appended if e.action not in FAILURE_EVENTS or e.outcome != "failure"] == []
    after.pop("audit_count")
    assert after == before
    assert {key: client.session.get(key) for key in session_before} == session_before


def watched_session(client: Client) -> dict:
    return {key: client.session.get(key) for key in ("_auth_user_id", pending.SESSION_KEY, stepup.SESSION_KEY)}


def error_text(body: str) -> str:
    found = re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>|<div class="alert error" role="alert">(.*?)</div>',
                       body, re.S)
    return re.sub(r"<[^>]+>", " ", " ".join(a + b for a, b in found)).strip()


def encode(form: dict) -> dict:
    return {key: value for key, value in form.items() if value is not MISSING}


@pytest.mark.parametrize("view", sorted(POST_VIEWS))
def test_nasty_form_values_are_refused_with_a_message_and_change_nothing(view, world, clock):
    url, state, fields = POST_VIEWS[view]
    client = client_in(state, world, clock)

    @EXAMPLES
    @given(data=st.data())
    def submit(data):
        cache.clear()  # throttling counters from earlier examples would hide the form's own answer
        bad = data.draw(st.sampled_from(sorted(fields)), label="bad field")
        form = {}
        for name, valid in fields.items():
            wrong = nasty(exclude={valid} | ALSO_VALID.get(name, set()))
            form[name] = data.draw(wrong if name == bad or valid is None else st.one_of(st.just(valid), wrong),
                                   label=name)
        form["next"] = data.draw(st.one_of(st.just(MISSING), nasty()), label="next")
        before, session_before = snapshot(), watched_session(client)
        response = client.post(url, encode(form))
        body = response.content.decode()
        if view == "signout":  # documented: sign-out takes no fields and always ends at the sign-in page
            assert (response.status_code, response["Location"]) == (302, "/signin/")
        else:
            assert response.status_code == 400, (response.status_code, form)
            assert error_text(body), body[:2000]
        assert_nothing_changed(before, client, session_before)

    submit()


@pytest.mark.parametrize("view", sorted(POST_VIEWS))
def test_json_instead_of_form_data_gets_415(view, world, clock):
    url, state, fields = POST_VIEWS[view]
    client = client_in(state, world, clock)
    before, session_before = snapshot(), watched_session(client)
    response = client.post(url, json.dumps(dict.fromkeys(fields, "on")), content_type="application/json")
    assert response.status_code == 415 and response.templates[0].name == "415.html"
    assert_nothing_changed(before, client, session_before)


# url: the state in which it is reachable
URLS = {"/": "signed_in", "/signin/": "anonymous", "/signin/setup/": "pending_setup",
        "/signin/setup/email/": "pending_mailbox",
        "/signin/setup/confirm/": "pending_setup", "/signin/code/": "pending_code", "/signout/": "anonymous",
        "/stepup/": "signed_in", "/orgs/northwind/settings/": "admin", "/orgs/northwind/settings/mfa/": "admin",
        "/mfa/setup/": "stepped_up", "/mfa/setup/confirm/": "stepped_up", "/account/email/": "stepped_up",
        "/account/password/": "stepped_up", "/orgs/northwind/settings/mfa/notify/": "admin",
        "/orgs/northwind/settings/mfa/members/": "admin", "/orgs/northwind/settings/mfa/members.csv": "admin",
        "/orgs/northwind/members/invite/": "admin", "/orgs/northwind/members/1/role/": "admin",
        "/orgs/northwind/members/1/remove/": "admin", "/orgs/northwind/invitations/1/revoke/": "admin",
        "/orgs/northwind/audit/": "admin", "/account/password-reset/": "anonymous",
        "/account/password-reset/sent/": "anonymous", "/account/password-reset/MQ/bad-token/": "anonymous",
        "/invitations/not-a-token/": "anonymous", "/signin/recovery/": "pending_code", "/security/": "signed_in",
        "/security/recovery-codes/": "stepped_up", "/security/recovery-codes/download/": "signed_in",
        "/security/turn-off/": "stepped_up"}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", sorted(URLS))
def test_wrong_method_gets_405_with_a_page(url, method, world, clock):
    client = client_in(URLS[url], world, clock)
    before, session_before = snapshot(), watched_session(client)
    response = getattr(client, method)(url, "code=123456", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405 and response["Allow"]
    assert response.templates[0].name == "405.html" and response.context["method"] == method.upper()
    assert_nothing_changed(before, client, session_before)


@pytest.mark.parametrize("path, state", [("/signin/?next={}", "anonymous"), ("/stepup/?next={}", "signed_in"),
                                         ("/orgs/{}/settings/mfa/", "admin"), ("/orgs/{}/settings/", "admin")])
def test_nasty_query_and_path_values_never_500(path, state, world, clock):
    client = client_in(state, world, clock)

    @EXAMPLES
    @given(value=st.one_of(st.sampled_from(NASTY), st.text(max_size=40)))
    def visit(value):
        before = snapshot()
        from urllib.parse import quote

        response = client.get(path.format(quote(value, safe="")))
        assert response.status_code in (200, 403, 404), response.status_code
        assert_nothing_changed(before, client, {})
        for denial in AuditEvent.objects.filter(action="access.denied"):
            assert denial.detail["path"].startswith(("/orgs/<slug:slug>/", "/signin/", "/stepup/")), denial.detail

    visit()


def test_an_unticked_checkbox_is_absent_and_means_off(world, clock):
    client = client_in("admin", world, clock)
    assert client.post("/orgs/northwind/settings/mfa/", {}).status_code == 302
    assert OrganizationMfaPolicy.objects.get(organization__slug="northwind").required is False
    refused = client.post("/orgs/northwind/settings/mfa/", {"require_mfa": "yes please"})
    assert refused.status_code == 400 and refused.context["form"].has_error("require_mfa", "invalid_choice")
    assert OrganizationMfaPolicy.objects.get(organization__slug="northwind").required is False
    # "on" is on.
    assert client.post("/orgs/northwind/settings/mfa/", {"require_mfa": "on", "confirmed": "yes"}).status_code == 302
    assert OrganizationMfaPolicy.objects.get(organization__slug="northwind").required is True


NEW_PASSWORD = "a much longer passphrase 7"
# The other forms of the portal: (url, state, {field: valid value}); every drawn submission has a bad field.
# (A new password and its repetition are one answer: the repetition stays right, the first is drawn bad.)
OTHER_FORMS = {
    "change_email": ("/account/email/", "stepped_up", {"email": "new@northwind.example"}),
    "change_password": ("/account/password/", "stepped_up", {"current_password": PASSWORD,
                                                             "new_password1": NEW_PASSWORD}),
    "invite": ("/orgs/northwind/members/invite/", "admin", {"email": "new@northwind.example", "role": "member"}),
    "member_role": ("/orgs/northwind/members/{boss}/role/", "admin", {"role": "admin"}),
    "password_reset": ("/account/password-reset/", "anonymous", {"email": None}),
}


@pytest.mark.parametrize("view", sorted(OTHER_FORMS))
def test_nasty_values_in_the_other_forms_are_refused_and_change_nothing(view, world, clock):
    url, state, fields = OTHER_FORMS[view]
    url = url.format(boss=Membership.objects.get(user=world["boss"]).pk)
    client = client_in(state, world, clock)

    @EXAMPLES
    @given(data=st.data())
    def submit(data):
        cache.clear()  # wrong current passwords of earlier examples would be throttled
        bad = data.draw(st.sampled_from(sorted(fields)), label="bad field")
        form = {name: data.draw(nasty(exclude={valid}) if name == bad or valid is None
                                else st.one_of(st.just(valid), nasty(exclude={valid})), label=name)
                for name, valid in fields.items()}
        if view == "change_password":
            form["new_password2"] = NEW_PASSWORD
        before, session_before = snapshot(), watched_session(client)
        response = client.post(url, encode(form))
        assert response.status_code == 400, (response.status_code, form)
        assert error_text(response.content.decode()), response.content.decode()[:2000]
        assert_nothing_changed(before, client, session_before)

    submit()


@pytest.mark.parametrize("url, state", [("/account/password/", "stepped_up")])
def test_a_new_password_longer_than_sign_in_accepts_is_refused(url, state, world, clock):
    client = client_in(state, world, clock)
    before, session_before = snapshot(), watched_session(client)
    longest, too_long = "long passphrase " * 256, "long passphrase " * 256 + "!"
    assert len(longest) == 4096
    response = client.post(url, {"current_password": PASSWORD, "new_password1": too_long,
                                 "new_password2": too_long})
    assert response.status_code == 400 and response.context["form"].has_error("new_password2", "password_too_long")
    assert_nothing_changed(before, client, session_before)
    assert client.post(url, {"current_password": PASSWORD, "new_password1": longest,
                             "new_password2": longest}).status_code == 302
    assert post_password(Client(), "boss@northwind.example", longest).status_code == 302
