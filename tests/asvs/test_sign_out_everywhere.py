"""Sign-out on every page behind the sign-in (OWASP ASVS 5.0 7.4.4): each page of the authorization matrix that a
signed-in person gets (200) while an anonymous visitor is sent to sign in shows a way to sign out — the portal's
*Sign out* link, or on the admin site its *Log out* button, which is the portal's sign-out."""

import pytest
from django.urls import reverse

from tests.test_authorization_matrix import KWARGS, MATRIX, ROLES, visitors, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

BEHIND_SIGN_IN = {"→mfa:signin", "→admin:login"}
PAGES = [row for row in MATRIX if row.method == "GET" and row.anonymous in BEHIND_SIGN_IN]


def sign_out_controls() -> tuple[str, str]:
    return f'href="{reverse("mfa:signout")}"', f'action="{reverse("admin:logout")}"'


def test_the_matrix_has_pages_behind_the_sign_in():
    assert len(PAGES) > 30 and {"home", "mfa:security", "support:search", "admin:index"} <= {r.name for r in PAGES}


def test_every_page_behind_the_sign_in_offers_sign_out(world, visitors):  # noqa: F811
    without = []
    for row in PAGES:
        kwargs = KWARGS.get(row.name, {})
        url = reverse(row.name, kwargs=kwargs(world) if callable(kwargs) else kwargs)
        for role in ROLES[2:]:
            if getattr(row, role) != 200:
                continue
            response = visitors[role].get(url)
            assert response.status_code == 200, (row.name, role)
            if response["Content-Type"].startswith("text/csv"):
                continue  # a download, not a page
            if not any(control in response.content.decode() for control in sign_out_controls()):
                without.append((row.name, role))
    assert without == []
