"""Spellings of one address (``ann@staff.example``) that a person cannot tell apart from it, for the tests
of every place where an address enters the product."""

REAL = "ann@staff.example"
FULL_WIDTH = "ann@ｓtaff.example"  # U+FF53 FULLWIDTH LATIN SMALL LETTER S: NFKC makes it REAL
LIGATURE = "ann@staﬀ.example"  # U+FB00 LATIN SMALL LIGATURE FF: NFKC makes it REAL
ZERO_WIDTH = "ann@staff.example\u200b"  # ZERO WIDTH SPACE appended: refused
RTL_OVERRIDE = "ann@staff.\u202eexample"  # RIGHT-TO-LEFT OVERRIDE: refused
CYRILLIC = "ann@st\u0430ff.example"  # U+0430 CYRILLIC SMALL LETTER A: another address that looks the same
CYRILLIC_ASCII = "ann@xn--stff-63d.example"  # how the product shows it to operators and in the audit trail

SAME = [FULL_WIDTH, LIGATURE]  # become REAL itself
REFUSED = [ZERO_WIDTH, RTL_OVERRIDE]  # refused for their characters
ALL = [*SAME, *REFUSED, CYRILLIC]

UNUSUAL = "This address contains invisible or unusual characters. Type it again by hand."
LOOKS_THE_SAME = "An account with an address that looks the same already exists."
TAKEN = "Another account already uses this e-mail address."


def escaped(text: str) -> str:
    """``text`` as Django's templates write it into a page (HTML-escaped)."""
    from django.utils.html import escape

    return escape(text)
