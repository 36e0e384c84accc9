"""The rules of names, bell schedules and rooms, without I/O."""

from __future__ import annotations

from datetime import time

from eschool.scheduling.domain.bells import Slot, check_slots, default_slots, hhmm
from eschool.scheduling.domain.names import clean, name_key
from eschool.scheduling.domain.rooms import check_room
from eschool.scheduling.domain.subjects import CATALOGUE, SubjectDraft, check_subject, cleaned


def test_names_compare_without_case_and_with_yo_as_ye() -> None:
    assert name_key("  Сокращённый   ДЕНЬ ") == name_key("сокращенный день")
    assert clean("  Основы   программирования ") == "Основы программирования"


def test_the_seeded_catalogue_has_unique_codes_and_names() -> None:
    assert len({code for code, *_ in CATALOGUE}) == len(CATALOGUE)
    assert len({name_key(name) for _, name, *_ in CATALOGUE}) == len(CATALOGUE)


def test_a_subject_needs_a_name_and_language_codes() -> None:
    draft = cleaned(SubjectDraft("  ", None, {"Kyrgyz": "Математика", "ky": " "}))
    fields = {v.field: v.code for v in check_subject(draft)}
    assert fields == {
        "name": "name_blank",
        "translations.Kyrgyz": "language_invalid",
        "translations.ky": "name_blank",
    }


def test_the_default_schedule_has_45_minute_lessons_and_the_usual_breaks() -> None:
    slots = default_slots()
    assert [(s.number, hhmm(s.starts_at), hhmm(s.ends_at)) for s in slots[:4]] == [
        (1, "08:00", "08:45"),
        (2, "08:55", "09:40"),
        (3, "10:00", "10:45"),
        (4, "11:05", "11:50"),
    ]
    assert len(slots) == 7
    assert check_slots(1, slots) == []
    assert len(default_slots(12, time(22, 0))) == 2  # the day ends first


def test_a_zeroth_lesson_is_allowed() -> None:
    slots = [Slot(0, time(7, 15), time(7, 55)), *default_slots(2)]
    assert check_slots(2, slots) == []


def test_broken_slots_are_named_by_index() -> None:
    slots = [
        Slot(2, time(8, 0), time(8, 45)),
        Slot(3, time(8, 40), time(9, 25)),
        Slot(5, time(10, 0), time(9, 50)),
    ]
    broken = {(v.field, v.code) for v in check_slots(3, slots)}
    assert broken == {
        ("shift", "shift_invalid"),
        ("slots.0.number", "slot_number_invalid"),
        ("slots.1.starts_at", "slots_overlap"),
        ("slots.2.number", "slot_numbers_gap"),
        ("slots.2.ends_at", "slot_reversed"),
    }
    assert [v.code for v in check_slots(1, [])] == ["slots_empty"]


def test_a_room_needs_a_name_and_a_sensible_capacity() -> None:
    assert {v.field for v in check_room("", 0)} == {"name", "capacity"}
    assert check_room("204", 30) == []
    assert check_room("Спортзал", None) == []
