"""Weighted averages and the school's rounding: each expected value is worked out by hand."""

from decimal import Decimal

import pytest

from eschool.journal.domain.averages import (
    DEFAULT_POLICY,
    RoundingPolicy,
    TermAverage,
    WeightedMark,
    annual_average,
    averages_by_pupil,
    exact_average,
    round_to_mark,
    term_average,
    weighted_average,
)

HALF = RoundingPolicy(Decimal("0.5"))
SIX_TENTHS = RoundingPolicy(Decimal("0.6"), version=2)


def marks(*pairs):
    return [WeightedMark(value, Decimal(weight)) for value, weight in pairs]


def test_plain_average_of_equal_weights():
    # (5 + 4 + 4) / 3 = 13/3 = 4.333… → 4.33, fraction 0.33 < 0.5 → 4
    result = term_average(marks((5, 1), (4, 1), (4, 1)), HALF)
    assert result == TermAverage(Decimal("4.33"), 4, 3, True, 1)


def test_weights_one_and_two_keep_the_exact_value():
    # (5·2 + 4·1) / (2 + 1) = 14/3 = 4.666…: shows 4.67, fraction 0.666… ≥ 0.5 → 5
    exact = exact_average(marks((5, 2), (4, 1)))
    assert exact == Decimal(14) / Decimal(3)
    assert weighted_average(marks((5, 2), (4, 1))) == Decimal("4.67")
    assert round_to_mark(exact, HALF) == 5


def test_mix_of_weights_one_one_and_a_half_two():
    # 5·2 + 3·1 + 4·1.5 = 10 + 3 + 6 = 19; Σw = 4.5; 19/4.5 = 4.222… → 4.22, mark 4
    result = term_average(marks((5, 2), (3, 1), (4, "1.5")), HALF)
    assert (result.average, result.mark) == (Decimal("4.22"), 4)


def test_mix_that_rounds_up():
    # 3·2 + 5·1.5 + 4·1 = 6 + 7.5 + 4 = 17.5; Σw = 4.5; 17.5/4.5 = 3.888… → 3.89, fraction ≥ 0.6 → 4
    for policy in (HALF, SIX_TENTHS):
        result = term_average(marks((3, 2), (5, "1.5"), (4, 1)), policy)
        assert (result.average, result.mark) == (Decimal("3.89"), 4)


def test_mix_that_lands_on_a_whole_number():
    # 2·2 + 5·1 + 3·1.5 = 4 + 5 + 4.5 = 13.5; Σw = 4.5; 13.5/4.5 = 3 exactly
    result = term_average(marks((2, 2), (5, 1), (3, "1.5")), HALF)
    assert (result.average, result.mark) == (Decimal("3.00"), 3)


def test_a_whole_class_in_one_pass_matches_the_hand_computed_averages():
    # a: 14/3 = 4.666… → 4.67; b: 19/4.5 = 4.222… → 4.22; c: 13.5/4.5 = 3 → 3.00; d has no marks.
    rows = [
        ("a", 5, Decimal(2)),
        ("b", 5, Decimal(2)),
        ("a", 4, Decimal(1)),
        ("c", 2, Decimal(2)),
        ("b", 3, Decimal(1)),
        ("c", 5, Decimal(1)),
        ("b", 4, Decimal("1.5")),
        ("c", 3, Decimal("1.5")),
    ]
    found = averages_by_pupil(rows)
    assert found == {"a": Decimal("4.67"), "b": Decimal("4.22"), "c": Decimal("3.00")}
    for pupil in found:
        one = marks(*((v, w) for p, v, w in rows if p == pupil))
        assert found[pupil] == term_average(one, HALF).average


def test_exactly_four_and_a_half():
    # (5 + 4) / 2 = 4.5: fraction 0.5 ≥ 0.5 → 5; 0.5 < 0.6 → 4
    four_and_a_half = marks((5, 1), (4, 1))
    assert exact_average(four_and_a_half) == Decimal("4.5")
    assert term_average(four_and_a_half, HALF).mark == 5
    assert term_average(four_and_a_half, SIX_TENTHS).mark == 4


def test_exactly_four_fifty_five():
    # fives 2 + 2 + 1.5 = 5.5, fours 2 + 1.5 + 1 = 4.5: (5·5.5 + 4·4.5) / 10 = (27.5 + 18) / 10 = 4.55
    mixed = marks((5, 2), (5, 2), (5, "1.5"), (4, 2), (4, "1.5"), (4, 1))
    assert exact_average(mixed) == Decimal("4.55")
    assert term_average(mixed, HALF).mark == 5
    assert term_average(mixed, SIX_TENTHS).mark == 4


def test_exactly_four_point_six():
    # (5·1.5 + 4·1) / 2.5 = 11.5 / 2.5 = 4.6: rounds up under both thresholds
    mixed = marks((5, "1.5"), (4, 1))
    assert exact_average(mixed) == Decimal("4.6")
    assert term_average(mixed, HALF).mark == 5
    assert term_average(mixed, SIX_TENTHS).mark == 5


def test_threshold_boundaries_on_bare_averages():
    assert round_to_mark(Decimal("4.49"), HALF) == 4
    assert round_to_mark(Decimal("4.50"), HALF) == 5
    assert round_to_mark(Decimal("4.59"), SIX_TENTHS) == 4
    assert round_to_mark(Decimal("4.60"), SIX_TENTHS) == 5
    assert round_to_mark(Decimal(5), HALF) == 5
    assert round_to_mark(Decimal(1), SIX_TENTHS) == 1


def test_mark_comes_from_the_exact_average_not_the_displayed_one():
    # (5·0.99 + 4·1.01) / 2 = (4.95 + 4.04) / 2 = 8.99 / 2 = 4.495: shows 4.50, fraction 0.495 < 0.5 → 4
    pitfall = marks((5, "0.99"), (4, "1.01"))
    assert exact_average(pitfall) == Decimal("4.495")
    result = term_average(pitfall, HALF)
    assert (result.average, result.mark) == (Decimal("4.50"), 4)
    assert round_to_mark(result.average, HALF) == 5  # what rounding the displayed value would wrongly give


def test_displayed_pitfall_under_six_tenths():
    # (5·0.595 + 4·0.405) / 1 = 2.975 + 1.62 = 4.595: shows 4.60, fraction 0.595 < 0.6 → 4
    result = term_average(marks((5, "0.595"), (4, "0.405")), SIX_TENTHS)
    assert (result.average, result.mark) == (Decimal("4.60"), 4)


def test_no_marks():
    assert exact_average([]) is None
    assert weighted_average([]) is None
    assert term_average([], SIX_TENTHS) == TermAverage(None, None, 0, False, 2)


def test_too_few_marks_still_get_an_average():
    # (5 + 5) / 2 = 5, but 2 marks < min_marks 3
    result = term_average(marks((5, 1), (5, 1)), DEFAULT_POLICY)
    assert result == TermAverage(Decimal("5.00"), 5, 2, False, 1)
    assert term_average(marks((5, 1), (5, 1)), RoundingPolicy(Decimal("0.5"), min_marks=2)).enough_marks


@pytest.mark.parametrize(
    ("terms", "average", "mark"),
    [
        ((5, 4, 4, 5), Decimal("4.50"), 5),  # 18/4 = 4.5 → 5
        ((4, 5, 5, 3), Decimal("4.25"), 4),  # 17/4 = 4.25 → 4
        ((3, 3, 4, 5), Decimal("3.75"), 4),  # 15/4 = 3.75 → 4
    ],
)
def test_annual_marks_from_seed_003(terms, average, mark):
    result = annual_average(terms, HALF)
    assert (result.average, result.mark, result.marks_count) == (average, mark, 4)
    assert result.enough_marks


def test_annual_mark_follows_the_schools_threshold():
    # 5,4,4,5 → 4.5: fraction 0.5 < 0.6 → 4
    assert annual_average((5, 4, 4, 5), SIX_TENTHS).mark == 4
    assert annual_average((5, 4, 4, 5), SIX_TENTHS).policy_version == 2


def test_annual_without_term_marks():
    assert annual_average((), HALF) == TermAverage(None, None, 0, False, 1)


@pytest.mark.parametrize("threshold", ["0", "0.005", "1", "1.5", "-0.5"])
def test_policy_rejects_thresholds_out_of_range(threshold):
    with pytest.raises(ValueError, match="Порог"):
        RoundingPolicy(Decimal(threshold))


def test_policy_bounds_and_counts():
    assert RoundingPolicy(Decimal("0.01")).threshold == Decimal("0.01")
    assert RoundingPolicy(Decimal("0.99")).threshold == Decimal("0.99")
    with pytest.raises(ValueError, match="отметок"):
        RoundingPolicy(Decimal("0.5"), min_marks=0)
    with pytest.raises(ValueError, match="Версия"):
        RoundingPolicy(Decimal("0.5"), version=0)


@pytest.mark.parametrize(("value", "weight"), [(0, 1), (6, 1), (5, 0), (5, -1), (5, Decimal("NaN"))])
def test_weighted_mark_rejects_bad_values_and_weights(value, weight):
    with pytest.raises(ValueError, match=r"Отметка|Вес"):
        WeightedMark(value, weight)


def test_weighted_mark_refuses_float_weights():
    with pytest.raises(TypeError):
        WeightedMark(5, 1.5)
    assert WeightedMark(5, 2).weight == Decimal(2)
