"""Typing a password (OWASP ASVS 5.0 6.2.6, 6.2.7, 6.2.8): every password field is masked and open to paste and
to password managers, and the password is checked exactly as typed."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.test_password_reset import ask_for_link
from tests.conftest import post_password
from tests.organizations.conftest import link_path
from tests.signin_helpers import force_sign_in
from twostep.organizations.invitations import invite_member

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src" / "twostep" / "static"


class Inputs(HTMLParser):
    """The attributes of every ``<input>`` of a page, and whether the page has a ``<script>`` of its own text."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))
        elif tag == "script":
            self._in_script = "src" not in dict(attrs)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def password_inputs(response) -> tuple[list[dict], bool]:
    assert response.status_code == 200
    parser = Inputs()
    parser.feed(response.content.decode())
    return [attrs for attrs in parser.inputs if "password" in (attrs.get("name") or "")], parser.inline_script


@pytest.fixture
def pages(clock, make_user, make_org, settings, mailoutbox):
    """Every page where a password is typed: (page, its password fields' names, whether it has inline script)."""
    settings.TWOSTEP_BASE_URL = "https://portal.example"
    nora = make_user("nora@northwind.example")
    admin = make_user("admin@northwind.example")
    northwind = make_org("Northwind Labs", slug="northwind", admins=[admin], members=[nora])
    found = {"sign-in": password_inputs(Client().get(reverse("mfa:signin")))}
    signed_in = Client()
    force_sign_in(signed_in, nora, stepped_up_at=clock.now)
    found["step-up"] = password_inputs(signed_in.get(reverse("mfa:stepup")))
    found["change password"] = password_inputs(signed_in.get(reverse("mfa:change_password")))
    resetting = Client()
    form_url = resetting.get(ask_for_link(resetting, "nora@northwind.example", mailoutbox))["Location"]
    found["password reset"] = password_inputs(resetting.get(form_url))
    invite_member(northwind, email="new@northwind.example", role="member", actor=admin, now=clock.now)
    invitee = Client()
    invitee.get(link_path(mailoutbox[-1]))
    found["invitation"] = password_inputs(invitee.get(reverse("invitations:accept")))
    return found


def test_every_password_field_is_masked_and_left_to_password_managers(pages):
    assert {page: sorted(field["name"] for field in fields) for page, (fields, _) in pages.items()} == {
        "sign-in": ["password"], "step-up": ["password"],
        "change password": ["current_password", "new_password1", "new_password2"],
        "password reset": ["new_password1", "new_password2"], "invitation": ["new_password1", "new_password2"],
    }
    for page, (fields, inline_script) in pages.items():
        assert not inline_script, page  # no script of the page's own could block paste or autofill
        for field in fields:
            assert field["type"] == "password", (page, field)
            expected = "current-password" if field["name"] in ("password", "current_password") else "new-password"
            assert field["autocomplete"] == expected, (page, field)
            assert not [name for name in field if name.startswith("on") or name == "readonly"], (page, field)
            assert int(field.get("maxlength") or 4096) >= 4096, (page, field)


# What a script would need to block paste, copying or a password manager's autofill.
BLOCKERS = re.compile(r"""["'](paste|copy|cut|beforeinput)["']|onpaste|preventDefault|autocomplete|"""
                      r"""type=.?password|\.value\s*=""", re.IGNORECASE)


def test_no_script_of_the_site_blocks_paste_or_autofill():
    scripts = list(STATIC.rglob("*.js"))
    assert scripts  # the check below reads something
    for script in scripts:
        assert BLOCKERS.findall(script.read_text()) == [], script.name


def test_the_password_is_checked_exactly_as_typed(clock, make_user):
    typed = "  Exactly As Typed, Spaces Too  " + "x" * 100
    make_user("nora@northwind.example", password=typed)
    # Four wrong tries: the fifth would begin the account's wait (Throttling and lockout).
    for variant in (typed.strip(), typed.lower(), typed[:72], typed[:-1]):
        assert post_password(Client(), "nora@northwind.example", variant).status_code == 400, variant
    browser = Client()
    response = post_password(browser, "nora@northwind.example", typed)
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
