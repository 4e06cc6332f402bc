"""Prometheus metrics: security counters follow the committed audit trail; /metrics is guarded."""

import pytest
from django.db import transaction
from django.test import override_settings
from prometheus_client import REGISTRY

from tests.conftest import PASSWORD, code_for, post_code, post_password
from twostep.audit import events

pytestmark = pytest.mark.django_db
TOKEN = "t" * 20 + "0123456789abcdef"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def counters() -> dict[str, float]:
    return {
        "success": value("twostep_signins_total", outcome="success"),
        "failure": value("twostep_signins_total", outcome="failure"),
        "code_failures": value("twostep_code_failures_total"),
        "enrollments": value("twostep_enrollments_total"),
    }


def moved(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


@pytest.fixture
def member(make_user, make_org, require_mfa, enrolled):
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    enrolled(user)
    return user


def test_a_wrong_password_then_a_wrong_and_a_right_code_move_the_counters(
        client, clock, member, django_capture_on_commit_callbacks):
    before = counters()
    with django_capture_on_commit_callbacks(execute=True):
        post_password(client, "member@acme.example", "not the password")
        post_password(client, "member@acme.example", PASSWORD)
        post_code(client, "000000" if code_for(member, clock.now) != "000000" else "111111")
        assert post_code(client, code_for(member, clock.now))["Location"] == "/"
    assert moved(before, counters()) == {"failure": 1, "code_failures": 1, "success": 1}


def test_a_confirmed_enrollment_counts(make_user, enrolled, clock, django_capture_on_commit_callbacks):
    before = counters()
    with django_capture_on_commit_callbacks(execute=True):
        enrolled(make_user("new@acme.example"))
    assert moved(before, counters()) == {"enrollments": 1}


def test_an_event_rolled_back_with_its_transaction_does_not_count(django_capture_on_commit_callbacks):
    before = counters()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            events.record(events.SIGNIN_FAILED, outcome="failure", email="x@example.com")
            raise RuntimeError("the change failed")
    assert moved(before, counters()) == {}


def test_request_latency_is_observed_per_view_method_and_status(client):
    labels = {"method": "GET", "view": "mfa:signin", "status": "200"}
    before = value("twostep_request_duration_seconds_count", **labels)
    assert client.get("/signin/").status_code == 200
    assert value("twostep_request_duration_seconds_count", **labels) == before + 1


def test_metrics_page_in_the_demo_without_a_token(client):
    client.get("/signin/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    page = response.content.decode()
    for line in ('twostep_signins_total{outcome="throttled"} ', 'twostep_throttled_total{step="code"} ',
                 "twostep_lockouts_total ", 'twostep_request_duration_seconds_bucket{le="0.1",method="GET",'
                 'status="200",view="mfa:signin"}'):
        assert line in page


@override_settings(TWOSTEP_METRICS_TOKEN=TOKEN)
def test_metrics_page_asks_for_the_bearer_token_when_one_is_set(client):
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN[:-1] + "x").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + TOKEN).status_code == 200


@override_settings(PRODUCTION=True, TWOSTEP_METRICS_TOKEN="")
def test_metrics_are_off_in_production_without_a_token(client):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"twostep_" not in response.content
