"""Shortcuts for tests whose subject is not the sign-in itself: a session signed in (optionally having
passed a code and a step-up) without spending Argon2 hashes on the password step."""

from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.signin import journey
from twostep.mfa.stepup import services as stepup


def force_sign_in(client, user, *, verified_at: int | None = None, stepped_up_at: int | None = None,
                  mailbox_proven_at: int | None = None) -> None:
    """Sign ``user`` in on ``client``; ``verified_at``/``stepped_up_at``/``mailbox_proven_at`` in Unix seconds stamp
    a passed code, a step-up and a mailbox proof (``twostep.mfa.mailbox``) (None: not done in this session)."""
    client.force_login(user, backend=journey.BACKEND)
    session = client.session
    session[journey.MFA_VERIFIED_AT] = verified_at
    if stepped_up_at is not None:
        session[stepup.SESSION_KEY] = stepped_up_at
    if mailbox_proven_at is not None:
        session[mailbox.SESSION_KEY] = {"user_id": user.pk, "proven_at": mailbox_proven_at, "via": mailbox.EMAIL}
    session.save()


def enroll_with_codes(user, *, now: int) -> list[str]:
    """Give ``user`` a confirmed authenticator (set up at ``now``, Unix seconds); returns the recovery codes."""
    from tests.conftest import code_for
    from twostep.mfa.authenticators import enrollment as enrollments

    enrollments.start_enrollment(user, binding="fixture", now=now)
    return enrollments.confirm_enrollment(user, code_for(user, now), binding="fixture", now=now).recovery_codes
