"""Forms on pages marked private (setup, password reset) post in a real browser.

Such pages send ``Referrer-Policy: strict-origin``; with ``no-referrer`` Chromium sends ``Origin: null`` on
their own form posts and Django's CSRF check answers 403. The sign-in setup is covered by
test_mfa_journey.py; this covers the password reset request.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_password_reset_request_form_posts(page, clock, make_user, mailoutbox):
    make_user("nora@northwind.example")
    response = page.goto("/account/password-reset/")
    assert response.headers["referrer-policy"] == "strict-origin"
    page.locator("input[name=email]").fill("nora@northwind.example")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send the link").click()
    assert posted.value.status == 302
    page.wait_for_url("**/account/password-reset/sent/")
    assert [message.to for message in mailoutbox] == [["nora@northwind.example"]]
