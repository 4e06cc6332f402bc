"""Sign-in and the password-reset request with spellings and look-alikes of an address: another spelling is
the address itself; a refused address or a look-alike answers, costs and counts exactly like an unknown
address (no account-enumeration oracle), and signs in to nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.lookalikes import CYRILLIC, CYRILLIC_ASCII, FULL_WIDTH, LIGATURE, REAL, REFUSED, SAME, ZERO_WIDTH
from tests.conftest import PASSWORD, post_password
from tests.mfa.test_enumeration import counting_hasher, hashes_for  # noqa: F401  (a fixture, and its helper)
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

AS_AUDITED = {ZERO_WIDTH: "ann@staff.example\\u200b", "ann@staff.\u202eexample": "ann@staff.\\u202eexample",
              CYRILLIC: CYRILLIC_ASCII}


@pytest.mark.parametrize("typed", SAME)
def test_another_spelling_of_the_address_signs_in_to_its_account(client, clock, make_user, typed):
    ann = make_user(REAL)
    response = post_password(client, typed)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(ann.pk)
    assert list(AuditEvent.objects.values_list("action", "subject_id")) == [("signin.succeeded", ann.pk)]


@pytest.mark.parametrize("typed", [*REFUSED, CYRILLIC])
def test_a_look_alike_with_the_right_password_reads_and_costs_like_an_unknown_address(
        clock, make_user, counting_hasher, typed):  # noqa: F811
    make_user(REAL)
    hashes, page, status, refused = hashes_for(typed, PASSWORD)
    assert (hashes, page, status, refused) == hashes_for("nobody@staff.example", PASSWORD)
    assert (hashes, status, refused) == (1, 400, True)  # refused as invalid_login
    failed = AuditEvent.objects.filter(action="signin.failed").order_by("pk")
    assert [(e.subject_id, e.detail) for e in failed] == [
        (None, {"email": AS_AUDITED[typed]}), (None, {"email": "nobody@staff.example"})]
    assert not AuditEvent.objects.filter(action="signin.succeeded").exists()


def test_every_spelling_counts_against_the_accounts_wrong_passwords(clock, make_user):
    make_user(REAL)
    for typed in [FULL_WIDTH, LIGATURE, "ANN@Staff.Example", FULL_WIDTH, LIGATURE]:
        assert post_password(Client(), typed, "not the password").status_code == 400
    refused = post_password(Client(), REAL)
    assert refused.status_code == 429 and refused["Retry-After"] == "30"


def test_a_look_alike_counts_like_an_unknown_address_not_against_the_account(client, clock, make_user):
    ann = make_user(REAL)
    for _ in range(5):
        assert post_password(Client(), CYRILLIC, "not the password").status_code == 400
    assert post_password(Client(), CYRILLIC, PASSWORD).status_code == 429  # its own counter, like any address
    assert post_password(client, REAL).status_code == 302
    assert client.session["_auth_user_id"] == str(ann.pk)


def ask_reset(email: str):
    return Client().post(reverse("accounts:password_reset"), {"email": email})


@pytest.mark.parametrize("typed", SAME)
def test_a_reset_for_another_spelling_goes_to_the_accounts_address(make_user, mailoutbox, typed):
    make_user(REAL)
    response = ask_reset(typed)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_sent")
    assert [m.to for m in mailoutbox] == [[REAL]]


@pytest.mark.parametrize("typed", [*REFUSED, CYRILLIC])
def test_a_reset_for_a_look_alike_answers_like_an_unknown_address_and_sends_nothing(make_user, mailoutbox, typed):
    make_user(REAL)
    look_alike, unknown = ask_reset(typed), ask_reset("nobody@staff.example")
    assert (look_alike.status_code, look_alike["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, reverse("accounts:password_reset_sent"))
    assert mailoutbox == []
    assert User.objects.count() == 1


def test_the_reset_mail_limit_counts_every_spelling_of_the_address(make_user, mailoutbox):
    make_user(REAL)
    for typed in [FULL_WIDTH, LIGATURE, REAL, FULL_WIDTH]:
        assert ask_reset(typed).status_code == 302
    assert [m.to for m in mailoutbox] == [[REAL]] * 3


def test_an_account_left_without_a_key_can_still_reset_its_password(settings, make_user, mailoutbox):
    settings.TWOSTEP_BASE_URL = "https://portal.example"
    make_user(REAL)
    twin = make_user("twin@staff.example")
    User.objects.filter(pk=twin.pk).update(email=CYRILLIC, email_skeleton=None)  # as accounts.0003 leaves it
    client = Client()
    assert client.post(reverse("accounts:password_reset"), {"email": CYRILLIC}).status_code == 302
    [message] = mailoutbox
    link = re.search(r"https://portal\.example(/account/password-reset/[^/\s]+/[^/\s]+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    new = "a brand new passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    twin.refresh_from_db()
    assert (message.to, twin.email, twin.email_skeleton, twin.check_password(new)) == ([CYRILLIC], CYRILLIC, None, True)
