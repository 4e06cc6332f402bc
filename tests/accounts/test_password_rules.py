"""Password rules (OWASP ASVS 6.2.5, 6.2.11): any composition is allowed, all digits included; the length
minimum and the common-password list stay; words anybody who knows the account would try first are refused,
with a message naming the kind of word and never the password. Every place a password is set applies them."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.accounts.test_password_reset import ask_for_link
from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.organizations.conftest import link_path
from twostep.accounts.models import User
from twostep.organizations.invitations import invite_member

pytestmark = pytest.mark.django_db

SERVICE = "This password contains the name of this service. Choose one without it."
ORGANIZATION = "This password contains the name of your organization. Choose one without it."
EMAIL = "This password contains a part of your e-mail address. Choose one without it."
DIGITS = "8264019375310"  # all digits, neither common nor short


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"


@pytest.fixture
def ann(make_user, make_org):
    user = make_user("ann.lee@mail.globex.example")
    make_org("Northwind Labs", slug="nw-trading", members=[user])
    return user


def refusal(password: str, user) -> list[tuple[str, str]]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [(error.code, error.messages[0]) for error in exc.error_list]
    return []


def refused_kinds(response) -> list[tuple[str, dict]]:
    """The codes and params of the refusals of the new password on the re-rendered form."""
    return [(error.code, error.params) for error in response.context["form"].errors.as_data()["new_password2"]]


def test_all_digit_and_any_other_composition_is_allowed(ann):
    for password in (DIGITS, "only lower case letters", "ЖЖЖЖЖЖЖЖЖЖЖЖ", "!!!!%%%%&&&&****"):
        assert refusal(password, ann) == [], password


def test_length_minimum_and_common_list_still_apply(ann):
    assert refusal("82640193", ann) == [
        ("password_too_short", "This password is too short. It must contain at least 10 characters.")]
    assert refusal("1234567890", ann) == [("password_too_common", "This password is too common.")]


@pytest.mark.parametrize("password, message", [
    ("my twostep key 42", SERVICE),
    ("Two-Step forever 42", SERVICE),  # case, spaces and punctuation do not matter
    ("NORTHWIND for ever 42", ORGANIZATION),  # a word of an organization's name
    ("northwindlabs 2026 x", ORGANIZATION),  # the whole name, without its space
    ("go nw-trading go 42", ORGANIZATION),  # the slug
    ("the globex password 7", EMAIL),  # a label of the domain
    ("annlee 8264019375", EMAIL),  # the local part, without its dot
    ("mail me 8264019375", EMAIL),  # every label but the top-level one
    ("ｎｏｒｔｈｗｉｎｄ 8264019375", ORGANIZATION),  # full-width letters are the plain ones (NFKC)
])
def test_context_words_are_refused_by_kind_without_echoing_the_password(ann, password, message):
    assert refusal(password, ann) == [("password_context_word", message)]
    assert password not in message


def test_short_words_and_the_top_level_domain_are_not_looked_for(ann):
    assert refusal("ann from example land 7", ann) == []  # "ann" is shorter than 4, "example" is the TLD


def test_issuer_name_is_refused(ann, settings):
    settings.TWOSTEP_ISSUER = "Initech Accounts"
    assert refusal("initech rules 8264", ann) == [("password_context_word", SERVICE)]


def test_other_organizations_words_are_allowed(ann, make_org):
    make_org("Umbrella Works", slug="umbrella")
    assert refusal("umbrella in the rain 7", ann) == []


def test_password_change_refuses_the_organization_and_allows_digits(client, clock, make_user, make_org, enrolled):
    user = make_user("member@acme.example")
    make_org("Acme Calibration", slug="acme", members=[user])
    enrolled(user)
    post_password(client, user.email)
    post_code(client, code_for(user, clock.now))
    refused = client.post(reverse("mfa:change_password"), {"current_password": PASSWORD,
                                                           "new_password1": "calibration is fun 7",
                                                           "new_password2": "calibration is fun 7"})
    assert refused.status_code == 400
    assert refused_kinds(refused) == [("password_context_word", {"kind": "organization"})]
    assert "calibration is fun 7" not in refused.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    done = client.post(reverse("mfa:change_password"), {"current_password": PASSWORD, "new_password1": DIGITS,
                                                        "new_password2": DIGITS})
    assert done.status_code == 302 and User.objects.get(pk=user.pk).check_password(DIGITS)


def test_reset_refuses_a_part_of_the_address_and_allows_digits(client, clock, ann, mailoutbox):
    link = ask_for_link(client, ann.email, mailoutbox)
    form_url = client.get(link)["Location"]
    refused = client.post(form_url, {"new_password1": "globex 8264019375", "new_password2": "globex 8264019375"})
    assert refused.status_code == 400 and refused_kinds(refused) == [("password_context_word", {"kind": "email"})]
    assert User.objects.get(pk=ann.pk).check_password(PASSWORD)
    assert client.post(form_url, {"new_password1": DIGITS, "new_password2": DIGITS}).status_code == 302
    assert User.objects.get(pk=ann.pk).check_password(DIGITS)


def test_invitation_refuses_the_inviting_organization(client, clock, make_user, make_org, mailoutbox):
    admin = make_user("admin@acme.example")
    acme = make_org("Acme Calibration", slug="acme", admins=[admin])
    invite_member(acme, email="new@initech.example", role="member", actor=admin, now=clock.now)
    client.get(link_path(mailoutbox[-1]))
    refused = client.post("/invitations/accept/", {"new_password1": "acme acme acme 7",
                                                   "new_password2": "acme acme acme 7"})
    assert refused.status_code == 400
    assert refused_kinds(refused) == [("password_context_word", {"kind": "organization"})]
    assert not User.objects.filter(email="new@initech.example").exists()
    done = client.post("/invitations/accept/", {"new_password1": DIGITS, "new_password2": DIGITS})
    assert done.status_code == 302 and User.objects.get(email="new@initech.example").check_password(DIGITS)


def test_createsuperuser_refuses_a_weak_password_also_without_input(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "twostep admin 2026")
    with pytest.raises(CommandError, match=SERVICE):
        call_command("createsuperuser", interactive=False, email="root@initech.example", verbosity=0)
    assert not User.objects.exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", DIGITS)
    call_command("createsuperuser", interactive=False, email="root@initech.example", verbosity=0)
    assert User.objects.get(email="root@initech.example").check_password(DIGITS)


def test_a_password_like_the_name_is_refused(make_user):
    user = make_user("x@initech.example", name="Bartholomew Quince")
    assert refusal("bartholomewquince", user) == [
        ("password_too_similar", "The password is too similar to the name.")]
