"""The support console through Django's test client: who may use it, what it shows, and the reset."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password, set_throttle
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.accounts.models import User
from twostep.audit import events
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator, FactorThrottle, RecoveryCode
from twostep.organizations.models import Membership
from twostep.support.access import support_required
from twostep.support.models import SupportReset

pytestmark = pytest.mark.django_db
BY_CALL = {"identity_check": "callback"}  # how support checked the person
REASON = "Lost phone; identity checked by video call against the HR photo"


def console_urls(member):
    return [reverse("support:search") + "?q=member", reverse("support:user", args=[member.pk]),
            reverse("support:reset", args=[member.pk])]


def nothing_was_reset(member):
    return (Authenticator.objects.filter(user=member).count() == 1
            and RecoveryCode.objects.filter(user=member).count() == 10
            and not AuditEvent.objects.filter(action="mfa.reset").exists() and not SupportReset.objects.exists())


def test_anonymous_visitors_are_sent_to_sign_in(client, clock, member):
    for url in console_urls(member):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/signin/?next=/support/")
    assert client.post(console_urls(member)[2], {**BY_CALL, "reason": REASON}).status_code == 302
    assert nothing_was_reset(member)


@pytest.mark.parametrize("who", ["member", "org admin", "staff without the permission",
                                 "permission without staff"])
def test_only_support_staff_may_use_the_console(client, clock, make_user, grant_support, acme, member, who):
    if who == "member":
        user = member
    elif who == "org admin":
        user = make_user("admin@acme.example")
        Membership.objects.create(user=user, organization=acme, role=Membership.Role.ADMIN)
    elif who == "staff without the permission":
        user = make_user("ops@twostep.example", is_staff=True)
    else:
        user = grant_support(make_user("helper@twostep.example"))
    force_sign_in(client, user, verified_at=clock.now)
    for url in console_urls(member):
        response = client.get(url)
        assert response.status_code == 403
        assert AuditEvent.objects.filter(action="access.denied").latest("id").detail["rule"] == "not_support"
    response = client.post(console_urls(member)[2], {**BY_CALL, "reason": REASON})
    assert response.status_code == 403 and nothing_was_reset(member)
    assert f'href="{reverse("support:search")}"' not in client.get("/").content.decode()  # no way in is shown


def test_support_staff_must_have_passed_mfa_this_session(client, clock, support_user, member, rf):
    force_sign_in(client, support_user, verified_at=None)
    response = client.get(reverse("support:search"))  # staff without a code: the middleware asks for one
    assert response.status_code == 302 and response["Location"] == reverse("mfa:code")
    # The console's own check, without the middleware: the same code step, and no console.
    view = support_required(lambda request: HttpResponse("console"))
    request = rf.get("/support/?q=max")
    request.user, request.session = support_user, SessionStore()
    response = view(request)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:code")
    assert request.session["twostep_pending"]["next"] == "/support/?q=max"
    request.user, request.session = support_user, SessionStore()
    request.session["twostep_mfa_verified_at"] = clock.now
    assert view(request).content == b"console"


def test_support_staff_sign_in_with_mfa(client, clock, make_user, grant_support):
    grant_support(make_user("new-support@twostep.example", is_staff=True))
    assert post_password(client, "new-support@twostep.example")["Location"] == reverse("mfa:setup")


def test_superuser_is_support(client, clock, member):
    admin = User.objects.create_superuser("root@twostep.example", "x" * 12)
    force_sign_in(client, admin, verified_at=clock.now)
    assert client.get(reverse("support:search")).status_code == 200


def test_search_by_email_or_name_is_case_insensitive(client, clock, support_user, member, make_user):
    make_user("nora@northwind.example", name="Nora North")
    force_sign_in(client, support_user, verified_at=clock.now)
    assert f'href="{reverse("support:search")}">Support console</a>' in client.get("/").content.decode()
    for query in ("MEMBER@acme", "max mem", "Acme.Example"):
        page = client.get(reverse("support:search"), {"q": query}).content.decode()
        assert f'<a href="{reverse("support:user", args=[member.pk])}">member@acme.example</a>' in page
        assert "nora@northwind.example" not in page and "1 user matching" in page
    page = client.get(reverse("support:search"), {"q": "nora"}).content.decode()
    assert "<td>Nora North</td>\n          <td>Not set up</td>" in page
    assert "matching" not in client.get(reverse("support:search")).content.decode()


def test_search_results_come_twenty_to_a_page(client, clock, support_user):
    User.objects.bulk_create(User(email=f"user{n:02}@big.example", password=make_password(None)) for n in range(25))
    force_sign_in(client, support_user, verified_at=clock.now)
    first = client.get(reverse("support:search"), {"q": "big.example"}).content.decode()
    assert "25 users matching" in first and "Page 1 of 2" in first
    assert first.count("@big.example</a>") == 20 and "user19@big.example" in first
    second = client.get(reverse("support:search"), {"q": "big.example", "page": 2}).content.decode()
    assert second.count("@big.example</a>") == 5 and "user24@big.example" in second and "Page 2 of 2" in second


def test_user_page_shows_organizations_mfa_lockout_and_recent_events(client, clock, support_user, member, make_user):
    set_throttle(member, locked_at=clock.moment, failures=10)
    other = make_user("other@acme.example")
    for n in range(25):
        events.record(events.CODE_FAILED, actor=member, subject=member, outcome="failure", reason=f"test {n}")
    events.record(events.SIGNIN_SUCCEEDED, actor=other, subject=other)
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[member.pk])).content.decode()
    assert "<h1>member@acme.example</h1>" in page and "<dd>Max Member</dd>" in page
    assert "<tr><td>Acme Calibration</td><td>Member</td><td>On</td></tr>" in page
    assert "<tr><td>Northwind Labs</td><td>Member</td><td>Off</td></tr>" in page
    assert "<dt>Status</dt>\n    <dd>On</dd>" in page and "<dd>10 unused</dd>" in page
    assert "Locked since 30 Nov 2026, 00:00 UTC; 10 wrong codes in a row" in page
    assert page.count("<td>Wrong code — reason: test ") == 20 and "test 24" in page and "test 4<" not in page
    assert "<td>Signed in" not in page


def test_reset_needs_a_reason(client, clock, support_user, member):
    force_sign_in(client, support_user, verified_at=clock.now)
    form = client.get(reverse("support:reset", args=[member.pk]))
    assert form.status_code == 200 and "Reset MFA of member@acme.example?" in form.content.decode()
    response = client.post(reverse("support:reset", args=[member.pk]), {**BY_CALL, "reason": "   ", "ticket": "T-1"})
    assert response.status_code == 400 and response.context["form"].has_error("reason", "required")
    assert nothing_was_reset(member)


def test_reset_removes_mfa_ends_sessions_audits_and_tells_the_user(
        client, clock, support_user, member, django_capture_on_commit_callbacks):
    set_throttle(member, locked_at=clock.moment, failures=10, throttled_until=clock.moment + timedelta(minutes=5))
    phone = Client()
    force_sign_in(phone, member, verified_at=clock.now)
    assert phone.get("/").status_code == 200
    force_sign_in(client, support_user, verified_at=clock.now)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("support:reset", args=[member.pk]),
                               {**BY_CALL, "reason": REASON, "ticket": "HELP-42"})
    assert response.status_code == 302 and response["Location"] == reverse("support:user", args=[member.pk])
    page = client.get(response["Location"]).content.decode()
    assert "MFA of member@acme.example was reset." in page and "Required, not set up" in page
    assert (f"MFA reset — reason: {REASON}; identity checked: Call-back to a number on file; ticket: "
            "HELP-42;") in page
    assert f'href="{reverse("support:reset", args=[member.pk])}"' not in page  # nothing to reset now

    assert not Authenticator.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()
    assert phone.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert list(AuditEvent.objects.filter(action="mfa.reset").values_list(
        "actor_id", "actor_label", "subject_id", "outcome", "detail")) == [
        (support_user.pk, "support@twostep.example", member.pk, "success",
         {"reason": REASON, "identity_check": "callback", "ticket": "HELP-42", "authenticators": 1,
          "recovery_codes": 10, "cleared_lockout": True})]
    assert not FactorThrottle.objects.filter(user=member).exists()  # the lock is lifted with the reset
    record = SupportReset.objects.get()
    assert (record.actor, record.user_id, record.user_email, record.reason, record.identity_check, record.ticket,
            record.created_at) == (support_user, member.pk, "member@acme.example", REASON, "callback", "HELP-42",
                                   clock.moment)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@acme.example"]
    assert message.subject == "Your multi-factor authentication was reset"
    assert "on 30 November 2026 at 00:00 UTC" in message.body and "Did you not ask for this?" in message.body
    assert REASON not in message.body and "HELP-42" not in message.body
    assert post_password(Client(), "member@acme.example")["Location"] == reverse("mfa:setup")


def test_no_email_when_the_reset_does_not_commit(client, clock, support_user, member,
                                                 django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("support:reset", args=[member.pk]), {**BY_CALL, "reason": ""})
    assert mail.outbox == []


def test_support_cannot_reset_themselves_here(client, clock, support_user):
    force_sign_in(client, support_user, verified_at=clock.now)
    assert client.get(reverse("support:user", args=[support_user.pk])).context["refusal"].code == "own_account"
    response = client.post(reverse("support:reset", args=[support_user.pk]), {**BY_CALL, "reason": REASON})
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "own_account")
    assert Authenticator.objects.filter(user=support_user).exists()


def test_support_cannot_reset_a_staff_account_but_a_superuser_can(client, clock, support_user, grant_support,
                                                                   make_user):
    colleague = grant_support(make_user("colleague@twostep.example", is_staff=True))
    enroll_with_codes(colleague, now=clock.now - 60)
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[colleague.pk]))
    assert page.context["refusal"].code == "staff_account"
    assert f'href="{reverse("support:reset", args=[colleague.pk])}"' not in page.content.decode()
    assert client.get(reverse("support:reset", args=[colleague.pk])).status_code == 403
    response = client.post(reverse("support:reset", args=[colleague.pk]), {**BY_CALL, "reason": REASON})
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "staff_account")
    assert Authenticator.objects.filter(user=colleague).count() == 1 and not SupportReset.objects.exists()

    root = User.objects.create_superuser("root@twostep.example", "x" * 12)
    force_sign_in(client, root, verified_at=clock.now)
    response = client.post(reverse("support:reset", args=[colleague.pk]), {**BY_CALL, "reason": REASON})
    assert response.status_code == 302 and not Authenticator.objects.filter(user=colleague).exists()
    assert SupportReset.objects.get().actor == root


def test_unknown_user_is_not_found(client, clock, support_user):
    force_sign_in(client, support_user, verified_at=clock.now)
    assert client.get(reverse("support:user", args=[999_999])).status_code == 404
    assert client.post(reverse("support:reset", args=[999_999]), {**BY_CALL, "reason": REASON}).status_code == 404


@pytest.mark.parametrize("form, field, code", [
    ({"reason": "x" * 1001}, "reason", "max_length"),
    ({"reason": "lost\x00phone"}, "reason", "null_characters_not_allowed"),
    ({"reason": REASON, **BY_CALL, "ticket": "T" * 101}, "ticket", "max_length"),
    ({"reason": REASON}, "identity_check", "required"),
    ({"reason": REASON, "identity_check": "trust-me"}, "identity_check", "invalid_choice"),
])
def test_bad_reset_input_is_refused_with_a_message(client, clock, support_user, member, form, field, code):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = client.post(reverse("support:reset", args=[member.pk]), form)
    assert response.status_code == 400 and response.context["form"].has_error(field, code)
    assert nothing_was_reset(member)


@pytest.mark.parametrize("name, args", [("support:search", []), ("support:user", ["member"]),
                                        ("support:reset", ["member"])])
def test_wrong_method_gets_405(client, clock, support_user, member, name, args):
    force_sign_in(client, support_user, verified_at=clock.now)
    url = reverse(name, args=[member.pk for _ in args])
    response = client.put(url, "reason=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405 and nothing_was_reset(member)


def test_reset_with_nothing_to_reset_is_refused_and_sends_nothing(client, clock, support_user, make_user,
                                                                   django_capture_on_commit_callbacks):
    bare = make_user("bare@acme.example")
    force_sign_in(client, support_user, verified_at=clock.now)
    url = reverse("support:reset", args=[bare.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["refusal"].code == "nothing_to_reset"
    text = page.content.decode()
    assert 'name="reason"' not in text and "Reset MFA</button>" not in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**BY_CALL, "reason": REASON, "ticket": "T-9"})
    assert response.status_code == 400 and response.context["refusal"].code == "nothing_to_reset"
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="mfa.reset").exists() and not SupportReset.objects.exists()


def test_the_reset_form_of_ones_own_account_shows_the_refusal(client, clock, support_user):
    force_sign_in(client, support_user, verified_at=clock.now)
    response = client.get(reverse("support:reset", args=[support_user.pk]))
    text = response.content.decode()
    assert response.status_code == 403 and response.context["refusal"].code == "own_account"
    assert 'name="reason"' not in text and "Reset MFA</button>" not in text


def test_a_lock_before_any_authenticator_is_shown_and_reset(client, clock, support_user, make_user, acme):
    newcomer = make_user("new@acme.example")
    Membership.objects.create(user=newcomer, organization=acme)
    set_throttle(newcomer, failures=100, locked_at=clock.moment)  # 100 wrong mailbox codes or access passes
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[newcomer.pk])).content.decode()
    assert "Required, not set up" in page and "Reset MFA…" in page
    assert "Locked since 30 Nov 2026, 00:00 UTC; 100 wrong codes in a row (of any second factor)" in page
    response = client.post(reverse("support:reset", args=[newcomer.pk]),
                           {"reason": REASON, "identity_check": "callback"})
    assert response.status_code == 302 and not FactorThrottle.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.get(action="mfa.reset").detail == {
        "reason": REASON, "identity_check": "callback", "ticket": "", "authenticators": 0, "recovery_codes": 0,
        "cleared_lockout": True}
