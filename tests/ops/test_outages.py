"""When Redis or the database does not answer: 503 with Retry-After and a page in the site's style, and never a
password checked without its throttling counters. Other errors get a 500 page; bare 429s and 503s get pages.

"Redis is down" is a real Redis URL pointing at a closed loopback port; "the database is down" is a real
process whose DATABASE_URL points at a closed port."""

import json
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_password
from tests.mfa.test_enumeration import counting_hasher  # noqa: F401  (counts password hashes)
from tests.production.conftest import production_env
from tests.services import REDIS_URL, closed_port, delete_keys, require_redis, unique_name
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa.stepup import services as stepup
from twostep.ops import outages

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
EMAIL = "member@acme.example"


def redis_cache(location: str, prefix: str = "twostep") -> dict:
    return {"default": {"BACKEND": REDIS_CACHE, "LOCATION": location, "KEY_PREFIX": prefix}}


def redis_down(prefix: str = "twostep") -> dict:
    return redis_cache(f"redis://127.0.0.1:{closed_port()}/0", prefix)


def assert_outage_page(response) -> None:
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in page and "twostep/site.css" in page
    assert "Try again in a minute." in page
    assert "Redis" not in page and "127.0.0.1" not in page and "Traceback" not in page


@pytest.fixture
def offline_client():
    """A browser's view: an uncaught error is the answer the site gives, not an exception in the test."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_the_password_step_is_refused_with_503_and_no_hash_while_redis_is_down(
        clock, make_user, settings, offline_client, counting_hasher):  # noqa: F811
    make_user(EMAIL)
    settings.CACHES = redis_down()
    hashed_before = counting_hasher.calls
    response = post_password(offline_client, EMAIL)
    assert_outage_page(response)
    assert counting_hasher.calls == hashed_before  # the password was not checked at all
    assert "_auth_user_id" not in offline_client.session
    assert list(AuditEvent.objects.values_list("action", flat=True)) == []


@pytest.mark.django_db
def test_the_step_up_password_is_refused_with_503_while_redis_is_down(clock, make_user, enrolled, settings,
                                                                   offline_client):
    user = make_user(EMAIL)
    enrolled(user)
    force_sign_in(offline_client, user, verified_at=clock.now - 3600)
    settings.CACHES = redis_down()
    response = offline_client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(user, clock.now),
                                                           "next": "/"})
    assert_outage_page(response)
    assert stepup.SESSION_KEY not in offline_client.session
    assert not AuditEvent.objects.filter(action="stepup").exists()


@pytest.mark.django_db
def test_a_password_reset_request_is_refused_with_503_and_sends_nothing_while_redis_is_down(
        clock, make_user, settings, offline_client):
    make_user(EMAIL)
    settings.CACHES = redis_down()
    response = offline_client.post(reverse("accounts:password_reset"), {"email": EMAIL})
    assert_outage_page(response)
    assert mail.outbox == []


@pytest.mark.redis
@pytest.mark.django_db
def test_wrong_passwords_counted_in_redis_still_count_after_redis_was_down(clock, make_user, settings,
                                                                           offline_client):
    client, prefix = require_redis(), unique_name("outage")
    try:
        make_user(EMAIL)
        settings.CACHES = redis_cache(REDIS_URL, prefix)
        assert [post_password(offline_client, EMAIL, "wrong password").status_code for _ in range(5)] == [400] * 5
        settings.CACHES = redis_down(prefix)
        assert_outage_page(post_password(offline_client, EMAIL))  # the right password, not checked
        settings.CACHES = redis_cache(REDIS_URL, prefix)
        refused = post_password(offline_client, EMAIL)
        assert refused.status_code == 429 and refused["Retry-After"] == "30"
        clock.advance(30)
        assert post_password(offline_client, EMAIL).status_code == 302
        assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == (
            ["signin.failed"] * 5 + ["signin.throttled", "signin.succeeded"])
    finally:
        delete_keys(client, f"{prefix}:*")


DATABASE_DOWN_SCRIPT = """
import json, django
django.setup()
from django.test import Client
answers = []
for path, cookie in (("/signin/", None), ("/", "sessionid")):
    client = Client(raise_request_exception=False)
    if cookie:
        client.cookies[cookie] = "k" * 32
    response = (client.post(path, {"email": "member@acme.example", "password": "a password 12345"}) if cookie is None
                else client.get(path))
    answers.append([response.status_code, response.get("Retry-After"), "<h1>Temporarily unavailable</h1>"
                    in response.content.decode()])
print(json.dumps(answers))
"""


@pytest.mark.parametrize("redis", [pytest.param(True, marks=pytest.mark.redis), False])
def test_pages_answer_503_while_the_database_is_down(tmp_path, redis):
    """The password step (with the real Redis its counters answer and the user table does not; without, the
    counters are in the database too) and a signed-in session's page (its session row is in the database), in a
    real process."""
    client, prefix = require_redis() if redis else None, unique_name("dbdown")
    url = f"postgresql://twostep:db-secret-value@127.0.0.1:{closed_port()}/twostep"
    env = production_env(tmp_path, TWOSTEP_PROFILE="demo", DATABASE_URL=url, REDIS_URL=REDIS_URL if redis else None,
                         TWOSTEP_CACHE_KEY_PREFIX=prefix, DJANGO_SETTINGS_MODULE="twostep.settings",
                         ALLOWED_HOSTS=None)
    try:
        result = subprocess.run([sys.executable, "-c", DATABASE_DOWN_SCRIPT], env=env, capture_output=True,
                                text=True, timeout=120, check=False)
    finally:
        if client is not None:
            delete_keys(client, f"{prefix}:*")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[503, "30", True], [503, "30", True]]
    assert "db-secret-value" not in result.stdout + result.stderr


@pytest.mark.urls("tests.ops.error_urls")
@pytest.mark.django_db
def test_an_unexpected_error_gets_the_500_page_in_the_sites_style(offline_client, settings):
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    response = offline_client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500 and "Retry-After" not in response
    assert "<h1>Something went wrong</h1>" in page and "twostep/site.css" in page
    assert "help@acme.example" in page and "unexpected bug" not in page and "Traceback" not in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]  # the site's headers still apply


@pytest.mark.urls("tests.ops.error_urls")
@pytest.mark.django_db
def test_a_lost_database_connection_in_a_view_gets_the_503_page(offline_client):
    assert_outage_page(offline_client.get("/database-gone/"))


class Untouchable:
    """Stands in for the session and the user: the error pages must not need them."""

    def __getattr__(self, name):
        raise AssertionError(f"the error page read request.{name}")


def answer_while_handling(error_source):
    """``server_error`` as Django calls it: while the request's exception is being handled. No ``db`` fixture
    (a query fails the test), a cache that does not answer, and a session and user that must not be read."""
    request = RequestFactory().get("/")
    request.session = request.user = Untouchable()
    try:
        error_source()
    except Exception:
        return outages.server_error(request)


def test_the_500_page_needs_no_database_cache_session_or_user(settings):
    settings.CACHES = redis_down()

    def bug():
        raise RuntimeError("bug")

    response = answer_while_handling(bug)
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in response.content.decode()


def test_the_503_page_needs_no_database_cache_session_or_user(settings):
    from django.core.cache import cache

    settings.CACHES = redis_down()
    assert_outage_page(answer_while_handling(lambda: cache.get("any-key")))


@pytest.mark.urls("tests.ops.error_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("status, heading, text", [
    (429, "Too many requests", "Wait 7 seconds, then try again."),
    (503, "Temporarily unavailable", "Try again in a minute."),
])
def test_a_bare_429_or_503_gets_its_page_and_keeps_retry_after(client, status, heading, text):
    response = client.get(f"/bare/{status}/")
    page = response.content.decode()
    assert response.status_code == status and response["Retry-After"] == "7"
    assert f"<h1>{heading}</h1>" in page and text in page and "twostep/site.css" in page


@pytest.mark.django_db
def test_400_403_and_404_are_pages_in_the_sites_style(client, make_user, make_org):
    force_sign_in(client, make_user(EMAIL), verified_at=None)
    make_org("Northwind Labs", slug="northwind")
    answers = {
        400: client.get("/", HTTP_HOST="evil.example"),  # a host not in ALLOWED_HOSTS
        403: client.get(reverse("organizations:settings", args=["northwind"])),  # not a member
        404: client.get("/no-such-page/"),
    }
    headings = {status: response.content.decode() for status, response in answers.items()}
    assert {status: response.status_code for status, response in answers.items()} == {400: 400, 403: 403, 404: 404}
    assert "<h1>Request not processed</h1>" in headings[400]
    assert "<h1>Not allowed</h1>" in headings[403]
    assert "<h1>Page not found</h1>" in headings[404]
    assert all("twostep/site.css" in page for page in headings.values())
