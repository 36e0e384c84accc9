"""SNILS (the personal insurance account number): normalisation, checksum, and the keyed hash.

Contingent knows a guardian's or staff member's SNILS; identity must match a login through the state
identity provider to that person without SNILS ever crossing the bus in clear. Both services compute
``snils_hash`` with the same secret key, so equal numbers give equal hashes and a stolen hash cannot be
reversed by enumerating the 10^9 possible numbers without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from pydantic import SecretStr

from eschool.common.settings import DEV_SECRET_PREFIX

# The development default of the key both services share (IDENTITY_/CONTINGENT_SNILS_HMAC_KEY);
# production refuses it, as every development default secret.
DEV_SNILS_HMAC_KEY = SecretStr(DEV_SECRET_PREFIX + "snils-hmac-key")

# Numbers up to 001-001-998 were issued before the checksum rule and carry no valid check digits.
_LAST_UNCHECKED = 1_001_998
_SEPARATORS = re.compile(r"[\s\-]")


class InvalidSnilsError(ValueError):
    """Not a SNILS: wrong characters, wrong length or a failed checksum (the value is never included)."""


def snils_checksum(first_nine: str) -> int:
    """The two check digits for the first nine digits (the Pension Fund's algorithm)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True))
    # 100 and 101 both become 00; above 101 the sum is reduced modulo 101 and a 100 again becomes 00.
    return total % 101 % 100


def normalize_snils(value: str) -> str:
    """The 11 digits of a SNILS written with or without spaces and hyphens; raises on anything else."""
    digits = _SEPARATORS.sub("", value)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        raise InvalidSnilsError("СНИЛС должен состоять из 11 цифр")
    number, check = digits[:9], int(digits[9:])
    if int(number) > _LAST_UNCHECKED and snils_checksum(number) != check:
        raise InvalidSnilsError("Контрольное число СНИЛС не сходится")
    return digits


def is_valid_snils(value: str) -> bool:
    """Whether the value is a SNILS in any accepted spelling."""
    try:
        normalize_snils(value)
    except InvalidSnilsError:
        return False
    return True


def snils_hash(snils: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the normalised SNILS under the key shared by contingent and identity."""
    if not key:
        raise ValueError("the SNILS hash needs a non-empty key")
    return hmac.new(key, normalize_snils(snils).encode("ascii"), hashlib.sha256).hexdigest()
