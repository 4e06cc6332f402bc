"""The one normalization of addresses (``accounts.addresses``) and the look-alike key, as functions."""

import pytest
from django.db import IntegrityError, transaction

from tests.accounts.lookalikes import CYRILLIC, CYRILLIC_ASCII, FULL_WIDTH, LIGATURE, REAL, RTL_OVERRIDE, ZERO_WIDTH
from twostep.accounts.addresses import (
    InvalidAddressError,
    UnusualCharactersError,
    canonical_email,
    email_skeleton,
    unambiguous,
)
from twostep.accounts.models import User


@pytest.mark.parametrize("raw, canonical", [
    (REAL, REAL),
    (FULL_WIDTH, REAL),
    (LIGATURE, REAL),
    ("  Ann@STAFF.Example  ", REAL),
    ("ann@staff.example.", REAL),  # the root's trailing dot names the same domain
    ("ann@ＳＴＡＦＦ.ＥＸＡＭＰＬＥ", REAL),
    ("ａnn@staff.example", REAL),  # the local part through NFKC too (the domain also goes through UTS #46)
    ("oﬃce@staff.example", "office@staff.example"),
    ("carl@BÜCHER.example", "carl@bücher.example"),
    ("carl@xn--bcher-kva.example", "carl@bücher.example"),  # an A-label is stored as its Unicode form
    (CYRILLIC, CYRILLIC),  # a real, different address: IDNA allows it; the skeleton tells it apart
    ("ann@[192.0.2.1]", "ann@[192.0.2.1]"),
])
def test_canonical_form(raw, canonical):
    assert canonical_email(raw) == canonical
    assert canonical_email(canonical) == canonical


@pytest.mark.parametrize("raw", [
    ZERO_WIDTH, RTL_OVERRIDE,
    "ann@staff.exam\u200dple",  # ZERO WIDTH JOINER
    "ann@\u2066staff.example",  # LEFT-TO-RIGHT ISOLATE
    "ann@staff.exa\u00admple",  # SOFT HYPHEN (format)
    "ann@staff.example\ufeff",  # BYTE ORDER MARK
    "ann@staff\u3164.example",  # HANGUL FILLER: a letter, but Default_Ignorable
    "ann@staf\ufe0ff.example",  # VARIATION SELECTOR-16
    "ann@staff.\x07example",  # a control character
    "ann@sta ff.example", "ann@staff.example\u3000x",  # separators inside
])
def test_invisible_format_bidi_and_control_characters_are_refused(raw):
    with pytest.raises(UnusualCharactersError) as refused:
        canonical_email(raw)
    assert refused.value.code == "unusual_characters"


@pytest.mark.parametrize("raw, message", [
    ("ann.staff.example", "Enter a valid e-mail address."),
    ("@staff.example", "Enter a valid e-mail address."),
    ("ann@staff..example", "The part after @ is not a valid domain name."),
    ("ann@-staff.example", "The part after @ is not a valid domain name."),
    ("ann@" + "a" * 64 + ".example", "The part after @ is not a valid domain name."),
    ("a" * 200 + "@" + "b" * 60 + ".example", "This address is too long."),
    ("a@" + "\ucb94" * 50 + ".example", "This address is too long."),  # its skeleton: over 1,024 bytes
])
def test_malformed_addresses_are_refused(raw, message):
    with pytest.raises(InvalidAddressError) as refused:
        canonical_email(raw)
    assert (refused.value.code, refused.value.message) == ("invalid_address", message)


def test_look_alikes_share_the_skeleton_and_other_addresses_do_not():
    assert email_skeleton(CYRILLIC) == email_skeleton(REAL) == "ann@staff.exarnple"
    assert email_skeleton("ann@stafff.example") != email_skeleton(REAL)
    assert email_skeleton("adm1n@staff.example") == email_skeleton("admln@staff.example")  # 1 and l
    assert email_skeleton("ann@bücher.example") != email_skeleton("ann@bucher.example")


def test_operators_see_look_alikes_apart():
    assert unambiguous(REAL) == REAL
    assert unambiguous(CYRILLIC) == CYRILLIC_ASCII
    assert unambiguous(ZERO_WIDTH) == "ann@staff.example\\u200b"


@pytest.mark.django_db
def test_the_model_stores_the_canonical_address_and_refuses_look_alikes(make_user):
    user = make_user(FULL_WIDTH)
    assert (user.email, user.email_skeleton) == (REAL, "ann@staff.exarnple")
    assert list(User.objects.values_list("email", "email_skeleton")) == [(REAL, "ann@staff.exarnple")]
    with pytest.raises(UnusualCharactersError):
        make_user(ZERO_WIDTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(CYRILLIC)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_saving_other_fields_leaves_the_address_alone(make_user):
    user = make_user(REAL)
    User.objects.filter(pk=user.pk).update(email=ZERO_WIDTH)  # an address from before the normalization
    user.refresh_from_db()
    user.name = "Ann"
    user.save(update_fields=["name"])  # e.g. last_login at sign-in: no AddressError
    assert User.objects.get(pk=user.pk).email == ZERO_WIDTH
