"""Support issues a temporary access pass from the user page: shown once, stored hashed, audited, listed."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password
from tests.signin_helpers import force_sign_in
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.disown import holds
from twostep.mfa.models import AccessPass, AccountHold
from twostep.organizations.models import Membership
from twostep.support import services

pytestmark = pytest.mark.django_db
REASON = "No mail since the domain moved; identity checked by video call against the HR photo"
PASS = re.compile(r'<code class="key" id="access-pass">([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>')


@pytest.fixture
def newcomer(make_user, acme):
    """A member of Acme (Require MFA on) who has not set up MFA yet."""
    user = make_user("newcomer@acme.example", name="Nia Newcomer")
    Membership.objects.create(user=user, organization=acme)
    return user


def url(user) -> str:
    return reverse("support:access_pass", args=[user.pk])


def issue(client, user, django_capture_on_commit_callbacks, **form):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url(user), {"reason": REASON, "ticket": "HELP-7", **form})


def issued_events():
    return list(AuditEvent.objects.filter(action="mfa.access_pass_issued").values_list(
        "actor_id", "actor_label", "subject_id", "outcome", "detail"))


def nothing_issued():
    return not AccessPass.objects.exists() and not issued_events() and mail.outbox == []


def test_the_user_page_offers_the_form(client, clock, support_user, newcomer):
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[newcomer.pk])).content.decode()
    assert f'<form method="post" action="{url(newcomer)}" novalidate>' in page
    assert "It works once, for 1 hour, and only together with their\n  password" in page
    assert 'Issue a temporary access pass</button>' in page and "No temporary access pass was issued." in page


def test_the_pass_is_shown_once_never_stored_audited_and_the_user_told(
        client, clock, support_user, newcomer, django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = issue(client, newcomer, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "Location" not in response
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Referrer-Policy"] == "strict-origin"
    page = response.content.decode()
    text = PASS.search(page).group(1)
    assert "This is the only time the pass is shown." in page
    assert 'once, for 1 hour: until <time datetime="2026-11-30T01:00:05+00:00">30 Nov 2026, 01:00 UTC</time>' in page
    assert ("The pass is valid until 30 Nov 2026, 01:00 UTC: it only lets you set\n      up multi-factor "
            "authentication, once.") in page

    row = AccessPass.objects.get()
    assert (row.user, row.issued_by_label, row.reason, row.expires_at.timestamp(), row.used_at, row.voided_at) == (
        newcomer, "support@twostep.example", REASON, clock.now + 3600, None, None)
    assert text not in str(list(AccessPass.objects.values_list())) and text.replace("-", "") not in row.pass_hash
    assert issued_events() == [(support_user.pk, "support@twostep.example", newcomer.pk, "success",
                                {"reason": REASON, "ticket": "HELP-7", "valid_for": 3600})]
    assert Session.objects.exists()
    assert all(text not in str(session.get_decoded()) for session in Session.objects.all())
    [notice] = mail.outbox
    assert (notice.to, notice.subject) == (["newcomer@acme.example"],
                                           "A temporary access pass was issued for your account")
    assert "once,\nuntil 30 November 2026 at 01:00 UTC. This e-mail does not contain the pass." in notice.body
    assert text not in notice.body and REASON not in notice.body and "From: IP address" not in notice.body

    listed = client.get(reverse("support:user", args=[newcomer.pk])).content.decode()
    assert text not in listed
    assert (f"<tr><td class=\"when\">2026-11-30 00:00:05</td><td>support@twostep.example</td><td>{REASON}</td>"
            "<td>Valid until 2026-11-30 01:00:05</td></tr>") in listed


def test_the_pass_lets_the_user_set_up_mfa(client, clock, support_user, newcomer, django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    text = PASS.search(issue(client, newcomer, django_capture_on_commit_callbacks).content.decode()).group(1)
    phone = Client()
    assert post_password(phone, newcomer.email)["Location"] == reverse("mfa:setup")
    assert phone.get(reverse("mfa:setup"))["Location"] == reverse("mfa:setup_mailbox")
    clock.advance(600)
    used = phone.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": text.lower()})
    assert (used.status_code, used["Location"]) == (302, reverse("mfa:setup"))
    assert "otpauth://totp/" in phone.get(reverse("mfa:setup")).content.decode()
    listed = client.get(reverse("support:user", args=[newcomer.pk])).content.decode()
    assert "<td>Used 2026-11-30 00:10:05</td>" in listed


def test_a_new_pass_voids_the_old_one_and_every_state_is_listed(
        client, clock, support_user, newcomer, django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    issue(client, newcomer, django_capture_on_commit_callbacks, reason="first")
    clock.advance(60)
    issue(client, newcomer, django_capture_on_commit_callbacks, reason="second")
    clock.advance(3600)  # the second ran out 60 s ago
    force_sign_in(client, support_user, verified_at=clock.now)  # an hour later: the idle session has ended
    issue(client, newcomer, django_capture_on_commit_callbacks, reason="third")
    page = client.get(reverse("support:user", args=[newcomer.pk])).content.decode()
    states = re.findall(r"<td>(first|second|third)</td><td>([^<]+)</td>", page)
    assert states == [("third", "Valid until 2026-11-30 02:01:05"), ("second", "Expired 2026-11-30 01:01:05"),
                      ("first", "Voided 2026-11-30 00:01:05 (a newer pass replaced it)")]
    assert len(issued_events()) == 3 and len(mail.outbox) == 3


def test_support_cannot_issue_a_pass_for_their_own_account(client, clock, support_user,
                                                           django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    assert client.get(reverse("support:user", args=[support_user.pk])).context["pass_refusal"].code == "own_account"
    page = client.get(url(support_user))
    assert page.status_code == 403 and page.context["refusal"].code == "own_account"
    assert 'name="reason"' not in page.content.decode()
    response = issue(client, support_user, django_capture_on_commit_callbacks)
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "own_account")
    assert nothing_issued()


def test_support_cannot_issue_a_pass_for_a_staff_account_but_a_superuser_can(
        client, clock, support_user, make_user, grant_support, django_capture_on_commit_callbacks):
    colleague = grant_support(make_user("colleague@twostep.example", is_staff=True))
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[colleague.pk]))
    assert page.context["pass_refusal"].code == "staff_account"
    assert f'action="{url(colleague)}"' not in page.content.decode()  # no form to issue one
    assert client.get(url(colleague)).status_code == 403
    response = issue(client, colleague, django_capture_on_commit_callbacks)
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "staff_account")
    assert nothing_issued()

    root = User.objects.create_superuser("root@twostep.example", "x" * 12)
    force_sign_in(client, root, verified_at=clock.now)
    assert issue(client, colleague, django_capture_on_commit_callbacks).status_code == 200
    assert AccessPass.objects.get().issued_by_label == "root@twostep.example"


@pytest.mark.parametrize("case, message", [
    ("has an authenticator", services.HAS_AUTHENTICATOR),
    ("mailbox proof off", services.NO_MAILBOX_PROOF),
    ("deactivated", services.DEACTIVATED),
    ("on hold", services.ON_HOLD),
])
def test_a_pass_that_would_not_help_is_not_issued(client, clock, settings, support_user, member, newcomer,
                                                  django_capture_on_commit_callbacks, case, message):
    target = member if case == "has an authenticator" else newcomer
    if case == "mailbox proof off":
        settings.TWOSTEP_MAILBOX_PROOF = False
    if case == "deactivated":
        User.objects.filter(pk=newcomer.pk).update(is_active=False)
    if case == "on hold":
        holds.place_hold(newcomer, reason=AccountHold.Reason.DISOWNED, detail="Test hold", now=clock.now - 60)
    force_sign_in(client, support_user, verified_at=clock.now)
    user_page = client.get(reverse("support:user", args=[target.pk]))
    refused = user_page.context["pass_refusal"]
    assert (refused.code, refused.message) == ("access_pass_not_needed", message)  # the reason, by its constant
    assert f'action="{url(target)}"' not in user_page.content.decode()
    form = client.get(url(target))
    assert form.status_code == 200 and form.context["refusal"].message == message
    assert 'name="reason"' not in form.content.decode()
    response = issue(client, target, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and (response.context["refusal"].code, response.context["refusal"].message) == (
        "access_pass_not_needed", message)
    assert nothing_issued()


@pytest.mark.parametrize("form, field, code", [
    ({"reason": "   "}, "reason", "required"),
    ({"reason": "x" * 501}, "reason", "max_length"),
    ({"reason": "lost\x00mail"}, "reason", "null_characters_not_allowed"),
    ({"ticket": "T" * 101}, "ticket", "max_length"),
])
def test_bad_input_is_refused_with_a_message(client, clock, support_user, newcomer,
                                             django_capture_on_commit_callbacks, form, field, code):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = issue(client, newcomer, django_capture_on_commit_callbacks, **form)
    assert response.status_code == 400 and response.context["form"].has_error(field, code)
    assert not PASS.search(response.content.decode()) and nothing_issued()


def test_wrong_method_and_unknown_user(client, clock, support_user, newcomer):
    force_sign_in(client, support_user, verified_at=clock.now)
    assert client.put(url(newcomer), "reason=x", content_type="application/x-www-form-urlencoded").status_code == 405
    assert client.post(reverse("support:access_pass", args=[999_999]), {"reason": REASON}).status_code == 404
    assert nothing_issued()
