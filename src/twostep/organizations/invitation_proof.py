"""The invitation a session holds: proof that the session reads the invited address's mailbox.

``twostep.mfa.mailbox`` relies on it for the setup that follows an invitation; the invitation views record it.
"""

OPENED_KEY = "twostep_invitation_opened"  # session: the address whose open invitation this session holds


def note_opened(request, invitation, *, now: int) -> None:
    """This session holds a valid link to ``invitation``: proof that it reads ``invitation.email``'s mailbox
    (the MFA setup relies on it, see ``twostep.mfa.mailbox``). ``now`` in Unix seconds."""
    request.session[OPENED_KEY] = {"email": invitation.email, "at": now}


def opened_address(request) -> tuple[str, int] | None:
    """``(address, when in Unix seconds)`` of the invitation last opened in this session, or None."""
    data = request.session.get(OPENED_KEY) or {}
    return (data["email"], data["at"]) if "email" in data else None
