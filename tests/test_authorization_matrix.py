"""Object-level authorization: every view × every kind of visitor, with the expected answer.

One row per view and method (URL arguments, where a view takes any, in ``KWARGS``). An expected answer
is an HTTP status (200, 400, 403, 405) or ``"→name"``: a 302 redirect to the page of that URL name (its
query string, e.g. ``?next=``, is not compared).
Adding a view means adding one row; ``test_every_view_has_a_row`` fails until it has one.

Roles: ``anonymous``; ``pending`` — password done, code not (a member of Acme, which requires MFA);
``member`` of Acme; ``admin`` of Acme; ``other_admin`` — admin of Globex only; ``support`` — support staff
(``is_staff`` with the ``support.reset_mfa`` permission) with no organization; ``staff`` — a superuser with
no organization. Every signed-in role passed a code.
"""

from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from tests.conftest import PASSWORD, code_for, post_password
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.rollout.services import set_require_mfa
from twostep.mfa.signin.journey import MFA_VERIFIED_AT
from twostep.organizations import invitations
from twostep.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "member", "admin", "other_admin", "support", "staff")
SIGNIN, CODE, HOME, STEPUP = "→mfa:signin", "→mfa:code", "→home", "→mfa:stepup"


class Row(NamedTuple):
    name: str
    method: str
    anonymous: object
    pending: object
    member: object
    admin: object
    other_admin: object
    support: object
    staff: object


R = Row
ADMIN_LOGIN, ADMIN_INDEX, ORG_MFA = "→admin:login", "→admin:index", "→mfa:organization"
ORG, ACCEPT, PASSWORD_PAGE = "→organizations:settings", "→invitations:accept", "→mfa:change_password"
DISOWN = "→mfa:disown"
AL = ADMIN_LOGIN
MATRIX = [
    # URL name                              method  anonymous    pending member  admin    other   support staff
    R("home", "GET",                                SIGNIN,      CODE,   200,    200,     200,    200,    200),
    # The demo's mailbox: loopback browsers only (the test client is 127.0.0.1), never in production.
    R("demo_mailbox", "GET",                        200,         200,    200,    200,     200,    200,    200),
    R("mfa:signin", "GET",                          200,         CODE,   HOME,   HOME,    HOME,   HOME,   HOME),
    R("mfa:signin", "POST",                         400,         CODE,   400,    400,     400,    400,    400),
    R("mfa:setup_mailbox", "GET",                   SIGNIN,      CODE,   SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:setup", "GET",                           SIGNIN,      CODE,   SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:setup_confirm", "GET",                   SIGNIN,      CODE,   SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:code", "GET",                            SIGNIN,      200,    SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:signout", "GET",                         200,         200,    200,    200,     200,    200,    200),
    R("mfa:signout", "POST",                        SIGNIN,      SIGNIN, SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:stepup", "GET",                          SIGNIN,      CODE,   200,    200,     200,    200,    200),
    R("mfa:stepup", "POST",                         SIGNIN,      CODE,   400,    400,     400,    400,    400),
    R("mfa:change_email", "GET",                    SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:change_email", "POST",                   SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:change_password", "GET",                 SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:change_password", "POST",                SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:organization", "GET",                    SIGNIN,      CODE,   403,    200,     403,    403,    403),
    # The matrix posts an empty form: Require MFA off, which needs a step-up first.
    R("mfa:organization", "POST",                   SIGNIN,      CODE,   403,    STEPUP,  403,    403,    403),
    R("mfa:organization_confirm", "GET",            SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("organizations:settings", "GET",              SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("organizations:settings", "POST",             SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("organizations:audit", "GET",                 SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("accounts:password_reset", "GET",             200,         CODE,   200,    200,     200,    200,    200),
    R("accounts:password_reset", "POST",            400,         CODE,   400,    400,     400,    400,    400),
    R("accounts:password_reset_sent", "GET",        200,         CODE,   200,    200,     200,    200,    200),
    R("accounts:password_reset_confirm", "GET",     200,         CODE,   200,    200,     200,    200,    200),
    R("mfa:recovery", "GET",                        SIGNIN,      200,    SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:recovery", "POST",                       SIGNIN,      400,    SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:security", "GET",                        SIGNIN,      CODE,   200,    200,     200,    200,    200),
    R("mfa:sessions", "GET",                        SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:sessions", "POST",                       SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:recovery_codes", "GET",                  SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:recovery_codes", "POST",                 SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:recovery_codes_download", "GET",         SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("mfa:recovery_codes_download", "POST",        SIGNIN,      CODE,   400,    400,     400,    400,    400),
    R("mfa:disable", "GET",                         SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:disable", "POST",                        SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("support:search", "GET",                      SIGNIN,      CODE,   403,    403,     403,    200,    200),
    R("support:user", "GET",                        SIGNIN,      CODE,   403,    403,     403,    200,    200),
    R("support:reset", "GET",                       SIGNIN,      CODE,   403,    403,     403,    200,    200),
    R("support:reset", "POST",                      SIGNIN,      CODE,   403,    403,     403,    400,    400),
    # ``member`` has no authenticator yet: a pass would help. The matrix posts an empty form (no reason).
    R("support:access_pass", "GET",                 SIGNIN,      CODE,   403,    403,     403,    200,    200),
    R("support:access_pass", "POST",                SIGNIN,      CODE,   403,    403,     403,    400,    400),
    R("mfa:enroll_mailbox", "GET",                  SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:account_mailbox", "GET",                 SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:enroll", "GET",                          SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:enroll_confirm", "GET",                  SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:enroll_confirm", "POST",                 SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:members", "GET",                         SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("mfa:members_csv", "GET",                     SIGNIN,      CODE,   403,    200,     403,    403,    403),
    # Only Acme's admins, after a step-up; the reset page itself refuses what is support's (test_member_reset).
    R("mfa:member_reset", "GET",                    SIGNIN,      CODE,   403,    STEPUP,  403,    403,    403),
    R("mfa:member_reset", "POST",                   SIGNIN,      CODE,   403,    STEPUP,  403,    403,    403),
    R("mfa:notify", "GET",                          SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("organizations:invite", "GET",                SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("organizations:invite", "POST",               SIGNIN,      CODE,   403,    400,     403,    403,    403),
    R("organizations:member_role", "GET",           SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("organizations:member_role", "POST",          SIGNIN,      CODE,   403,    400,     403,    403,    403),
    R("organizations:member_remove", "GET",         SIGNIN,      CODE,   403,    200,     403,    403,    403),
    R("organizations:invitation_revoke", "POST",    SIGNIN,      CODE,   403,    ORG,     403,    403,    403),
    R("invitations:open", "GET",                    ACCEPT,      CODE,   ACCEPT, ACCEPT,  ACCEPT, ACCEPT, ACCEPT),
    R("invitations:accept", "GET",                  400,         CODE,   400,    400,     400,    400,    400),
    # "This wasn't me" is open to every session, also mid-sign-in: only the link's token decides.
    R("mfa:disown_open", "GET",                     DISOWN,      DISOWN, DISOWN, DISOWN,  DISOWN, DISOWN, DISOWN),
    R("mfa:disown", "GET",                          400,         400,    400,    400,     400,    400,    400),
    R("mfa:disown", "POST",                         400,         400,    400,    400,     400,    400,    400),
    R("support:lift_hold", "GET",                   SIGNIN,      CODE,   403,    403,     403,    200,    200),
    R("support:lift_hold", "POST",                  SIGNIN,      CODE,   403,    403,     403,    400,    400),
    # Support staff are staff: the admin site opens for them, but shows no model they have no permission for.
    R("admin:index", "GET",                         AL,          CODE,   AL,     AL,      AL,     200,    200),
    R("admin:login", "GET",                         SIGNIN,      CODE,   403,    403,     403,    ADMIN_INDEX,
      ADMIN_INDEX),
    R("admin:logout", "POST",                       ADMIN_INDEX, CODE,   ADMIN_INDEX, ADMIN_INDEX, ADMIN_INDEX,
      SIGNIN, SIGNIN),
    R("admin:password_change", "GET",               AL,          CODE,   AL,     AL,      AL,     PASSWORD_PAGE,
      PASSWORD_PAGE),
    # The other method of every view: a page that only shows answers a POST with 405, a form that only posts
    # answers a GET with 405, and neither lets anyone past the checks above.
    R("home", "POST",                               SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("demo_mailbox", "POST",                       405,         405,    405,    405,     405,    405,    405),
    R("mfa:setup_mailbox", "POST",                  SIGNIN,      CODE,   SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:enroll_mailbox", "POST",                 SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:account_mailbox", "POST",                SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:setup", "POST",                          405,         CODE,   405,    405,     405,    405,    405),
    R("mfa:setup_confirm", "POST",                  SIGNIN,      CODE,   SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:code", "POST",                           SIGNIN,      400,    SIGNIN, SIGNIN,  SIGNIN, SIGNIN, SIGNIN),
    R("mfa:enroll", "POST",                         SIGNIN,      CODE,   STEPUP, STEPUP,  STEPUP, STEPUP, STEPUP),
    R("mfa:security", "POST",                       SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("mfa:notify", "POST",                         SIGNIN,      CODE,   403,    ORG_MFA, 403,    403,    403),
    R("mfa:organization_confirm", "POST",           SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("mfa:members", "POST",                        SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("mfa:members_csv", "POST",                    SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("organizations:audit", "POST",                SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("organizations:member_remove", "POST",        SIGNIN,      CODE,   403,    ORG,     403,    403,    403),
    R("organizations:invitation_revoke", "GET",     SIGNIN,      CODE,   405,    405,     405,    405,    405),
    R("accounts:password_reset_sent", "POST",       405,         CODE,   405,    405,     405,    405,    405),
    R("accounts:password_reset_confirm", "POST",    200,         CODE,   200,    200,     200,    200,    200),
    R("invitations:open", "POST",                   405,         CODE,   405,    405,     405,    405,    405),
    R("mfa:disown_open", "POST",                    405,         405,    405,    405,     405,    405,    405),
    R("invitations:accept", "POST",                 400,         CODE,   400,    400,     400,    400,    400),
    R("support:search", "POST",                     SIGNIN,      CODE,   403,    403,     403,    405,    405),
    R("support:user", "POST",                       SIGNIN,      CODE,   403,    403,     403,    405,    405),
]
# The URL arguments of the views that take any: Acme's pages, Acme's membership of ``member``, an open
# invitation to Acme, links with tokens that are not valid. A function gets the ``world`` fixture.
ACME = {"slug": "acme"}
KWARGS = {
    "mfa:organization": ACME, "mfa:organization_confirm": ACME, "mfa:members": ACME, "mfa:members_csv": ACME,
    "mfa:notify": ACME, "mfa:member_reset": lambda world: {"slug": "acme", "user_id": world["member"].pk},
    "organizations:settings": ACME, "organizations:audit": ACME, "organizations:invite": ACME,
    "organizations:member_role": lambda world: {"slug": "acme", "pk": world["membership"].pk},
    "organizations:member_remove": lambda world: {"slug": "acme", "pk": world["membership"].pk},
    "organizations:invitation_revoke": lambda world: {"slug": "acme", "pk": world["invitation"].pk},
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "not-a-valid-token"},
    "invitations:open": {"link": "not-a-valid-link"},
    "mfa:disown_open": {"token": "not-a-valid-token"},
    "support:lift_hold": lambda world: {"pk": world["member"].pk},
    "support:user": lambda world: {"pk": world["member"].pk},
    "support:reset": lambda world: {"pk": world["member"].pk},
    "support:access_pass": lambda world: {"pk": world["member"].pk},
}
# The admin's model pages: staff only (200), read-only ones refuse adding (403); others go to its login.
ADMIN_PAGES = {
    "admin:accounts_user_changelist": 200, "admin:accounts_user_add": 403,
    "admin:auth_group_changelist": 200, "admin:auth_group_add": 200,
    "admin:audit_auditevent_changelist": 200, "admin:audit_auditevent_add": 403,
    "admin:mfa_authenticator_changelist": 200, "admin:mfa_authenticator_add": 403,
    "admin:mfa_organizationmfapolicy_changelist": 200, "admin:mfa_organizationmfapolicy_add": 403,
    "admin:mfa_accounthold_changelist": 200, "admin:mfa_accounthold_add": 403,
    "admin:mfa_factorthrottle_changelist": 200, "admin:mfa_factorthrottle_add": 403,
    "admin:organizations_organization_changelist": 200, "admin:organizations_organization_add": 200,
    "admin:organizations_membership_changelist": 200, "admin:organizations_membership_add": 200,
    "admin:support_supportreset_changelist": 200, "admin:support_supportreset_add": 403,
}
MATRIX += [R(name, "GET", ADMIN_LOGIN, CODE, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, staff)
           for name, staff in ADMIN_PAGES.items()]
# Admin URLs that need an object or serve scripts; their access check is the same admin_view as above.
NOT_IN_MATRIX = {"admin:app_list", "admin:autocomplete", "admin:jsi18n", "admin:view_on_site",
                 "admin:password_change_done"}


@pytest.fixture
def world(clock) -> dict:
    """The people of every role, Acme (requires MFA) and Globex, and an open invitation to Acme."""
    password_hash = make_password(PASSWORD)  # one hash for all: users are made without hashing each

    def user(email, **fields):
        return User.objects.create(email=email, password=password_hash, **fields)

    people = {role: user(f"{role}@example.com") for role in ROLES[1:6]}
    people["staff"] = user("staff@example.com", is_staff=True, is_superuser=True)
    people["support"].is_staff = True
    people["support"].save(update_fields=["is_staff"])
    people["support"].user_permissions.add(Permission.objects.get(content_type__app_label="support",
                                                                  codename="reset_mfa"))
    acme = Organization.objects.create(name="Acme Calibration", slug="acme")
    globex = Organization.objects.create(name="Globex", slug="globex")
    for role, organization, kind in [("pending", acme, "member"), ("member", acme, "member"),
                                     ("admin", acme, "admin"), ("other_admin", globex, "admin")]:
        Membership.objects.create(user=people[role], organization=organization, role=kind)
    enrollments.start_enrollment(people["admin"], binding="admin", now=clock.now - 60)  # only an admin with MFA
    enrollments.confirm_enrollment(people["admin"], code_for(people["admin"], clock.now - 60), binding="admin",
                                   now=clock.now - 60)  # may require it
    set_require_mfa(acme, required=True, actor=people["admin"], moment=clock.moment)
    enrollments.start_enrollment(people["pending"], binding="fixture", now=clock.now)
    enrollments.confirm_enrollment(people["pending"], code_for(people["pending"], clock.now - 30), binding="fixture",
                                   now=clock.now - 30)
    invitation = invitations.invite_member(acme, email="newcomer@example.com", role="member",
                                           actor=people["admin"], now=clock.now)
    return {**people, "membership": Membership.objects.get(user=people["member"]), "invitation": invitation}


@pytest.fixture
def visitors(clock, world) -> dict:
    """A browser (test client) per role, each in its state; every signed-in one passed a code."""
    clients = {role: Client() for role in ROLES}
    assert post_password(clients["pending"], "pending@example.com")["Location"] == reverse("mfa:code")
    for role in ROLES[2:]:
        clients[role].force_login(world[role])
        session = clients[role].session
        session[MFA_VERIFIED_AT] = clock.now
        session.save()
    return clients


def outcome(response):
    if response.status_code != 302:
        return response.status_code
    return "→" + resolve(urlsplit(response["Location"]).path).view_name


def answer_and_denials(client, method: str, url: str):
    """The outcome of one request and the ``access.denied`` events it wrote, as (actor, path pattern)."""
    before = AuditEvent.objects.filter(action="access.denied").count()
    answer = outcome(getattr(client, method.lower())(url))
    written = AuditEvent.objects.filter(action="access.denied").order_by("id")[before:]
    return answer, [(event.actor_id, event.detail["path"]) for event in written]


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.name}")
def test_authorization(world, visitors, row):
    kwargs = KWARGS.get(row.name, {})
    url = reverse(row.name, kwargs=kwargs(world) if callable(kwargs) else kwargs)
    answers = {role: answer_and_denials(visitors[role], row.method, url) for role in ROLES}
    assert {role: answer for role, (answer, _) in answers.items()} == {role: getattr(row, role) for role in ROLES}
    # Every 403 of an object check is audited once, with the page's pattern; no other answer is.
    route = "/" + resolve(url).route
    expected = {role: [(world[role].pk if role != "anonymous" else None, route)]
                if getattr(row, role) == 403 else []
                for role in ROLES}
    assert {role: denials for role, (_, denials) in answers.items()} == expected


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_view_has_a_row():
    covered = {row.name for row in MATRIX} | NOT_IN_MATRIX
    missing = {name for name in url_names(get_resolver().url_patterns)
               if name not in covered and not name.endswith(("_change", "_delete", "_history"))}
    assert sorted(missing) == []


def test_every_view_of_the_portal_has_a_get_and_a_post_row():
    """Outside the admin site (Django's own, behind one check): both methods of every view are pinned."""
    rows = {(row.name, row.method) for row in MATRIX}
    missing = [(name, method) for name in sorted(set(url_names(get_resolver().url_patterns)))
               if not name.startswith("admin:") for method in ("GET", "POST") if (name, method) not in rows]
    assert missing == []
