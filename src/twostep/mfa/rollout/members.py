"""An organization's members with their MFA status, for the admin's members page and CSV export.

Status of a member: ``set_up`` (a confirmed authenticator), ``locked`` (confirmed, but the second factors are
locked after too many wrong codes: ``FactorThrottle.locked_at``), ``not_yet`` (no confirmed authenticator).
Every list is one annotated query. ``locked_out`` counts every member whose lock is on (``lockout``: the shared
back-off of all second factors), also one who never finished setup (mailbox codes count too).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When

from twostep.mfa.models import Authenticator, FactorThrottle
from twostep.organizations.activity import member_client_shown

SET_UP, NOT_YET, LOCKED = "set_up", "not_yet", "locked"
STATUS_LABELS = {SET_UP: "Set up", NOT_YET: "Not yet", LOCKED: "Locked"}
# New columns go at the end, so that scripts reading the export by position keep working.
CSV_HEADER = ["email", "name", "role", "mfa_status", "mfa_set_up_at", "last_sign_in", "mfa_set_up_ip"]
# CSV injection. A spreadsheet runs a cell as a formula when it starts with = + - @, a tab or a carriage return
# (OWASP's list), or with their full-width or small forms, which Excel in East Asian locales reads the same.
FORMULA_CHARACTERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
# A cell may also start inside ours: where a spreadsheet reading the file with another separator splits it (";"
# in Finnish or German Excel, a tab when pasted, "," in ours), or at a line break in a quoted field it misreads.
CELL_BREAKS = ",;\t\r\n"
# Spaces and quotes a spreadsheet may skip before it looks at a cell's first character.
PADDING = " \"\u00a0\u3000"
_FORMULA_START = re.compile(
    f"(^|[{re.escape(CELL_BREAKS)}])(?=[{re.escape(PADDING)}]*[{re.escape(FORMULA_CHARACTERS)}])")


@dataclass(frozen=True)
class StatusCounts:
    members: int
    set_up: int
    not_yet: int
    locked: int
    locked_out: int

    @property
    def with_mfa(self) -> int:
        """Members who have set up MFA (locked ones included: they did set it up)."""
        return self.set_up + self.locked


def members_with_status(organization, *, status: str | None = None):
    """Memberships (with ``user``) annotated ``mfa_status``, ``mfa_set_up_at``, ``mfa_set_up_ip`` (the client
    address that confirmed the authenticator; None when not recorded, or when ``activity.member_client_shown``
    hides it: set up before the member joined, or a member of other organizations too), ``mfa_locked_at``, ordered
    by e-mail; only those of ``status`` when given."""
    confirmed = Authenticator.objects.filter(user=OuterRef("user_id"), confirmed_at__isnull=False)
    set_up_ip = Subquery(confirmed.values("confirmed_ip")[:1])
    lock = FactorThrottle.objects.filter(user=OuterRef("user_id"))
    rows = (organization.memberships.select_related("user")
            .annotate(mfa_set_up_at=Subquery(confirmed.values("confirmed_at")[:1]),
                      mfa_locked_at=Subquery(lock.values("locked_at")[:1]))
            .annotate(mfa_set_up_ip=Case(When(member_client_shown(organization, "mfa_set_up_at"), then=set_up_ip),
                                         default=None))
            .annotate(mfa_status=Case(When(mfa_set_up_at__isnull=True, then=Value(NOT_YET)),
                                      When(mfa_locked_at__isnull=False, then=Value(LOCKED)),
                                      default=Value(SET_UP), output_field=CharField()))
            .order_by("user__email"))
    return rows.filter(mfa_status=status) if status else rows


def status_counts(organization) -> StatusCounts:
    """One aggregate query."""
    counts = members_with_status(organization).aggregate(
        members=Count("pk"), locked_out=Count("pk", filter=Q(mfa_locked_at__isnull=False)),
        **{name: Count("pk", filter=Q(mfa_status=name)) for name in STATUS_LABELS})
    return StatusCounts(**counts)


def neutralize(value) -> str:
    """The cell as text that no spreadsheet runs: a "'" (which makes the rest text) goes at its start and after
    every cell break when a formula character follows there, spaces and quotes skipped (``"ok;=1"`` becomes
    ``"ok;'=1"``). Every field is also quoted when written (``csv.QUOTE_ALL``)."""
    text = "" if value is None else str(value)
    return _FORMULA_START.sub(r"\1'", text)


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def csv_rows(organization, *, status: str | None = None) -> Iterator[list[str]]:
    """The header, then one row per member, read from the database in chunks (for streaming)."""
    yield CSV_HEADER
    for m in members_with_status(organization, status=status).iterator(chunk_size=500):
        yield [neutralize(cell) for cell in (m.user.email, m.user.name, m.role, m.mfa_status,
                                              _iso(m.mfa_set_up_at), _iso(m.user.last_login), m.mfa_set_up_ip)]
