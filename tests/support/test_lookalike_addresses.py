"""The support console's search and ``twostep mfa-reset`` with spellings and look-alikes of an address: a
search finds the account under every spelling and under a look-alike (support must see both), refuses
invisible characters; the command resets only the account of the canonical address, never a look-alike."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.accounts.lookalikes import CYRILLIC, CYRILLIC_ASCII, REAL, REFUSED, SAME
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator
from twostep.support.models import SupportReset

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(clock, make_user):
    user = make_user(REAL, name="Ann Staff")
    enroll_with_codes(user, now=clock.now - 60)
    return user


def search(client, query: str):
    return client.get(reverse("support:search"), {"q": query})


def found(response) -> list[tuple[int, str]]:
    return [(int(pk), email) for pk, email in
            re.findall(r'<td><a href="/support/users/(\d+)/">([^<]*)</a></td>', response.content.decode())]


@pytest.mark.parametrize("query", [*SAME, CYRILLIC, "st\u0430ff", "ＡＮＮ@"])
def test_a_search_finds_the_account_under_every_spelling_and_look_alike(client, clock, support_user, ann, query):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = search(client, query)
    assert response.status_code == 200
    assert found(response) == [(ann.pk, REAL)]


@pytest.mark.parametrize("query", REFUSED)
def test_a_search_with_invisible_characters_is_refused(client, clock, support_user, ann, query):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = search(client, query)
    assert response.status_code == 400 and response.context["form"].has_error("q", "unusual_characters")
    assert found(response) == []


def reset(email: str):
    call_command("mfa_reset", email, identity_check="callback", reason="Lost phone, checked by call-back")


@pytest.mark.parametrize("typed", SAME)
def test_mfa_reset_with_another_spelling_resets_the_account(clock, ann, typed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reset(typed)
    assert list(SupportReset.objects.values_list("user_id", "user_email")) == [(ann.pk, REAL)]
    assert not Authenticator.objects.filter(user=ann).exists()
    assert [m.to for m in mail.outbox] == [[REAL]]


@pytest.mark.parametrize("typed, message", [
    *((t, f"This address contains invisible or unusual characters. Type it again by hand. "
          f"({t.encode('ascii', 'backslashreplace').decode()!r})") for t in REFUSED),
    (CYRILLIC, f"No user has the e-mail address '{CYRILLIC_ASCII}'. Account {{pk}} has an address that "
               f"looks the same: {REAL}."),
])
def test_mfa_reset_of_a_look_alike_resets_nothing(clock, ann, typed, message):
    with pytest.raises(CommandError) as refused:
        reset(typed)
    assert str(refused.value) == message.format(pk=ann.pk)
    assert Authenticator.objects.filter(user=ann).count() == 1
    assert not SupportReset.objects.exists() and not AuditEvent.objects.filter(action="mfa.reset").exists()
