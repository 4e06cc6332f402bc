"""Require MFA from a date: the admin picks the date, members without MFA see a banner until then and
can set MFA up voluntarily; from the date the middleware sends them to setup."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD, code_for, post_code, post_password, prove_mailbox
from twostep.audit.models import AuditEvent
from twostep.clock import as_datetime
from twostep.mfa.models import Authenticator, OrganizationMfaPolicy
from twostep.mfa.rollout.context_processors import mfa_grace
from twostep.mfa.rollout.services import set_require_mfa
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

pytestmark = pytest.mark.django_db
BANNER = 'Acme Calibration requires MFA from 14 December; <a href="/mfa/setup/?next=%2F">set it up now</a>'
DEC_14 = datetime(2026, 12, 14, tzinfo=UTC)


@pytest.fixture
def acme(make_user, make_org):
    admin = make_user("admin@acme.example")
    member = make_user("member@acme.example")
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])


def signed_in(client, email):
    post_password(client, email)
    assert client.session.get("_auth_user_id")
    return client


@pytest.fixture
def admin_client(client, clock, acme, enrolled):
    """Acme's admin, with MFA of their own (only such an admin may switch Require MFA on), signed in."""
    admin = enrolled(acme.memberships.get(role="admin").user).user
    post_password(client, "admin@acme.example")
    post_code(client, code_for(admin, clock.now))
    assert client.session.get("_auth_user_id")
    return client


CONFIRMED = {"require_mfa": "on", "confirmed": "yes"}


def require_from(organization, moment, *, actor=None, now):
    return set_require_mfa(organization, required=True, actor=actor, moment=as_datetime(now), enforce_from=moment)


def policy_events():
    return list(AuditEvent.objects.filter(action="organization.require_mfa_changed").order_by("id")
                .values_list("actor_id", "detail"))


def test_admin_requires_mfa_from_a_date(admin_client, clock, acme):
    client = admin_client
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on", "starts": "date",
                                                         "enforce_date": "2026-12-14"})
    assert response.status_code == 302
    assert response["Location"] == "/orgs/acme/settings/mfa/confirm/?starts=date&enforce_date=2026-12-14"
    assert not OrganizationMfaPolicy.objects.exists()  # not before the admin confirms
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Require MFA from 14 December 2026?</h1>" in page
    assert ("1 of 2 members has not set up MFA yet. From 14 December 2026 they will be asked to set it up at "
            "their next sign-in") in page
    response = client.post("/orgs/acme/settings/mfa/", {**CONFIRMED, "starts": "date", "enforce_date": "2026-12-14"})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
    policy = OrganizationMfaPolicy.objects.get(organization=acme)
    assert (policy.required, policy.enforce_from, policy.changed_at) == (True, DEC_14, clock.moment)
    admin_id = int(client.session["_auth_user_id"])
    assert policy_events() == [(admin_id, {"before": {"required": False, "enforce_from": None},
                                           "after": {"required": True, "enforce_from": "2026-12-14T00:00:00+00:00"}})]
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "Require MFA is now on for Acme Calibration from 14 December 2026." in page
    assert "Required from 14 December 2026: until then members without MFA see a reminder" in page
    assert 'value="date" id="id_starts_1" checked' in page and 'value="2026-12-14"' in page
    assert "requires MFA from 14 December" not in page  # the admin has MFA: no banner
    client.post("/signout/")
    page = signed_in(client, "member@acme.example").get("/").content.decode()
    assert BANNER in page


@pytest.mark.parametrize("data, code", [
    ({"enforce_date": "2026-11-29"}, "date_in_past"),  # today is 2026-11-30
    ({"enforce_date": ""}, "date_missing"),
    ({"enforce_date": "14/12/2026"}, "invalid"),
])
@pytest.mark.parametrize("confirmed", [{}, {"confirmed": "yes"}], ids=["asked", "confirmed"])
def test_date_must_be_today_or_later(admin_client, clock, acme, data, code, confirmed):
    response = admin_client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on", "starts": "date", **data,
                                                               **confirmed})
    assert response.status_code == 400 and response.context["form"].has_error("enforce_date", code)
    assert not OrganizationMfaPolicy.objects.exists() and policy_events() == []


@pytest.mark.parametrize("data, code", [({"enforce_date": "2026-11-29"}, "date_in_past"),
                                        ({"enforce_date": "14/12/2026"}, "invalid")])
def test_the_confirmation_page_checks_the_date_too(admin_client, clock, acme, data, code):
    response = admin_client.get("/orgs/acme/settings/mfa/confirm/", {"starts": "date", **data})
    assert response.status_code == 400 and response.context["form"].has_error("enforce_date", code)


def test_today_means_now(admin_client, clock, acme):
    client = admin_client
    client.post("/orgs/acme/settings/mfa/", {**CONFIRMED, "starts": "date", "enforce_date": "2026-11-30"})
    assert OrganizationMfaPolicy.objects.get().enforce_from == datetime(2026, 11, 30, tzinfo=UTC)
    client.post("/signout/")
    signed_in_member = post_password(client, "member@acme.example")
    assert signed_in_member["Location"] == "/signin/setup/"  # the member has no MFA: enforced already


def test_now_ignores_the_date_field(admin_client, clock, acme):
    response = admin_client.post("/orgs/acme/settings/mfa/", {**CONFIRMED, "starts": "now",
                                                               "enforce_date": "not a date"})
    assert response.status_code == 302
    assert OrganizationMfaPolicy.objects.get().enforce_from == clock.moment


def test_banner_until_one_second_before_the_date_then_setup(client, clock, acme):
    deadline = clock.now + 1200  # within the idle timeout of the session signed in below
    require_from(acme, as_datetime(deadline), now=clock.now)
    signed_in(client, "member@acme.example")
    page = client.get("/").content.decode()
    assert 'Acme Calibration requires MFA from 30 November; <a href="/mfa/setup/?next=%2F">set it up now</a>' in page
    assert "Required from 30 November 2026, not set up yet." in page
    clock.now = deadline - 1
    response = client.get("/")
    assert response.status_code == 200 and "requires MFA from 30 November" in response.content.decode()
    clock.now = deadline
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/signin/setup/"
    assert client.session.get("_auth_user_id") is None


def test_sign_in_during_the_grace_period_needs_no_code(client, clock, acme):
    require_from(acme, DEC_14, now=clock.now)
    assert post_password(client, "member@acme.example")["Location"] == "/"
    clock.now = int(DEC_14.timestamp())
    client.post("/signout/")
    assert post_password(client, "member@acme.example")["Location"] == "/signin/setup/"


def test_earliest_date_wins(client, clock, acme, make_org):
    member = acme.memberships.get(role="member").user
    northwind = make_org("Northwind Labs", members=[member])
    require_from(acme, DEC_14, now=clock.now)
    require_from(northwind, datetime(2026, 12, 7, tzinfo=UTC), now=clock.now)
    page = signed_in(client, "member@acme.example").get("/").content.decode()
    assert "Northwind Labs requires MFA from 7 December;" in page and "Acme Calibration requires" not in page


def test_banner_costs_one_query_per_request(clock, acme):
    require_from(acme, DEC_14, now=clock.now)
    request = RequestFactory().get("/")
    request.user, request.session = acme.memberships.get(role="member").user, {}
    with CaptureQueriesContext(connection) as queries:
        first, second = mfa_grace(request), mfa_grace(request)
    assert len(queries) == 1
    assert first["mfa_grace"] is second["mfa_grace"]
    assert (first["mfa_grace"].organization_name, first["mfa_grace"].enforce_from) == ("Acme Calibration", DEC_14)


def test_no_banner_with_mfa_without_requirement_or_for_visitors(client, clock, acme, make_user, make_org, enrolled):
    require_from(acme, DEC_14, now=clock.now)
    assert "requires MFA from" not in client.get("/signin/").content.decode()
    make_org("Northwind Labs", members=[make_user("nora@northwind.example")])
    assert "requires MFA from" not in signed_in(client, "nora@northwind.example").get("/").content.decode()
    client.post("/signout/")
    member = acme.memberships.get(role="member").user
    enrolled(member)
    post_password(client, "member@acme.example")
    post_code(client, code_for(member, clock.now))
    assert "requires MFA from" not in client.get("/").content.decode()


def test_member_sets_up_mfa_voluntarily(client, clock, acme):
    require_from(acme, DEC_14, now=clock.now)
    member = acme.memberships.get(role="member").user
    signed_in(client, "member@acme.example")
    response = client.get("/mfa/setup/?next=/")
    assert response.status_code == 302 and response["Location"] == "/stepup/?next=%2Fmfa%2Fsetup%2F%3Fnext%3D%2F"
    step_up = client.post("/stepup/", {"password": PASSWORD, "next": "/mfa/setup/?next=/"})
    assert step_up["Location"] == "/mfa/setup/?next=/"
    assert client.get("/mfa/setup/?next=/")["Location"] == "/mfa/setup/email/?next=%2F"  # a first app: mailbox first
    assert prove_mailbox(client, "mfa:enroll_mailbox", query="?next=%2F")["Location"] == "/mfa/setup/?next=%2F"
    qr = client.get("/mfa/setup/?next=/").content.decode()
    assert "Set up multi-factor authentication" in qr and "<svg" in qr and "requires MFA from" not in qr
    assert 'href="/mfa/setup/confirm/?next=%2F"' in qr
    clock.advance(30)
    wrong = client.post("/mfa/setup/confirm/", {"code": "000000", "next": "/"})
    assert wrong.status_code == 400 and wrong.context["form"].has_error("code", "invalid_code")
    assert not Authenticator.objects.filter(user=member, confirmed_at__isnull=False).exists()
    done = client.post("/mfa/setup/confirm/", {"code": code_for(member, clock.now), "next": "/"})
    assert done.status_code == 200 and "Your authenticator app is set up." in done.content.decode()
    assert 'href="/">I have saved my recovery codes</a>' in done.content.decode()
    assert Authenticator.objects.get(user=member, confirmed_at__isnull=False).confirmed_at == clock.moment
    assert client.session[MFA_VERIFIED_AT] == clock.now
    page = client.get("/")
    assert page.status_code == 200 and "requires MFA from" not in page.content.decode()
    assert AuditEvent.objects.filter(action="mfa.enrolled", subject_id=member.pk).count() == 1
    client.post("/signout/")
    assert post_password(client, "member@acme.example")["Location"] == "/signin/code/"


def test_enrollment_views_need_a_signed_in_user(client, clock):
    for url in ["/mfa/setup/", "/mfa/setup/confirm/"]:
        assert client.get(url)["Location"] == f"/signin/?next={url.replace('/', '%2F')}"


def test_enrollment_ignores_a_foreign_next(client, clock, acme):
    member = acme.memberships.get(role="member").user
    signed_in(client, "member@acme.example")
    client.post("/stepup/", {"password": PASSWORD, "next": "/"})
    prove_mailbox(client, "mfa:enroll_mailbox")
    client.get("/mfa/setup/")
    done = client.post("/mfa/setup/confirm/", {"code": code_for(member, clock.now), "next": "https://evil.example/"})
    assert done.status_code == 200 and 'href="/">I have saved my recovery codes</a>' in done.content.decode()
    assert "evil.example" not in done.content.decode()


def test_turning_off_is_audited_and_members_keep_their_authenticators(client, clock, acme, enrolled):
    admin, member = (acme.memberships.get(role=role).user for role in ("admin", "member"))
    enrolled(admin)
    enrolled(member)
    set_require_mfa(acme, required=True, actor=admin, moment=clock.moment)
    post_password(client, "admin@acme.example")
    post_code(client, code_for(admin, clock.now))
    response = client.post("/orgs/acme/settings/mfa/", {})
    assert response.status_code == 302
    assert OrganizationMfaPolicy.objects.get(organization=acme).required is False
    assert policy_events()[-1] == (admin.pk, {"before": {"required": True, "enforce_from": clock.moment.isoformat()},
                                              "after": {"required": False, "enforce_from": None}})
    assert Authenticator.objects.filter(confirmed_at__isnull=False).count() == 2
    client.post("/signout/")
    assert post_password(client, "member@acme.example")["Location"] == "/signin/code/"


def test_turning_off_needs_a_fresh_step_up(client, clock, acme, enrolled):
    admin = acme.memberships.get(role="admin").user
    enrolled(admin)
    set_require_mfa(acme, required=True, actor=admin, moment=clock.moment)
    post_password(client, "admin@acme.example")
    post_code(client, code_for(admin, clock.now))
    clock.advance(601)  # the sign-in's step-up window is over
    response = client.post("/orgs/acme/settings/mfa/", {})
    assert response.status_code == 302
    assert response["Location"] == "/stepup/?next=%2Forgs%2Facme%2Fsettings%2Fmfa%2F"
    assert OrganizationMfaPolicy.objects.get(organization=acme).required is True
    client.post("/stepup/", {"password": PASSWORD, "code": code_for(admin, clock.now), "next": "/"})
    assert client.post("/orgs/acme/settings/mfa/", {}).status_code == 302
    assert OrganizationMfaPolicy.objects.get(organization=acme).required is False
