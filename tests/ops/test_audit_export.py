"""`twostep audit-export`: JSON lines, oldest first, ISO times, filtered by time and organization."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from twostep.audit.models import AuditEvent
from twostep.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def trail(make_user, make_org):
    member = make_user("member@acme.example")
    make_org("Acme Calibration", slug="acme", members=[member])
    make_org("Globex", slug="globex")
    rows = [
        dict(occurred_at=at("2026-11-29T23:59:59"), action="signin.succeeded", actor_id=member.pk,
             actor_label="member@acme.example", subject_id=member.pk, subject_label="member@acme.example",
             ip_address="192.0.2.7", user_agent="Firefox", detail={"mfa": True}),
        dict(occurred_at=at("2026-11-30T08:00:00"), action="mfa.code_failed", outcome="failure",
             actor_id=member.pk, actor_label="member@acme.example", subject_id=member.pk,
             subject_label="member@acme.example", detail={"reason": "invalid_code"}),
        dict(occurred_at=at("2026-11-30T09:30:00.250000"), action="organization.require_mfa_changed",
             organization_id=999, organization_label="Globex ünd Co"),
    ]
    return member, [AuditEvent.objects.create(**row) for row in rows]


def export(*args) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command("audit_export", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_every_event_one_line_oldest_first(trail):
    member, (first, second, third) = trail
    m = member.pk
    assert export() == [
        f'{{"id":{first.pk},"occurred_at":"2026-11-29T23:59:59+00:00","action":"signin.succeeded",'
        f'"outcome":"success","actor_id":{m},"actor_label":"member@acme.example","subject_id":{m},'
        f'"subject_label":"member@acme.example","organization_id":null,"organization_label":"",'
        f'"ip_address":"192.0.2.7","user_agent":"Firefox","detail":{{"mfa":true}}}}',
        f'{{"id":{second.pk},"occurred_at":"2026-11-30T08:00:00+00:00","action":"mfa.code_failed",'
        f'"outcome":"failure","actor_id":{m},"actor_label":"member@acme.example","subject_id":{m},'
        f'"subject_label":"member@acme.example","organization_id":null,"organization_label":"",'
        f'"ip_address":null,"user_agent":"","detail":{{"reason":"invalid_code"}}}}',
        f'{{"id":{third.pk},"occurred_at":"2026-11-30T09:30:00.250000+00:00",'
        f'"action":"organization.require_mfa_changed","outcome":"success","actor_id":null,"actor_label":"",'
        f'"subject_id":null,"subject_label":"","organization_id":999,"organization_label":"Globex ünd Co",'
        f'"ip_address":null,"user_agent":"","detail":{{}}}}',
    ]


def test_since_is_inclusive_and_until_exclusive(trail):
    assert [line[:40] for line in export("--since", "2026-11-30", "--until", "2026-11-30T09:30:00.250000Z")] == [
        export()[1][:40]]
    assert len(export("--since", "2026-11-30T08:00:00+00:00")) == 2
    assert len(export("--until", "2026-11-30T08:00:00")) == 1


def test_organization_filter_gives_its_members_events(trail):
    # The sign-in at 23:59:59 came before the member joined Acme (at the clock's 00:00:05): not Acme's to see.
    assert [line.split('"action":"')[1].split('"')[0] for line in export("--organization", "acme")] == [
        "mfa.code_failed"]
    assert export("--organization", "globex") == []


def test_organization_filter_hides_where_a_member_of_other_organizations_signed_in(trail, clock):
    member, _ = trail
    AuditEvent.objects.create(occurred_at=at("2026-11-30T10:00:00"), action="signin.succeeded", actor_id=member.pk,
                              subject_id=member.pk, ip_address="192.0.2.8", user_agent="Firefox",
                              detail={"mfa": True, "setup_ip": "192.0.2.9"})
    assert '"ip_address":"192.0.2.8","user_agent":"Firefox","detail":{"mfa":true,"setup_ip":"192.0.2.9"}' in (
        export("--organization", "acme")[-1])
    Membership.objects.create(user=member, organization=Organization.objects.get(slug="globex"),
                              created_at=clock.moment)
    assert export("--organization", "acme")[-1].endswith('"ip_address":null,"user_agent":"","detail":{"mfa":true}}')
    assert '"ip_address":"192.0.2.8"' in export()[-1]  # the whole trail, for the operator, keeps it


def test_output_to_a_file(trail, tmp_path):
    target = tmp_path / "audit.jsonl"
    assert export("--output", str(target)) == []
    assert target.read_text(encoding="utf-8").splitlines() == export()


def test_bad_arguments_are_clear_errors(trail):
    with pytest.raises(CommandError, match="'yesterday' is not an ISO 8601 date or time"):
        export("--since", "yesterday")
    with pytest.raises(CommandError, match="There is no organization with the slug 'nope'"):
        export("--organization", "nope")
    with pytest.raises(CommandError, match="^'2026-13-01' is not an ISO 8601 date or time"):
        export("--until", "2026-13-01")
    with pytest.raises(CommandError, match="^Cannot write /nonexistent/dir/x.jsonl: No such file or directory$"):
        export("--output", "/nonexistent/dir/x.jsonl")


class ClosedPipe(StringIO):
    """A reader that stops after the first line, as `twostep audit-export | head -1` does."""

    def write(self, text: str) -> int:
        if self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_a_reader_that_stops_early_ends_the_export_quietly(trail):
    out, err = ClosedPipe(), StringIO()
    call_command("audit_export", stdout=out, stderr=err)
    assert len(out.getvalue().splitlines()) == 1
    assert err.getvalue() == ""
