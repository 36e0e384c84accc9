"""SNILS: spellings normalise to 11 digits, the checksum is enforced, the keyed hash is stable."""

from __future__ import annotations

import pytest

from eschool.common.snils import InvalidSnilsError, is_valid_snils, normalize_snils, snils_hash

KEY = b"a-key-shared-by-contingent-and-identity"


@pytest.mark.parametrize(
    "snils",
    [
        "112-233-445 95",  # sum 95: the check number is the sum itself
        "050-234-316 00",  # sum 100: check 00
        "01610339600",  # sum 101: check 00
        "41894232801",  # sum 203: 203 mod 101 = 1
        "001-001-998 00",  # issued before the checksum rule: any check digits
        "001-001-997 42",
        "820-981-233 00",  # sum 201: 201 mod 101 = 100, written 00
    ],
)
def test_valid_numbers_pass(snils: str) -> None:
    assert is_valid_snils(snils)


@pytest.mark.parametrize(
    "snils",
    [
        "112-233-445 96",  # wrong check digits
        "001-001-999 00",  # the first number the checksum applies to
        "1122334459",  # ten digits
        "112233445950",  # twelve
        "112.233.445 95",  # dots are not a SNILS separator
        "112-233-445 9a",
        "١١٢٢٣٣٤٤٥٩٥",  # non-ASCII digits
        "",
    ],
)
def test_invalid_numbers_are_refused(snils: str) -> None:
    assert not is_valid_snils(snils)
    with pytest.raises(InvalidSnilsError) as raised:
        normalize_snils(snils)
    assert snils not in str(raised.value) or not snils


def test_formatting_variants_give_the_same_hash() -> None:
    spellings = ["112-233-445 95", "11223344595", "112 233 445 95", " 112-233-445-95\t"]
    assert {normalize_snils(s) for s in spellings} == {"11223344595"}
    assert len({snils_hash(s, KEY) for s in spellings}) == 1


def test_hash_depends_on_the_key_and_hides_the_number() -> None:
    first, second = snils_hash("11223344595", KEY), snils_hash("11223344595", b"another-key")
    assert first != second
    assert len(first) == 64
    assert "11223344595" not in first
    assert snils_hash("41894232801", KEY) != first


def test_hash_refuses_an_empty_key_and_an_invalid_number() -> None:
    with pytest.raises(ValueError, match="non-empty key"):
        snils_hash("11223344595", b"")
    with pytest.raises(InvalidSnilsError):
        snils_hash("11223344596", KEY)
