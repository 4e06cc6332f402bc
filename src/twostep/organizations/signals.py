"""Signals of membership changes, for the apps above ``organizations`` (which it must not import).

``membership_facts`` is sent with ``user=`` inside the transaction of a membership change, once before and once
after it; each receiver returns a dict of facts it derives from the user's memberships (``twostep.mfa``:
``{"mfa_required": bool}``, whether the MFA rule requires it of them). The change's audit event records in its
detail the facts whose value the change altered, so the trail says when a role change made MFA required.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.dispatch import Signal

membership_facts = Signal()


def facts(user) -> dict:
    """Every receiver's facts about ``user``, merged."""
    merged: dict = {}
    # django-stubs types a receiver's answer as str | None; ours answer dicts.
    answers: list[tuple[Any, Any]] = membership_facts.send(sender="organizations", user=user)
    for _receiver, answer in answers:
        merged.update(answer or {})
    return merged


@contextmanager
def changed_facts(user) -> Iterator[dict]:
    """``with changed_facts(user) as changes: <change memberships>``: afterwards ``changes`` holds the facts the
    block altered, with their new values (empty when none changed)."""
    changes: dict = {}
    before = facts(user)
    yield changes
    changes.update({key: value for key, value in facts(user).items() if before.get(key) != value})
