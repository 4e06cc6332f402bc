"""Google Authenticator key URIs: build_uri() exact output and parse_uri() errors."""

from __future__ import annotations

import pytest

from twostep.otp import OtpauthURI, build_uri, parse_uri

KEY = b"12345678901234567890"
B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_build_uri_exact() -> None:
    assert build_uri(KEY, account="alice@example.com", issuer="Acme Calibration") == (
        "otpauth://totp/Acme%20Calibration:alice%40example.com"
        f"?secret={B32}&issuer=Acme%20Calibration&algorithm=SHA1&digits=6&period=30"
    )


def test_build_uri_other_parameters_and_unicode() -> None:
    uri = build_uri(
        b"Hello!\xde\xad\xbe\xef",
        account="josé+1/2?#&=@exemple.fr",
        issuer="Société Générale",
        algorithm="sha256",
        digits=8,
        period=60,
    )
    assert uri == (
        "otpauth://totp/Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale:jos%C3%A9%2B1%2F2%3F%23%26%3D%40exemple.fr"
        "?secret=JBSWY3DPEHPK3PXP&issuer=Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale"
        "&algorithm=SHA256&digits=8&period=60"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"issuer": "Acme:Corp"}, ValueError, "issuer must not contain ':'"),
        ({"account": "alice:admin"}, ValueError, "account must not contain ':'"),
        ({"account": ""}, ValueError, "account must not be empty"),
        ({"issuer": ""}, ValueError, "issuer must not be empty"),
        ({"key": b""}, ValueError, "key must not be empty"),
        ({"digits": 5}, ValueError, "digits"),
        ({"algorithm": "md5"}, ValueError, "unsupported algorithm"),
        ({"period": 0}, ValueError, "period"),
        ({"account": None}, TypeError, "account must be a str"),
    ],
)
def test_build_uri_errors(kwargs: dict, error: type[Exception], message: str) -> None:
    arguments = {"key": KEY, "account": "alice@example.com", "issuer": "Acme", **kwargs}
    with pytest.raises(error, match=message):
        build_uri(arguments.pop("key"), **arguments)


def test_parse_google_example() -> None:
    parsed = parse_uri("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
    assert parsed == OtpauthURI(
        type="totp",
        key=b"Hello!\xde\xad\xbe\xef",
        account="alice@google.com",
        issuer="Example",
        algorithm="sha1",
        digits=6,
        period=30,
        counter=None,
    )


def test_parse_built_uri() -> None:
    uri = build_uri(KEY, account="alice@example.com", issuer="Acme Calibration", algorithm="sha512")
    assert parse_uri(uri) == OtpauthURI("totp", KEY, "alice@example.com", "Acme Calibration", "sha512", 6, 30)


@pytest.mark.parametrize(
    ("uri", "issuer", "account"),
    [
        ("otpauth://totp/Acme%3Aalice?secret=ME", "Acme", "alice"),  # encoded separator
        ("otpauth://totp/alice?secret=ME&issuer=Acme", "Acme", "alice"),  # issuer only as parameter
        ("otpauth://totp/Acme:alice?secret=ME", "Acme", "alice"),  # issuer only in the label
        ("otpauth://totp/alice?secret=ME", None, "alice"),  # no issuer at all
        ("otpauth://totp/A+B:c+d?secret=ME&issuer=A+B", "A+B", "c+d"),  # "+" is not a space
    ],
)
def test_parse_label_forms(uri: str, issuer: str | None, account: str) -> None:
    parsed = parse_uri(uri)
    assert (parsed.issuer, parsed.account, parsed.key) == (issuer, account, b"a")


def test_parse_hotp_and_options() -> None:
    parsed = parse_uri(
        "otpauth://hotp/Acme:bob?secret=jbsw%20y3dp%20ehpk%203pxp&algorithm=sha256&digits=8"
        "&counter=18446744073709551615&image=https%3A%2F%2Fexample.com%2Flogo.png"
    )
    assert parsed == OtpauthURI(
        "hotp", b"Hello!\xde\xad\xbe\xef", "bob", "Acme", "sha256", 8, period=None, counter=2**64 - 1
    )


def test_repr_hides_the_key() -> None:
    text = repr(parse_uri(f"otpauth://totp/Acme:alice?secret={B32}"))
    assert "12345678901234567890" not in text and "key=" not in text
    assert "account='alice'" in text


def test_parsed_uri_is_frozen() -> None:
    parsed = parse_uri("otpauth://totp/alice?secret=ME")
    with pytest.raises(AttributeError):
        parsed.account = "mallory"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("https://totp/Acme:alice?secret=ME", "not an otpauth:// URI"),
        ("otpauth:totp/Acme:alice?secret=ME", "type must be 'totp' or 'hotp'"),
        ("otpauth://xotp/Acme:alice?secret=ME", "type must be 'totp' or 'hotp'"),
        ("otpauth://totp/Acme:alice?secret=ME#frag", "fragment"),
        ("otpauth://totp/Acme:alice", "missing secret"),
        ("otpauth://totp/Acme:alice?issuer=Acme", "missing secret"),
        ("otpauth://totp/Acme:alice?secret=", "secret must not be empty"),
        ("otpauth://totp/Acme:alice?secret=ME1", "Base32 character at position 2"),
        ("otpauth://totp/Acme:alice?secret=MEA", "Base32 length"),
        ("otpauth://totp/Acme:alice?secret=ME&issuer=Other", "does not match the label"),
        ("otpauth://totp/Acme:alice?secret=ME&issuer=", "issuer parameter must not be empty"),
        ("otpauth://totp/Acme:alice?secret=ME&algorithm=MD5", "unsupported algorithm"),
        ("otpauth://totp/Acme:alice?secret=ME&digits=5", "digits must be between 6 and 8"),
        ("otpauth://totp/Acme:alice?secret=ME&digits=six", "digits must be a decimal number"),
        ("otpauth://totp/Acme:alice?secret=ME&digits=%D9%A6", "digits must be a decimal number"),
        ("otpauth://totp/Acme:alice?secret=ME&digits=+6", "digits must be a decimal number"),
        ("otpauth://totp/Acme:alice?secret=ME&period=0", "period must be at least 1"),
        ("otpauth://totp/Acme:alice?secret=ME&period=-30", "period must be a decimal number"),
        ("otpauth://totp/Acme:alice?secret=ME&period=" + "9" * 21, "period must be a decimal number"),
        ("otpauth://totp/Acme:alice?secret=ME&counter=1", "counter is only valid for hotp"),
        ("otpauth://hotp/Acme:alice?secret=ME", "require a counter"),
        ("otpauth://hotp/Acme:alice?secret=ME&counter=0&period=30", "period is only valid for totp"),
        ("otpauth://hotp/Acme:alice?secret=ME&counter=18446744073709551616", "counter must not exceed"),
        ("otpauth://totp/Acme:alice?secret=ME&secret=MF", "duplicate parameter 'secret'"),
        ("otpauth://totp/Acme:alice?secret=ME&SECRET=MF", "duplicate parameter 'secret'"),
        ("otpauth://totp/Acme:alice?secret", "'secret' has no value"),
        ("otpauth://totp/A:b:c?secret=ME", "at most one ':'"),
        ("otpauth://totp/A%3Ab%3Ac?secret=ME", "at most one ':'"),
        ("otpauth://totp/?secret=ME", "no account name"),
        ("otpauth://totp?secret=ME", "no account name"),
        ("otpauth://totp/Acme:?secret=ME", "no account name"),
        ("otpauth://totp/:alice?secret=ME", "empty issuer"),
        ("otpauth://totp/Acme:%FF?secret=ME", "label is not valid percent-encoded UTF-8"),
        ("otpauth://totp/Acme:alice?secret=ME&issuer=%C3", "'issuer' is not valid percent-encoded UTF-8"),
    ],
)
def test_parse_errors(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_uri(uri)


def test_parse_type_error() -> None:
    with pytest.raises(TypeError):
        parse_uri(b"otpauth://totp/alice?secret=ME")  # type: ignore[arg-type]
