"""An organization's members with their MFA status, for the admin's members page and CSV export.

Status of a member: ``set_up`` (a confirmed authenticator), ``locked`` (confirmed but locked after too
many wrong codes), ``not_yet`` (no confirmed authenticator). Every list is one annotated query.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When

from twostep.mfa.models import Authenticator

SET_UP, NOT_YET, LOCKED = "set_up", "not_yet", "locked"
STATUS_LABELS = {SET_UP: "Set up", NOT_YET: "Not yet", LOCKED: "Locked"}
# New columns go at the end, so that scripts reading the export by position keep working.
CSV_HEADER = ["email", "name", "role", "mfa_status", "mfa_set_up_at", "last_sign_in", "mfa_set_up_ip"]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StatusCounts:
    members: int
    set_up: int
    not_yet: int
    locked: int

    @property
    def with_mfa(self) -> int:
        """Members who have set up MFA (locked ones included: they did set it up)."""
        return self.set_up + self.locked


def members_with_status(organization, *, status: str | None = None):
    """Memberships (with ``user``) annotated ``mfa_status``, ``mfa_set_up_at``, ``mfa_set_up_ip`` (the client
    address that confirmed the authenticator; None when not recorded), ``mfa_locked_at``, ordered by e-mail;
    only those of ``status`` when given."""
    confirmed = Authenticator.objects.filter(user=OuterRef("user_id"), confirmed_at__isnull=False)
    rows = (organization.memberships.select_related("user")
            .annotate(mfa_set_up_at=Subquery(confirmed.values("confirmed_at")[:1]),
                      mfa_set_up_ip=Subquery(confirmed.values("confirmed_ip")[:1]),
                      mfa_locked_at=Subquery(confirmed.values("locked_at")[:1]))
            .annotate(mfa_status=Case(When(mfa_set_up_at__isnull=True, then=Value(NOT_YET)),
                                      When(mfa_locked_at__isnull=False, then=Value(LOCKED)),
                                      default=Value(SET_UP), output_field=CharField()))
            .order_by("user__email"))
    return rows.filter(mfa_status=status) if status else rows


def status_counts(organization) -> StatusCounts:
    """One aggregate query."""
    counts = members_with_status(organization).aggregate(
        members=Count("pk"), **{name: Count("pk", filter=Q(mfa_status=name)) for name in STATUS_LABELS})
    return StatusCounts(**counts)


def neutralize(value) -> str:
    """The cell as text; a leading formula character gets a "'" so spreadsheets show it as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def csv_rows(organization, *, status: str | None = None) -> Iterator[list[str]]:
    """The header, then one row per member, read from the database in chunks (for streaming)."""
    yield CSV_HEADER
    for m in members_with_status(organization, status=status).iterator(chunk_size=500):
        yield [neutralize(cell) for cell in (m.user.email, m.user.name, m.role, m.mfa_status,
                                              _iso(m.mfa_set_up_at), _iso(m.user.last_login), m.mfa_set_up_ip)]
