"""An organization admin resets a member's MFA from the members page: only for members of no organization the
admin does not administer, never staff, never themselves; after a step-up, with a reason; audited and e-mailed
as support's reset."""

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password, set_throttle
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator, FactorThrottle, RecoveryCode
from twostep.mfa.rollout import resets

pytestmark = pytest.mark.django_db
REASON = "Lost phone; called back on the number in the HR system"
FORM = {"identity_check": "callback", "reason": REASON}


@pytest.fixture
def world(make_user, make_org, require_mfa, clock):
    """Acme (Require MFA on): Ada admin; Lou lost her phone (Acme only); Bo is also in Globex; Sam is staff.
    Globex: Gil admin, Otto member (Globex only). Every one of them has set up MFA."""
    people = {name: make_user(f"{name}@example.com") for name in ("ada", "lou", "bo", "sam", "gil", "otto")}
    people["sam"].is_staff = True
    people["sam"].save()
    acme = make_org("Acme Calibration", slug="acme", admins=[people["ada"]],
                    members=[people["lou"], people["bo"], people["sam"]])
    globex = make_org("Globex", slug="globex", admins=[people["gil"]], members=[people["bo"], people["otto"]])
    require_mfa(acme)
    for user in people.values():
        enroll_with_codes(user, now=clock.now - 60)
    return {"acme": acme, "globex": globex, **people}


def url(user, slug="acme") -> str:
    return reverse("mfa:member_reset", args=[slug, user.pk])


def as_admin(client, world, clock, *, stepped_up=True, admin="ada"):
    force_sign_in(client, world[admin], verified_at=clock.now, stepped_up_at=clock.now if stepped_up else None)
    return client


def untouched(user) -> bool:
    return (Authenticator.objects.filter(user=user).count() == 1 and RecoveryCode.objects.filter(user=user).count()
            == 10 and not AuditEvent.objects.filter(action="mfa.reset").exists() and not mail.outbox)


def test_admin_resets_a_member_who_lost_her_phone(client, clock, world, django_capture_on_commit_callbacks):
    lou = world["lou"]
    set_throttle(lou, failures=100, locked_at=clock.moment)
    phone = Client()
    force_sign_in(phone, lou, verified_at=clock.now)
    as_admin(client, world, clock)
    form = client.get(url(lou))
    assert form.status_code == 200 and "Reset MFA of lou@example.com?" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(lou), FORM)
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/members/"
    assert "MFA of lou@example.com was reset." in client.get(response["Location"]).content.decode()
    assert (Authenticator.objects.filter(user=lou).count(), RecoveryCode.objects.filter(user=lou).count(),
            FactorThrottle.objects.filter(user=lou).count()) == (0, 0, 0)
    assert list(AuditEvent.objects.filter(action="mfa.reset").values_list(
        "actor_id", "subject_id", "organization_id", "organization_label", "outcome", "detail")) == [
        (world["ada"].pk, lou.pk, world["acme"].pk, "Acme Calibration", "success",
         {"reason": REASON, "identity_check": "callback", "ticket": "", "authenticators": 1, "recovery_codes": 10,
          "cleared_lockout": True})]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["lou@example.com"],
                                                         "Your multi-factor authentication was reset")]
    assert "an admin of Acme Calibration reset the multi-factor authentication" in mail.outbox[0].body
    assert REASON not in mail.outbox[0].body
    assert phone.get("/")["Location"].startswith(reverse("mfa:signin"))  # signed out everywhere
    assert post_password(Client(), "lou@example.com")["Location"] == reverse("mfa:setup")


@pytest.mark.parametrize(("who", "code"), [
    ("ada", "own_account"),
    ("sam", "staff_account"),
    ("bo", "other_organization"),  # also in Globex, which Ada does not administer
])
def test_refusals_say_to_ask_support(client, clock, world, settings, who, code):
    settings.TWOSTEP_SUPPORT_CONTACT = "help@twostep.example"
    as_admin(client, world, clock)
    for response in (client.get(url(world[who])), client.post(url(world[who]), FORM)):
        assert response.status_code == 403 and response.context["error"].code == code
        assert "ask support" in response.content.decode().lower()
        assert '<a href="mailto:help@twostep.example">help@twostep.example</a>' in response.content.decode()
    assert untouched(world[who])


def test_an_admin_of_every_organization_of_the_member_may_reset(client, clock, world,
                                                               django_capture_on_commit_callbacks):
    world["globex"].memberships.create(user=world["ada"], role="admin")
    as_admin(client, world, clock)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(world["bo"], "globex"), FORM).status_code == 302
    assert not Authenticator.objects.filter(user=world["bo"]).exists()
    assert list(AuditEvent.objects.filter(action="mfa.reset").values_list("organization_id", flat=True)) == [
        world["globex"].pk]


def test_a_member_of_another_organization_is_not_found(client, clock, world):
    as_admin(client, world, clock)
    assert client.get(url(world["otto"])).status_code == 404
    assert client.post(url(world["otto"]), FORM).status_code == 404
    assert client.post(reverse("mfa:member_reset", args=["acme", 999999]), FORM).status_code == 404
    assert untouched(world["otto"])


def test_only_an_admin_of_the_organization_may_reset(client, clock, world):
    as_admin(client, world, clock, admin="gil")  # Globex's admin, at Acme's page
    assert client.post(url(world["lou"]), FORM).status_code == 403
    as_admin(client, world, clock, admin="lou")  # a member of Acme
    assert client.post(url(world["bo"]), FORM).status_code == 403
    assert untouched(world["lou"]) and untouched(world["bo"])
    assert resets.refusal(world["acme"], world["gil"], world["lou"]).code == "not_organization_admin"
    assert resets.refusal(world["acme"], world["ada"], world["otto"]).code == "not_a_member"


def test_the_reset_needs_a_fresh_step_up(client, clock, world):
    as_admin(client, world, clock, stepped_up=False)
    for response in (client.get(url(world["lou"])), client.post(url(world["lou"]), FORM)):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('mfa:stepup')}?{urlencode({'next': url(world['lou'])})}"
    assert untouched(world["lou"])


@pytest.mark.parametrize(("data", "field"), [
    ({"identity_check": "callback", "reason": "   "}, "reason"),
    ({"reason": REASON}, "identity_check"),
    ({"identity_check": "a hunch", "reason": REASON}, "identity_check"),
])
def test_the_reason_and_the_identity_check_are_required(client, clock, world, data, field):
    as_admin(client, world, clock)
    response = client.post(url(world["lou"]), data)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()[field][0].code in ("required", "invalid_choice")
    assert untouched(world["lou"])


def test_nothing_to_reset(client, clock, world, make_user):
    newcomer = make_user("new@example.com")
    world["acme"].memberships.create(user=newcomer)
    as_admin(client, world, clock)
    for response in (client.get(url(newcomer)), client.post(url(newcomer), FORM)):
        assert response.status_code == 400 and response.context["error"].code == "nothing_to_reset"
    assert not AuditEvent.objects.filter(action="mfa.reset").exists() and not mail.outbox


def test_the_use_case_checks_the_rule_itself(clock, world):
    with pytest.raises(resets.OutsideAdminReachError):
        resets.reset_member_mfa(world["acme"], world["bo"], admin=world["ada"], reason=REASON,
                                identity_check="callback", now=clock.now)
    assert untouched(world["bo"])


def test_the_members_page_links_the_reset_for_members_with_something_to_reset(client, clock, world, make_user):
    newcomer = make_user("new@example.com")
    world["acme"].memberships.create(user=newcomer)
    page = as_admin(client, world, clock).get("/orgs/acme/settings/mfa/members/").content.decode()
    for who in ("lou", "bo", "sam"):  # the page links; the reset page decides (Bo and Sam: ask support)
        assert f'href="{url(world[who])}"' in page
    assert f'href="{url(world["ada"])}"' not in page and f'href="{url(newcomer)}"' not in page
