"""Subjects: the regional catalogue the ministry keeps, seeded with the usual subjects of a Russian
school, and the rules a subject's names keep (seed 003 shows names in Russian and Kyrgyz side by side).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from eschool.scheduling.domain.names import clean
from eschool.scheduling.domain.rules import Violation

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_TRANSLATIONS = 10
# Seeded subjects get ids derived from their codes: every deployment and replica seeds the same rows.
CATALOGUE_NAMESPACE = uuid.UUID("5b0f6a1e-2f4c-4c57-9a3e-2d9f0c6e7a10")


@dataclass(frozen=True)
class SubjectDraft:
    """A subject's names: full, short (for the timetable's cells), and in other languages."""

    name: str
    short_name: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    code: str | None = None


# (code, name, short name, Kyrgyz name or None): the catalogue a new region starts with.
CATALOGUE = (
    ("russian", "Русский язык", "Рус. яз.", "Орус тили"),
    ("literature", "Литература", "Лит-ра", "Адабият"),
    ("reading", "Литературное чтение", "Лит. чт.", None),
    ("mathematics", "Математика", "Матем.", "Математика"),
    ("algebra", "Алгебра", "Алгебра", "Алгебра"),
    ("geometry", "Геометрия", "Геометр.", "Геометрия"),
    ("informatics", "Информатика", "Информ.", "Информатика"),
    ("history", "История", "История", "Тарых"),
    ("social_studies", "Обществознание", "Общест.", None),
    ("geography", "География", "Геогр.", "География"),
    ("biology", "Биология", "Биол.", "Биология"),
    ("physics", "Физика", "Физика", "Физика"),
    ("chemistry", "Химия", "Химия", "Химия"),
    ("english", "Английский язык", "Англ. яз.", "Англис тили"),
    ("german", "Немецкий язык", "Нем. яз.", "Немис тили"),
    ("physical_education", "Физическая культура", "Физ-ра", "Дене тарбия"),
    ("music", "Музыка", "Музыка", "Музыка"),
    ("fine_arts", "Изобразительное искусство", "ИЗО", None),
    ("technology", "Технология", "Технол.", "Технология"),
    ("life_safety", "Основы безопасности и защиты Родины", "ОБЗР", None),
    ("world_around", "Окружающий мир", "Окр. мир", None),
)


def catalogue_drafts() -> list[SubjectDraft]:
    """The seeded catalogue as drafts, in the order above."""
    return [SubjectDraft(name, short, {"ky": ky} if ky else {}, code) for code, name, short, ky in CATALOGUE]


def catalogue_id(code: str) -> uuid.UUID:
    """The id of a seeded catalogue subject."""
    return uuid.uuid5(CATALOGUE_NAMESPACE, code)


def cleaned(draft: SubjectDraft) -> SubjectDraft:
    """The draft with its names' spaces tidied and empty names dropped."""
    short = clean(draft.short_name or "") or None
    translations = {lang.strip(): clean(text) for lang, text in draft.translations.items()}
    code = (draft.code or "").strip() or None
    return SubjectDraft(clean(draft.name), short, translations, code)


def check_subject(draft: SubjectDraft) -> list[Violation]:
    """What is wrong with the subject's names (empty: nothing)."""
    broken = []
    if not draft.name:
        broken.append(Violation("name", "name_blank", "Укажите название предмета"))
    if len(draft.translations) > MAX_TRANSLATIONS:
        detail = f"Не больше {MAX_TRANSLATIONS} переводов названия"
        broken.append(Violation("translations", "too_many_translations", detail))
    for lang, text in draft.translations.items():
        if not LANGUAGE.match(lang):
            detail = f"«{lang}» не код языка: две-три латинские строчные буквы, например «ky»"
            broken.append(Violation(f"translations.{lang}", "language_invalid", detail))
        elif not text:
            broken.append(Violation(f"translations.{lang}", "name_blank", "Укажите перевод названия"))
    return broken
