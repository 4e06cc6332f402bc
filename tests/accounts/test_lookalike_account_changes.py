"""Changing an address (the user's own page, the admin site's user form) and ``createsuperuser`` with
spellings and look-alikes of an existing address: refused with the reason (HTTP 400 on a page), nothing
changed; another spelling is the address itself."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.accounts.lookalikes import (
    CYRILLIC,
    FULL_WIDTH,
    LIGATURE,
    LOOKS_THE_SAME,
    REAL,
    RTL_OVERRIDE,
    UNUSUAL,
    ZERO_WIDTH,
)
from tests.signin_helpers import force_sign_in
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BOB = "bob@staff.example"


@pytest.fixture
def ann(client, clock, make_user):
    user = make_user(REAL, is_staff=True, is_superuser=True)
    force_sign_in(client, user, verified_at=clock.now, stepped_up_at=clock.now, mailbox_proven_at=clock.now)
    return user


@pytest.mark.parametrize("typed, code", [
    (ZERO_WIDTH, "unusual_characters"), (RTL_OVERRIDE, "unusual_characters"),
    (CYRILLIC, "email_looks_unchanged"),  # the attack: the members page, CSV and audit log would show the same address
    (FULL_WIDTH, "email_unchanged"), (LIGATURE, "email_unchanged"),
    ("bob@ｓtaff.example", "email_taken"), ("bob@staﬀ.example", "email_taken"),
    ("bob@st\u0430ff.example", "look_alike"),
])
def test_changing_to_a_look_alike_is_refused_with_the_reason(client, ann, make_user, mailoutbox, typed, code):
    make_user(BOB)
    response = client.post(reverse("mfa:change_email"), {"email": typed})
    assert response.status_code == 400 and response.context["form"].has_error("email", code)
    assert sorted(User.objects.values_list("email", flat=True)) == [REAL, BOB]
    assert not AuditEvent.objects.filter(action="account.email_changed").exists() and mailoutbox == []


def test_a_new_address_is_stored_canonical_with_its_key(client, ann):
    response = client.post(reverse("mfa:change_email"), {"email": "Ann@BÜCHER.example"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert User.objects.filter(pk=ann.pk).values_list("email", "email_skeleton").get() == (
        "ann@bücher.example", "ann@bu\u0308cher.exarnple")
    assert AuditEvent.objects.get(action="account.email_changed").detail == {
        "old_email": REAL, "new_email": "ann@bücher.example"}


def admin_change(client, user, email: str):
    return client.post(f"/admin/accounts/user/{user.pk}/change/", {"email": email, "name": "", "is_active": "on"})


@pytest.mark.parametrize("typed, code", [
    (ZERO_WIDTH, "unusual_characters"), (RTL_OVERRIDE, "unusual_characters"), (CYRILLIC, "look_alike"),
    (FULL_WIDTH, "email_taken"), (LIGATURE, "email_taken"),
])
def test_the_admin_site_refuses_a_look_alike_of_another_account(client, ann, make_user, typed, code):
    bob = make_user(BOB)
    response = admin_change(client, bob, typed)
    assert response.status_code == 400 and response.context["adminform"].form.has_error("email", code)
    assert User.objects.filter(pk=bob.pk).values_list("email", "email_skeleton").get() == (
        BOB, "bob@staff.exarnple")


def test_the_admin_site_stores_another_spelling_canonical(client, ann, make_user):
    bob = make_user(BOB)
    response = admin_change(client, bob, "bob@ｏﬃce.example")
    assert response.status_code == 302
    assert User.objects.filter(pk=bob.pk).values_list("email", "email_skeleton").get() == (
        "bob@office.example", "bob@office.exarnple")


def create_superuser(email: str):
    call_command("createsuperuser", interactive=False, email=email, verbosity=0)


@pytest.mark.parametrize("typed, message", [
    (ZERO_WIDTH, UNUSUAL), (RTL_OVERRIDE, UNUSUAL), (CYRILLIC, f"Error: {LOOKS_THE_SAME}"),
    (FULL_WIDTH, "Error: That e-mail address is already taken."),
    (LIGATURE, "Error: That e-mail address is already taken."),
])
def test_createsuperuser_refuses_a_look_alike(make_user, typed, message):
    make_user(REAL)
    with pytest.raises(CommandError) as refused:
        create_superuser(typed)
    assert str(refused.value) == message
    assert list(User.objects.values_list("email", "is_superuser")) == [(REAL, False)]


def test_createsuperuser_stores_the_canonical_address(db):
    create_superuser(FULL_WIDTH)
    assert list(User.objects.values_list("email", "email_skeleton", "is_superuser")) == [
        (REAL, "ann@staff.exarnple", True)]
