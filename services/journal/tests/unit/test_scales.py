"""Grading scales: which scale a grade and subject get, and which mark texts each scale accepts."""

import pytest

from eschool.journal.domain.scales import (
    FIVE_POINT_VALUES,
    PASS_FAIL_VALUES,
    GradingScale,
    InvalidMark,
    MarkValue,
    parse_mark,
    scale_for_grade,
    scale_of,
)


def test_first_grade_gets_no_marks_and_others_five_point():
    assert scale_for_grade(1) is GradingScale.none
    assert scale_for_grade(2) is GradingScale.five_point
    assert scale_for_grade(11) is GradingScale.five_point


def test_subject_scale_applies_except_in_first_grade():
    assert scale_of(1, GradingScale.pass_fail) is GradingScale.none
    assert scale_of(1, None) is GradingScale.none
    assert scale_of(5, GradingScale.pass_fail) is GradingScale.pass_fail
    assert scale_of(5, None) is GradingScale.five_point


@pytest.mark.parametrize(
    ("text", "scale", "expected"),
    [
        ("1", GradingScale.five_point, MarkValue("1", 1)),
        ("5", GradingScale.five_point, MarkValue("5", 5)),
        (" 4 ", GradingScale.five_point, MarkValue("4", 4)),
        ("зач", GradingScale.pass_fail, MarkValue("зач", None)),
        ("незач", GradingScale.pass_fail, MarkValue("незач", None)),
        (" зачёт ", GradingScale.pass_fail, MarkValue("зач", None)),
        ("зачет", GradingScale.pass_fail, MarkValue("зач", None)),
        ("незачёт", GradingScale.pass_fail, MarkValue("незач", None)),
        ("незачет", GradingScale.pass_fail, MarkValue("незач", None)),
        ("Зач", GradingScale.pass_fail, MarkValue("зач", None)),
    ],
)
def test_parse_mark_accepts_the_scales_values(text, scale, expected):
    assert parse_mark(text, scale) == expected


@pytest.mark.parametrize(
    ("text", "scale", "message"),
    [
        ("6", GradingScale.five_point, "пятибалльной"),
        ("0", GradingScale.five_point, "пятибалльной"),
        ("4.5", GradingScale.five_point, "пятибалльной"),
        ("зач", GradingScale.five_point, "пятибалльной"),
        ("", GradingScale.five_point, "пятибалльной"),
        ("5", GradingScale.pass_fail, "зачёт/незачёт"),
        ("за", GradingScale.pass_fail, "зачёт/незачёт"),
        ("5", GradingScale.none, "В 1 классе отметки не ставятся"),
        ("зач", GradingScale.none, "В 1 классе отметки не ставятся"),
    ],
)
def test_parse_mark_rejects_what_is_not_on_the_scale(text, scale, message):
    with pytest.raises(InvalidMark, match=message):
        parse_mark(text, scale)


def test_nothing_parses_in_first_grade():
    scale = scale_of(1, GradingScale.five_point)
    for text in (*FIVE_POINT_VALUES, *PASS_FAIL_VALUES):
        with pytest.raises(InvalidMark):
            parse_mark(text, scale)


def test_invalid_mark_is_a_value_error():
    assert issubclass(InvalidMark, ValueError)
