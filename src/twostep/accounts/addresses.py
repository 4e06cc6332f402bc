"""The one normalization of e-mail addresses, and the look-alike key that keeps two accounts apart.

Every address that enters the product goes through ``canonical_email``:

1. Surrounding whitespace is stripped; then any invisible or unusual character is refused: controls (Cc),
   format characters (Cf: zero-width spaces and joiners, bidi controls such as U+202E), separators (Z*),
   surrogates, private-use and unassigned code points, and every Default_Ignorable_Code_Point (U+3164
   HANGUL FILLER, variation selectors, ...). Refused before and after step 2.
2. Unicode NFKC (full-width letters, ligatures such as U+FB01 become plain letters), lower case, NFKC again.
3. The domain through IDNA (the ``idna`` package: UTS #46 mapping, IDNA 2008 rules; a trailing dot dropped),
   stored as its Unicode form (U-label). A domain literal (``[192.0.2.1]``) is kept as it is.

``email_skeleton`` is the Unicode TR39 skeleton of the canonical address, computed by ICU's spoof checker
(PyICU): two addresses a person cannot tell apart (Cyrillic U+0430 for Latin ``a``, ``rn`` for ``m``) have the
same skeleton. The user table keeps it in a unique column. Skeletons depend on the confusables data of the
installed ICU (``icu.UNICODE_VERSION``): after an ICU upgrade, run ``twostep email-skeletons``.
"""

import unicodedata
from functools import cache

import icu
import idna
from django.utils.crypto import salted_hmac

from twostep.errors import ServiceError

MAX_LENGTH = 254  # characters of a stored address (the column's length)
MAX_SKELETON_BYTES = 1024  # UTF-8 bytes of a stored skeleton (well inside every database's index limit)
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


class AddressError(ServiceError):
    code = "invalid_address"
    message = "Enter a valid e-mail address."


class InvalidAddressError(AddressError):
    code = "invalid_address"


class UnusualCharactersError(AddressError):
    code = "unusual_characters"
    message = "This address contains invisible or unusual characters. Type it again by hand."


class LookAlikeAddressError(AddressError):
    code = "look_alike"
    message = "An account with an address that looks the same already exists."


@cache
def _spoof_checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def _unusual(char: str) -> bool:
    return (unicodedata.category(char) in REFUSED_CATEGORIES
            or icu.Char.hasBinaryProperty(char, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT))


def has_unusual_characters(text: str) -> bool:
    """True when ``text`` (or its NFKC form) holds a character that ``canonical_email`` refuses."""
    return any(_unusual(char) for char in text + unicodedata.normalize("NFKC", text))


def fold(text: str) -> str:
    """NFKC, lower case, NFKC: the letters of an address (or a search) as compared."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def _domain(domain: str) -> str:
    if domain.startswith("[") and domain.endswith("]"):
        return domain
    domain = domain[:-1] if domain.endswith(".") else domain
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidAddressError("The part after @ is not a valid domain name.") from exc


def canonical_email(raw: str) -> str:
    """The stored form of the address ``raw`` (see the module). Raises UnusualCharactersError or
    InvalidAddressError (no ``@``, an empty part, a domain IDNA refuses, longer than 254 characters)."""
    text = (raw or "").strip()
    if has_unusual_characters(text):
        raise UnusualCharactersError()
    local, at, domain = fold(text).rpartition("@")
    if not (at and local and domain):
        raise InvalidAddressError()
    address = f"{local}@{_domain(domain)}"
    if len(address) > MAX_LENGTH or len(email_skeleton(address).encode()) > MAX_SKELETON_BYTES:
        raise InvalidAddressError("This address is too long.")
    return address


def email_skeleton(address: str) -> str:
    """The TR39 skeleton (ICU ``uspoof_getSkeleton``) of an address already made canonical."""
    return _spoof_checker().getSkeleton(0, address)


def comparable_email(raw: str) -> str:
    """``canonical_email(raw)``, or for an address it refuses the stripped, lower-cased text (which equals no
    canonical address): for keys and comparisons that must not fail, e.g. throttling counters."""
    try:
        return canonical_email(raw)
    except AddressError:
        return (raw or "").strip().lower()


def address_digest(raw: str) -> str:
    """HMAC-SHA256 (keyed with the secret key) of ``comparable_email(raw)``, 64 hex characters: how the audit trail
    names an address typed by a visitor without keeping it (every spelling of one address has one digest)."""
    return salted_hmac("twostep.audit.address", comparable_email(raw), algorithm="sha256").hexdigest()


def unambiguous(address: str) -> str:
    """``address`` in ASCII for operators, logs and the audit trail: the domain as its IDNA A-label
    (``xn--...``) and any other non-ASCII character as a ``\\uXXXX`` escape, so look-alikes read apart."""
    local, at, domain = address.rpartition("@")
    try:  # without the UTS #46 mapping, which would drop a zero-width space rather than show it
        domain = idna.encode(domain).decode()
    except (idna.IDNAError, UnicodeError):
        pass
    return f"{local}{at}{domain}".encode("ascii", "backslashreplace").decode()
