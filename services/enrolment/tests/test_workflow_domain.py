"""The workflow's steps and the ranked list's order, without I/O."""

from __future__ import annotations

from datetime import date

import pytest

from eschool.enrolment.domain.ranking import first_grade_age_out_of_range, months_old, priority_group
from eschool.enrolment.domain.workflow import (
    FINAL,
    OPEN,
    STEPS,
    AwaitingAnswer,
    IllegalStep,
    MissingReason,
    Status,
    check_step,
)

LEGAL = [(current, target) for current, targets in STEPS.items() for target in targets]


def test_the_steps_are_the_glossarys_and_no_others() -> None:
    reason = {Status.rejected: "no_free_places", Status.withdrawn: "applicant_request"}
    for current, target in LEGAL:
        # Out of assigned_to_class, the steps are contingent's answers.
        check_step(current, target, reason.get(target), None, answer=current is Status.assigned_to_class)
    forward = {(c, t) for c, t in LEGAL if t not in (Status.rejected, Status.withdrawn)}
    assert forward == {
        (Status.new, Status.documents_check),
        (Status.new, Status.registered),
        (Status.documents_check, Status.registered),
        (Status.registered, Status.assigned_to_class),
        (Status.assigned_to_class, Status.enrolled),
        (Status.assigned_to_class, Status.registered),
    }
    # Not while contingent is enrolling the child: its answer comes first.
    assert {c for c, t in LEGAL if t is Status.rejected} == OPEN - {Status.assigned_to_class}
    assert {c for c, t in LEGAL if t is Status.withdrawn} == OPEN - {Status.assigned_to_class}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.new, Status.enrolled),
        (Status.documents_check, Status.assigned_to_class),
        (Status.registered, Status.enrolled),
        (Status.registered, Status.documents_check),
        (Status.enrolled, Status.withdrawn),
        (Status.rejected, Status.registered),
        (Status.withdrawn, Status.documents_check),
        (Status.new, Status.new),
        (Status.assigned_to_class, Status.withdrawn),
        (Status.assigned_to_class, Status.rejected),
    ],
)
def test_illegal_steps_are_refused_saying_what_is_allowed(current: Status, target: Status) -> None:
    with pytest.raises(IllegalStep) as refused:
        check_step(current, target, None, None)
    detail = refused.value.detail
    if current in FINAL:
        assert "больше не меняется" in detail
    else:
        assert "допустимо" in detail


def test_a_rejection_needs_a_known_reason_and_other_needs_a_comment() -> None:
    with pytest.raises(MissingReason) as missing:
        check_step(Status.registered, Status.rejected, None, None)
    assert missing.value.field == "reason_code"
    with pytest.raises(MissingReason):
        check_step(Status.registered, Status.rejected, "bad_weather", None)
    with pytest.raises(MissingReason) as comment:
        check_step(Status.registered, Status.rejected, "other", "  ")
    assert comment.value.field == "comment"
    check_step(Status.registered, Status.rejected, "other", "Семья переехала в другой регион")
    with pytest.raises(MissingReason):
        check_step(Status.new, Status.registered, "no_free_places", None)


def test_priority_groups_in_the_laws_order() -> None:
    assert priority_group("extraordinary", sibling_in_school=True, in_territory=True) == 1
    assert priority_group("first_priority", sibling_in_school=False, in_territory=False) == 2
    assert priority_group("none", sibling_in_school=True, in_territory=False) == 3
    assert priority_group("none", sibling_in_school=False, in_territory=True) == 4
    assert priority_group("none", sibling_in_school=False, in_territory=False) == 5


@pytest.mark.parametrize(
    ("birth_date", "out_of_range"),
    [
        (date(2021, 3, 1), False),  # 6 years 6 months on 1 September 2027: the youngest admitted
        (date(2021, 3, 2), True),  # a day short of it
        (date(2019, 9, 1), False),  # 8 years exactly: the oldest admitted
        (date(2019, 8, 31), True),  # 8 years and a day
    ],
)
def test_the_first_grades_age_on_the_first_of_september(birth_date: date, out_of_range: bool) -> None:
    assert first_grade_age_out_of_range(birth_date, 2027) is out_of_range


def test_months_old_counts_whole_months() -> None:
    assert months_old(date(2020, 1, 31), date(2020, 2, 29)) == 0
    assert months_old(date(2020, 1, 31), date(2020, 3, 1)) == 1
    assert months_old(date(2020, 5, 15), date(2027, 9, 1)) == 87


def test_while_contingent_enrols_only_its_answer_moves_the_application() -> None:
    for target in (Status.registered, Status.withdrawn, Status.rejected, Status.enrolled):
        with pytest.raises(AwaitingAnswer):
            check_step(Status.assigned_to_class, target, "other", "Семья передумала")
    check_step(Status.assigned_to_class, Status.registered, "class_full", None, answer=True)
    with pytest.raises(IllegalStep):
        check_step(Status.registered, Status.enrolled, None, None, answer=True)
