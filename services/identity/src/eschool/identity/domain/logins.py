"""Generated logins: the person's name in Latin letters, unique in the region (no I/O)."""

from __future__ import annotations

import re
from collections.abc import Callable

# ГОСТ Р 52535.1-2006 (the passport transliteration), lower case: what families already know from
# their children's documents.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "tc", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
_NOT_LOGIN = re.compile(r"[^a-z0-9]+")
MAX_STEM = 40


def transliterate(text: str) -> str:
    """Latin letters and digits only, lower case."""
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())
    return _NOT_LOGIN.sub("", latin)


def login_stem(last_name: str, first_name: str, middle_name: str | None = None) -> str:
    """``ivanov.pa`` for Иванов Пётр Андреевич; a name with no letters left gives ``user``."""
    # The initial is the first letter's transliteration: Юлия gives "iu", as in her passport.
    initials = transliterate(first_name.strip()[:1]) + transliterate((middle_name or "").strip()[:1])
    stem = transliterate(last_name)[:MAX_STEM] or "user"
    return f"{stem}.{initials}" if initials else stem


def unique_login(stem: str, taken: Callable[[str], bool]) -> str:
    """The stem, or the stem with the smallest number from 2 that is not taken."""
    if not taken(stem):
        return stem
    number = 2
    while taken(f"{stem}{number}"):
        number += 1
    return f"{stem}{number}"
