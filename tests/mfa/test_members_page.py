"""The admin's members page: MFA status of every member, counts, filter, pagination and CSV export."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import code_for, post_code, post_password, set_throttle
from twostep.accounts.models import User
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.models import Authenticator
from twostep.mfa.rollout import members
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db
LAST_LOGIN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
JOINED = datetime(2026, 10, 30, tzinfo=UTC)


@pytest.fixture
def acme(make_user, make_org, enrolled, clock):
    """Acme's members joined a month ago; the admin (who uses MFA, as an admin must), ready and locked have set
    up MFA since."""
    admin = make_user("admin@acme.example")
    ready = make_user("ready@acme.example", name="Rita Ready")
    locked = make_user("locked@acme.example")
    waiting = [make_user(f"w{i}@acme.example") for i in range(2)]
    organization = make_org("Acme Calibration", slug="acme", admins=[admin], members=[ready, locked, *waiting])
    organization.memberships.update(created_at=JOINED)
    for user in (admin, ready, locked):
        enrolled(user)
    Authenticator.objects.filter(user=locked).update(confirmed_ip="2001:db8::7")
    set_throttle(locked, failures=100, locked_at=clock.moment)
    Authenticator.objects.filter(user=ready).update(confirmed_ip="203.0.113.7")
    User.objects.filter(pk=ready.pk).update(last_login=LAST_LOGIN)
    return organization


def signed_in(client, email="admin@acme.example"):
    """Signed in with the password and, when asked (an admin), a code at the test clock's time."""
    if post_password(client, email)["Location"] == "/signin/code/":
        post_code(client, code_for(User.objects.get(email=email), settings.TWOSTEP_CLOCK()))
    assert client.session.get("_auth_user_id")
    return client


def rows(response):
    return [(m.user.email, m.mfa_status) for m in response.context["page"]]


def test_members_page_shows_status_counts_and_dates(client, clock, acme):
    response = signed_in(client).get("/orgs/acme/settings/mfa/members/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 of 5 members have set up MFA; 1 locked." in page
    assert "Set up (2)" in page and "Not yet (2)" in page and "Locked (1)" in page
    assert rows(response) == [("admin@acme.example", "set_up"), ("locked@acme.example", "locked"),
                              ("ready@acme.example", "set_up"), ("w0@acme.example", "not_yet"),
                              ("w1@acme.example", "not_yet")]
    # Set up one minute before the clock's 30 Nov 00:00:05, from the address that confirmed the authenticator.
    assert ('<td data-label="MFA set up">29 Nov 2026, 23:59<br><span class="meta">from 203.0.113.7</span></td>'
            in page)
    assert '<td data-label="MFA set up">29 Nov 2026, 23:59<br><span class="meta">from 2001:db8::7</span></td>' in page
    assert '<td data-label="MFA set up">29 Nov 2026, 23:59</td>' in page  # the admin's: no address recorded
    assert page.count('<td data-label="MFA set up">—</td>') == 2
    # The admin's own sign-in just now counts as a last sign-in; the three others never signed in.
    assert '<td data-label="Last sign-in">20 Nov 2026, 09:30</td>' in page
    assert page.count('<td data-label="Last sign-in">never</td>') == 3


def test_the_address_that_confirmed_the_setup_is_shown(client, clock, acme, make_user, rf):
    newcomer = make_user("new@acme.example")
    Membership.objects.create(user=newcomer, organization=acme, created_at=clock.moment)
    enrollments.start_enrollment(newcomer, binding="fixture", now=clock.now)
    enrollments.confirm_enrollment(newcomer, code_for(newcomer, clock.now), binding="fixture", now=clock.now,
                                request=rf.post("/", REMOTE_ADDR="198.51.100.23"))
    page = signed_in(client).get("/orgs/acme/settings/mfa/members/?status=set_up").content.decode()
    assert '30 Nov 2026, 00:00<br><span class="meta">from 198.51.100.23</span>' in page
    table = parse_csv(client.get("/orgs/acme/settings/mfa/members.csv?status=set_up"))
    assert [(row[0], row[4], row[6]) for row in table[1:]] == [
        ("admin@acme.example", "2026-11-29T23:59:05+00:00", ""),
        ("new@acme.example", "2026-11-30T00:00:05+00:00", "198.51.100.23"),
        ("ready@acme.example", "2026-11-29T23:59:05+00:00", "203.0.113.7")]


def test_where_mfa_was_set_up_shows_only_for_a_member_of_no_other_organization(client, clock, acme, make_org):
    """Where a member of several organizations set up MFA is none of theirs alone: the page and the CSV leave
    it out, for them and for the admins of the other organization."""
    ready = User.objects.get(email="ready@acme.example")
    globex = make_org("Globex", slug="globex", members=[ready])
    globex.memberships.update(created_at=JOINED)
    page = signed_in(client).get("/orgs/acme/settings/mfa/members/?status=set_up").content.decode()
    assert "203.0.113.7" not in page
    assert '<td data-label="MFA set up">29 Nov 2026, 23:59</td>' in page  # when, still: it is the status
    table = parse_csv(client.get("/orgs/acme/settings/mfa/members.csv?status=set_up"))
    assert [(row[0], row[4], row[6]) for row in table[1:]] == [
        ("admin@acme.example", "2026-11-29T23:59:05+00:00", ""),
        ("ready@acme.example", "2026-11-29T23:59:05+00:00", "")]
    assert [m.mfa_set_up_ip for m in members.members_with_status(globex)] == [None]


def test_where_mfa_was_set_up_before_joining_is_not_shown(client, clock, acme, make_user, enrolled):
    early = make_user("early@acme.example")
    enrolled(early)
    Authenticator.objects.filter(user=early).update(confirmed_ip="198.51.100.4")
    Membership.objects.create(user=early, organization=acme, created_at=clock.moment)  # a minute after
    assert [(m.user.email, m.mfa_status, m.mfa_set_up_ip) for m in members.members_with_status(acme, status="set_up")
            ] == [("admin@acme.example", "set_up", None), ("early@acme.example", "set_up", None),
                  ("ready@acme.example", "set_up", "203.0.113.7")]


def test_counts_read_like_the_issue(client, clock, make_user, make_org, enrolled):
    admin = make_user("admin@acme.example")
    people = [make_user(f"p{i:02}@acme.example") for i in range(11)]
    for person in [admin, *people[:8]]:
        enrolled(person)
    make_org("Acme Calibration", slug="acme", admins=[admin], members=people)
    page = signed_in(client).get("/orgs/acme/settings/mfa/members/")
    assert "9 of 12 members have set up MFA." in page.content.decode()


def test_the_headline_counts_every_member_whose_lock_is_on(client, clock, acme):
    """A member locked by wrong mailbox codes before finishing setup is locked too, though not set up."""
    set_throttle(User.objects.get(email="w0@acme.example"), failures=100, locked_at=clock.moment)
    response = signed_in(client).get("/orgs/acme/settings/mfa/members/")
    assert "3 of 5 members have set up MFA; 2 locked." in response.content.decode()
    assert members.status_counts(acme) == members.StatusCounts(members=5, set_up=2, not_yet=2, locked=1,
                                                               locked_out=2)


@pytest.mark.parametrize("status, expected", [
    ("set_up", ["admin@acme.example", "ready@acme.example"]),
    ("locked", ["locked@acme.example"]),
    ("not_yet", ["w0@acme.example", "w1@acme.example"]),
])
def test_filter_by_status(client, clock, acme, status, expected):
    response = signed_in(client).get(f"/orgs/acme/settings/mfa/members/?status={status}")
    assert [email for email, _ in rows(response)] == expected
    assert f'href="/orgs/acme/settings/mfa/members.csv?status={status}"' in response.content.decode()


def test_unknown_filter_is_a_clear_error(client, clock, acme):
    response = signed_in(client).get("/orgs/acme/settings/mfa/members/?status=everyone")
    assert response.status_code == 400 and response.context["filter"].has_error("status", "invalid_choice")
    assert client.get("/orgs/acme/settings/mfa/members.csv?status=everyone").status_code == 400


def test_pages_of_fifty(client, clock, acme, make_user):
    for index in range(50):
        Membership.objects.create(user=make_user(f"x{index:02}@acme.example"), organization=acme)
    signed_in(client)
    first = client.get("/orgs/acme/settings/mfa/members/")
    assert len(rows(first)) == 50 and "Page 1 of 2" in first.content.decode()
    second = client.get("/orgs/acme/settings/mfa/members/?page=2")
    assert rows(second) == [("x45@acme.example", "not_yet"), ("x46@acme.example", "not_yet"),
                            ("x47@acme.example", "not_yet"), ("x48@acme.example", "not_yet"),
                            ("x49@acme.example", "not_yet")]
    filtered = client.get("/orgs/acme/settings/mfa/members/?status=not_yet").content.decode()
    assert 'href="?status=not_yet&amp;page=2">Next</a>' in filtered  # the filter is kept across pages


def test_query_count_does_not_grow_with_members(client, clock, acme, make_user, enrolled):
    signed_in(client)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/orgs/acme/settings/mfa/members/").status_code == 200
        return len(captured)

    before = queries()
    for index in range(20):
        user = make_user(f"x{index:02}@acme.example")
        if index % 2:
            enrolled(user)
        Membership.objects.create(user=user, organization=acme)
    assert queries() == before


def parse_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export(client, clock, acme):
    response = signed_in(client).get("/orgs/acme/settings/mfa/members.csv")
    admin_signed_in = User.objects.get(email="admin@acme.example").last_login.isoformat()
    set_up = "2026-11-29T23:59:05+00:00"
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-members-mfa.csv"'
    assert parse_csv(response) == [
        ["email", "name", "role", "mfa_status", "mfa_set_up_at", "last_sign_in", "mfa_set_up_ip"],
        ["admin@acme.example", "", "admin", "set_up", set_up, admin_signed_in, ""],
        ["locked@acme.example", "", "member", "locked", set_up, "", "2001:db8::7"],
        ["ready@acme.example", "Rita Ready", "member", "set_up", set_up, "2026-11-20T09:30:00+00:00", "203.0.113.7"],
        ["w0@acme.example", "", "member", "not_yet", "", "", ""],
        ["w1@acme.example", "", "member", "not_yet", "", "", ""],
    ]
    filtered = client.get("/orgs/acme/settings/mfa/members.csv?status=set_up")
    assert filtered["Content-Disposition"] == 'attachment; filename="acme-members-mfa-set_up.csv"'
    assert [row[0] for row in parse_csv(filtered)] == ["email", "admin@acme.example", "ready@acme.example"]


def test_csv_neutralizes_spreadsheet_formulas(client, clock, acme, make_user):
    for email, name in [("=1+2@acme.example", '=HYPERLINK("http://evil.example","x")'),
                        ("+sum@acme.example", "@SUM(A1)"), ("-x@acme.example", "\tTab")]:
        Membership.objects.create(user=make_user(email, name=name), organization=acme)
    table = parse_csv(signed_in(client).get("/orgs/acme/settings/mfa/members.csv?status=not_yet"))
    assert [row[:2] for row in table[1:4]] == [
        ["'+sum@acme.example", "'@SUM(A1)"], ["'-x@acme.example", "'\tTab"],
        ["'=1+2@acme.example", "'=HYPERLINK(\"http://evil.example\",\"x\")"]]


@pytest.mark.parametrize("value, expected", [
    ("=cmd", "'=cmd"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("\uff1d1+2", "'\uff1d1+2"), ("\uff0b1", "'\uff0b1"), ("\uff0d1", "'\uff0d1"), ("\uff20x", "'\uff20x"),
    ("\ufe661", "'\ufe661"), (" =1", "' =1"), ('"=1', "'\"=1"), ("\u3000=1", "'\u3000=1"),
    ("ok;=1+2", "ok;'=1+2"), ("ok,=1+2", "ok,'=1+2"), ("ok; \"@x", "ok;' \"@x"), ("a\n-1", "a\n'-1"),
    ("a\t+1", "a\t'+1"), ("ok;\uff1d1", "ok;'\uff1d1"), ("=a;=b", "'=a;'=b"),
    ("a=b", "a=b"), ("x;y, z", "x;y, z"), ("Anna-Lena", "Anna-Lena"), ("", ""), (None, ""),
    ("2026-11-30T00:00:00+00:00", "2026-11-30T00:00:00+00:00"),
])
def test_neutralize(value, expected):
    assert members.neutralize(value) == expected


def test_csv_quotes_every_field(client, clock, acme):
    body = b"".join(signed_in(client).get("/orgs/acme/settings/mfa/members.csv?status=locked").streaming_content)
    assert body.decode().splitlines() == [
        '"email","name","role","mfa_status","mfa_set_up_at","last_sign_in","mfa_set_up_ip"',
        '"locked@acme.example","","member","locked","2026-11-29T23:59:05+00:00","","2001:db8::7"',
    ]
    body = b"".join(client.get("/orgs/acme/settings/mfa/members.csv?status=set_up").streaming_content)
    assert body.decode().splitlines()[2:] == [
        '"ready@acme.example","Rita Ready","member","set_up","2026-11-29T23:59:05+00:00","2026-11-20T09:30:00+00:00",'
        '"203.0.113.7"',
    ]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_cell_starts_a_formula_whatever_separator_the_spreadsheet_splits_at(client, clock, acme, make_user,
                                                                                separator):
    """Finnish and German Excel split at ";", a paste at tabs: read with each, no cell runs as a formula."""
    for email, name in [("ok@acme.example", "ok;=1+2"), ("wide@acme.example", "\uff1dSUM(A1)"),
                        ("comma@acme.example", 'Doe, "@SUM(A1)'), ("tab@acme.example", "x\t-2+3"),
                        ("line@acme.example", "x\n+cmd")]:
        Membership.objects.create(user=make_user(email, name=name), organization=acme)
    body = b"".join(signed_in(client).get("/orgs/acme/settings/mfa/members.csv").streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=separator) for cell in row]
    runnable = [cell for cell in cells if cell.lstrip(members.PADDING)[:1] in tuple(members.FORMULA_CHARACTERS)]
    assert len(cells) > 8 and runnable == []


@pytest.mark.parametrize("url", ["/orgs/acme/settings/mfa/members/", "/orgs/acme/settings/mfa/members.csv"])
def test_only_admins_of_the_organization(client, clock, acme, make_user, make_org, enrolled, url):
    assert client.get(url)["Location"].startswith("/signin/?next=")
    signed_in(client, "w0@acme.example")
    assert client.get(url).status_code == 403
    client.logout()
    northwind_admin = make_user("admin@northwind.example")
    enrolled(northwind_admin)
    make_org("Northwind Labs", slug="northwind", admins=[northwind_admin])
    signed_in(client, "admin@northwind.example")
    assert client.get(url).status_code == 403
