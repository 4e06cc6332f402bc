"""The audit trail names the same client as the password throttle: behind ``TWOSTEP_PROXY_COUNT`` reverse
proxies, the address the nearest proxy saw, not the proxy's own address."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("proxies, forwarded, recorded", [
    (0, "192.0.2.1", "203.0.113.9"),               # no proxy configured: the header is ignored
    (1, "198.51.100.1, 192.0.2.1", "192.0.2.1"),   # one proxy: the address it appended
    (2, "198.51.100.1, 192.0.2.1", "198.51.100.1"),
    (2, "192.0.2.1", "203.0.113.9"),               # fewer entries than proxies: the socket peer
    (1, "not-an-address", None),                   # never a value the column cannot hold
])
def test_a_sign_in_is_audited_with_the_client_address(client, clock, settings, make_user, proxies, forwarded,
                                                      recorded):
    settings.TWOSTEP_PROXY_COUNT = proxies
    make_user("nora@northwind.example")

    client.post(reverse("mfa:signin"), {"email": "nora@northwind.example", "password": PASSWORD},
                REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert list(AuditEvent.objects.values_list("action", "ip_address")) == [("signin.succeeded", recorded)]
