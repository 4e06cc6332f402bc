"""A form posted from a stale tab gets a page in the site's style that says what to do."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_post_without_a_valid_csrf_token_gets_the_friendly_403(clock, make_user):
    make_user("member@acme.example")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("mfa:signin"))
    response = client.post(reverse("mfa:signin"), {"email": "member@acme.example", "password": PASSWORD,
                                                   "csrfmiddlewaretoken": "stale" * 8})
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Your form expired</h1>" in page and "Go back, reload the page and try again." in page
    assert "twostep/site.css" in page  # the site's own style
    assert "CSRF" not in page and "_auth_user_id" not in client.session
