"""Password reset by e-mail: Django's token link, never a way around the code step."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example/"


@pytest.fixture
def member(make_user, make_org, require_mfa, enrolled):
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    enrolled(user)
    return user


def ask_for_link(client, email: str, mailoutbox) -> str:
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_sent")
    match = re.search(r"https://portal\.example(/account/password-reset/[^/\s]+/[^/\s]+/)", mailoutbox[-1].body)
    return match.group(1)


def set_new_password(client, link: str, password: str = NEW_PASSWORD):
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_reset_sets_the_password_and_the_next_sign_in_still_asks_for_the_code(client, clock, member, mailoutbox):
    link = ask_for_link(client, "  Member@ACME.example ", mailoutbox)
    mail = mailoutbox[0]
    assert mail.to == ["member@acme.example"] and mail.subject == "Reset your twostep password"

    to_form = client.get(link)
    form_url = link.rsplit("/", 2)[0] + "/set-password/"
    assert to_form.status_code == 302 and to_form["Location"] == form_url  # the token leaves the address bar
    form_page = client.get(form_url)
    assert form_page.status_code == 200 and "Choose a new password" in form_page.content.decode()

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("mfa:signin")
    assert "_auth_user_id" not in client.session
    assert "Your password has been reset." in client.get(reverse("mfa:signin")).content.decode()
    assert list(AuditEvent.objects.filter(subject_id=member.pk).values_list("action", "outcome").order_by("id")) == [
        ("mfa.setup_started", "success"), ("mfa.enrolled", "success"), ("mfa.recovery_codes_generated", "success"),
        ("account.password_reset_requested", "success"), ("account.password_reset", "success")]

    assert post_password(client, "member@acme.example", PASSWORD).status_code == 400
    after = post_password(client, "member@acme.example", NEW_PASSWORD)
    assert after.status_code == 302 and after["Location"] == reverse("mfa:code")
    assert "_auth_user_id" not in client.session
    assert post_code(client, code_for(member, clock.now))["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_link_is_built_from_the_base_url_not_the_host_header(client, clock, member, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "member@acme.example"}, HTTP_HOST="localhost")
    assert "https://portal.example/account/password-reset/" in mailoutbox[0].body
    assert "localhost" not in mailoutbox[0].body


def test_every_reset_page_refers_with_its_origin_only_and_is_not_stored(client, clock, member, mailoutbox):
    link = ask_for_link(client, "member@acme.example", mailoutbox)
    pages = [client.get(reverse("accounts:password_reset")), client.get(reverse("accounts:password_reset_sent")),
             client.get(link)]
    pages.append(client.get(pages[-1]["Location"]))
    for response in pages:
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]


def test_the_link_works_once(client, clock, member, mailoutbox):
    link = ask_for_link(client, "member@acme.example", mailoutbox)
    assert set_new_password(client, link).status_code == 302
    again = Client().get(link)
    assert again.status_code == 200 and again.context["validlink"] is False


def test_the_link_works_for_one_hour(clock, member, mailoutbox):
    link = ask_for_link(Client(), "member@acme.example", mailoutbox)
    clock.advance(3600)
    assert Client().get(link).status_code == 302
    clock.advance(1)
    late = Client().get(link)
    assert late.status_code == 200 and late.context["validlink"] is False


def test_reset_ends_every_session_of_the_user(client, clock, member, mailoutbox):
    laptop = Client()
    post_password(laptop, "member@acme.example")
    post_code(laptop, code_for(member, clock.now))
    assert laptop.get("/").status_code == 200
    set_new_password(client, ask_for_link(client, "member@acme.example", mailoutbox))
    assert laptop.get("/")["Location"].startswith(reverse("mfa:signin"))


def test_unknown_address_looks_the_same_and_sends_nothing(client, clock, member, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@acme.example"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_sent")
    assert mailoutbox == []


def test_mismatched_or_weak_new_password_rerenders_with_a_message(client, clock, member, mailoutbox):
    form_url = client.get(ask_for_link(client, "member@acme.example", mailoutbox))["Location"]
    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and mismatch.context["form"].has_error("new_password2", "password_mismatch")
    weak = client.post(form_url, {"new_password1": "1234567890", "new_password2": "1234567890"})
    assert weak.status_code == 400 and weak.context["form"].has_error("new_password2", "password_too_common")
    assert member.__class__.objects.get(pk=member.pk).check_password(PASSWORD)


def test_malformed_address_is_a_clear_error(client, clock):
    response = client.post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert response.status_code == 400 and response.context["form"].has_error("email", "invalid")


def test_sign_in_page_links_to_the_reset(client, clock):
    page = client.get(reverse("mfa:signin")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page and "Forgot your password?" in page


def test_the_request_form_labels_the_field_e_mail_address(client, clock):
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert '<label for="id_email">E-mail address</label>' in page and ">Email<" not in page


def request_reset(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_at_most_three_reset_mails_per_address(client, clock, member, mailoutbox):
    for _ in range(4):
        response = request_reset(client, "member@acme.example")
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_sent")
    assert [message.to for message in mailoutbox] == [["member@acme.example"]] * 3


def test_reset_mails_per_client_are_limited_too(client, clock, make_user, mailoutbox, settings):
    settings.TWOSTEP_RESET_MAILS_PER_CLIENT = 2
    for name in ("a", "b", "c"):
        make_user(f"{name}@acme.example")
        assert request_reset(client, f"{name}@acme.example")["Location"] == reverse("accounts:password_reset_sent")
    assert [message.to for message in mailoutbox] == [["a@acme.example"], ["b@acme.example"]]
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    request_reset(other_client, "c@acme.example")
    assert mailoutbox[-1].to == ["c@acme.example"]
