"""The rules of weekly hours and of a class's coverage, with no I/O."""

from __future__ import annotations

import uuid
from decimal import Decimal

from eschool.scheduling.domain.load import Assigned, Coverage, check_hours, class_hours, coverage


def test_hours_are_above_zero_at_most_ten_with_one_decimal() -> None:
    assert check_hours(Decimal("0.5"), "h") == []
    assert [v.code for v in check_hours(Decimal(0), "h")] == ["weekly_hours_out_of_range"]
    assert [v.code for v in check_hours(Decimal("1.25"), "h")] == ["weekly_hours_precision"]


def test_subgroups_of_a_subject_count_once_for_the_class() -> None:
    english, math, g1, g2 = (uuid.uuid4() for _ in range(4))
    hours = class_hours(
        [
            Assigned(english, g1, Decimal(3)),
            Assigned(english, g2, Decimal(2)),
            Assigned(math, None, Decimal(4)),
            Assigned(math, None, Decimal(1)),
        ]
    )
    assert hours == {english: Decimal(3), math: Decimal(5)}
    rows = coverage({math: Decimal(6), english: Decimal(3)}, hours | {g1: Decimal(1)})
    assert [r.coverage for r in rows] == [Coverage.not_covered, Coverage.covered, Coverage.unplanned]
