"""The Security page's list of signed-in sessions (/security/sessions/): exact rows, this device marked, ending
one other session or all of them (audited), a foreign or unknown id refused with 404, the recent sign-ins."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.test_user_sessions import key_of, sha256, signed_in
from tests.conftest import PASSWORD, post_password
from twostep.accounts.models import UserSession
from twostep.audit import events
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0.0.0 Safari/537.36")
URL = "/security/sessions/"


def stepped_up(email: str, **where) -> Client:
    browser = signed_in(email, **where)
    assert browser.post(reverse("mfa:stepup"), {"password": PASSWORD})["Location"] == "/"
    return browser


def listed(browser: Client) -> list[tuple]:
    page = browser.get(URL)
    assert page.status_code == 200
    this = page.context["this_digest"]
    return [(s.browser, s.ip_address, s.key_digest == this) for s in page.context["sessions"]]


def signed_out(browser: Client) -> bool:
    response = browser.get("/")
    return response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))


def test_the_security_page_links_to_the_list(client, make_user):
    client.force_login(make_user("nora@northwind.example"))
    assert f'href="{URL}"' in client.get(reverse("mfa:security")).content.decode()
    assert reverse("mfa:sessions") == URL


def test_the_list_needs_a_fresh_step_up(clock, make_user):
    browser = signed_in(make_user("nora@northwind.example").email)  # no code: not a step-up
    response = browser.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa:stepup')}?next=%2Fsecurity%2Fsessions%2F"


def test_the_list_shows_each_live_session_with_this_device_marked(clock, make_user):
    nora = make_user("nora@northwind.example")
    phone = signed_in(nora.email, agent=CHROME, address="198.51.100.4")
    clock.advance(120)
    laptop = stepped_up(nora.email)
    signed_in(make_user("bob@northwind.example").email, address="192.0.2.9")  # someone else's
    assert listed(laptop) == [("Firefox on Linux", "203.0.113.7", True), ("Chrome on Windows", "198.51.100.4", False)]
    page = laptop.get(URL).content.decode()
    assert page.count('<span class="badge set_up">This device</span>') == 1 and "192.0.2.9" not in page
    assert page.count('name="session"') == 1 and "Sign out all other sessions" in page
    assert phone.get("/").status_code == 200


def test_a_session_ended_by_time_or_by_a_password_change_is_not_listed(clock, make_user):
    nora = make_user("nora@northwind.example")
    signed_in(nora.email, agent=CHROME)
    clock.advance(1800 + 61)  # the phone is past its idle timeout
    laptop = stepped_up(nora.email)
    assert listed(laptop) == [("Firefox on Linux", "203.0.113.7", True)]
    other = signed_in(nora.email, agent=CHROME)
    new = "a new long passphrase"
    changed = laptop.post(reverse("mfa:change_password"),
                          {"current_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert changed.status_code == 302
    assert signed_out(other) and listed(laptop) == [("Firefox on Linux", "203.0.113.7", True)]


def test_signing_out_another_session_ends_it_at_its_next_request(clock, make_user):
    nora = make_user("nora@northwind.example")
    phone = signed_in(nora.email, agent=CHROME)
    laptop = stepped_up(nora.email)
    tablet = signed_in(nora.email, agent=CHROME, address="198.51.100.4")
    phone_row = UserSession.objects.get(key_digest=sha256(key_of(phone)))
    response = laptop.post(URL, {"session": phone_row.pk})
    assert response.status_code == 302 and response["Location"] == URL
    assert "That session is signed out" in laptop.get(URL).content.decode()
    assert signed_out(phone)
    assert laptop.get("/").status_code == 200 and tablet.get("/").status_code == 200
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    event = AuditEvent.objects.get(action="account.sessions_ended")
    assert (event.actor_id, event.subject_id, event.detail) == (nora.pk, nora.pk, {"scope": "one", "by": "user"})


def test_sign_out_all_other_sessions_keeps_this_one(clock, make_user):
    nora = make_user("nora@northwind.example")
    phone, tablet = signed_in(nora.email, agent=CHROME), signed_in(nora.email, agent=CHROME)
    laptop = stepped_up(nora.email)
    response = laptop.post(URL, {"others": "1"})
    assert response.status_code == 302 and response["Location"] == URL
    assert signed_out(phone) and signed_out(tablet)
    assert listed(laptop) == [("Firefox on Linux", "203.0.113.7", True)]
    assert UserSession.objects.get().key_digest == sha256(key_of(laptop))  # under a new key
    event = AuditEvent.objects.get(action="account.sessions_ended")
    assert (event.actor_id, event.subject_id, event.detail) == (nora.pk, nora.pk, {"scope": "others", "by": "user"})


@pytest.mark.parametrize("which", ["foreign", "own", "unknown", "not a number", "missing"])
def test_an_id_that_is_not_one_of_the_users_other_sessions_is_a_404(clock, make_user, which):
    nora, bob = make_user("nora@northwind.example"), make_user("bob@northwind.example")
    bobs = signed_in(bob.email)
    laptop = stepped_up(nora.email)
    ids = {"foreign": UserSession.objects.get(user=bob).pk, "own": UserSession.objects.get(user=nora).pk,
           "unknown": 999_999, "not a number": "x"}
    form = {"session": ids[which]} if which in ids else {}
    assert laptop.post(URL, form).status_code == 404
    assert UserSession.objects.count() == 2 and bobs.get("/").status_code == 200
    assert laptop.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="account.sessions_ended").exists()


def test_the_recent_sign_ins_are_the_users_own_last_twenty(clock, make_user):
    nora, bob = make_user("nora@northwind.example"), make_user("bob@northwind.example")
    for _ in range(20):  # older failures, from elsewhere
        clock.advance(60)
        events.record(events.SIGNIN_FAILED, subject=nora, client=("192.0.2.50", CHROME), outcome="failure")
    clock.advance(60)
    stranger = Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.4")
    assert post_password(stranger, nora.email, "wrong password").status_code == 400
    signed_in(bob.email, address="192.0.2.9")
    clock.advance(1)
    laptop = stepped_up(nora.email)
    sign_ins = laptop.get(URL).context["sign_ins"]
    assert [(a.what, a.succeeded, a.ip_address, a.browser) for a in sign_ins[:2]] == [
        ("Signed in", True, "203.0.113.7", "Firefox on Linux"),
        ("Sign-in failed (wrong e-mail or password)", False, "198.51.100.4", "Chrome on Windows")]
    assert sign_ins[0].occurred_at == clock.moment
    assert [a.ip_address for a in sign_ins[2:]] == ["192.0.2.50"] * 18  # the 2 oldest are left off
