"""The term mark forecast: how many 5s reach the next mark, how many 2s lose the current one."""

import random
from decimal import Decimal

import pytest

from eschool.journal.domain.averages import (
    DEFAULT_POLICY,
    RoundingPolicy,
    WeightedMark,
    exact_average,
    round_to_mark,
)
from eschool.journal.domain.forecast import Forecast, forecast, marks_to_fall, marks_to_reach

HALF = RoundingPolicy(Decimal("0.5"))
SIX_TENTHS = RoundingPolicy(Decimal("0.6"))


def ones(*values):
    return [WeightedMark(value) for value in values]


def test_forecast_with_two_fours():
    # 8/2 = 4 → 4; 5s: (8 + 5n)/(2 + n) ≥ 4.5 ⇔ n ≥ 2; 2s: (8 + 2n)/(2 + n) < 3.5 ⇔ n > 2/3 → 1 (10/3)
    assert forecast(ones(4, 4), HALF) == Forecast(
        mark=4,
        average=Decimal("4.00"),
        enough_marks=False,
        marks_needed=1,
        next_mark=5,
        fives_for_next=2,
        risk_twos=1,
    )


def test_forecast_at_five_has_no_next_mark():
    # 15/3 = 5; 2s: (15 + 2n)/(3 + n) < 4.5 ⇔ 1.5 < 2.5n → n = 1 (17/4 = 4.25)
    result = forecast(ones(5, 5, 5), HALF)
    assert (result.mark, result.next_mark, result.fives_for_next, result.risk_twos) == (5, None, None, 1)
    assert (result.enough_marks, result.marks_needed) == (True, 0)


def test_forecast_at_two_has_no_risk():
    # 7/3 = 2.33 → 2; 5s: (7 + 5n)/(3 + n) ≥ 2.5 ⇔ 2.5n ≥ 0.5 → n = 1 (12/4 = 3)
    result = forecast(ones(2, 2, 3), HALF)
    assert (result.mark, result.next_mark, result.fives_for_next, result.risk_twos) == (2, 3, 1, None)


def test_forecast_without_marks():
    assert forecast([], DEFAULT_POLICY) == Forecast(None, None, False, 3, None, None, None)


def test_forecast_with_weighted_marks():
    # 3·2 + 4·1.5 = 12 over 3.5 = 3.428… → 3; 5s of weight 1: (12 + 5n)/(3.5 + n) ≥ 3.5 ⇔ 1.5n ≥ 0.25 → 1
    # 2s: (12 + 2n)/(3.5 + n) < 2.5 ⇔ 12 + 2n < 8.75 + 2.5n ⇔ n > 6.5 → 7
    marks = [WeightedMark(3, Decimal(2)), WeightedMark(4, Decimal("1.5"))]
    result = forecast(marks, HALF)
    assert (result.mark, result.average, result.fives_for_next, result.risk_twos) == (
        3,
        Decimal("3.43"),
        1,
        7,
    )


def test_reach_lands_exactly_on_the_threshold():
    # [4, 4] → 5 at t = 4.5: one 5 gives 13/3 = 4.33, two give 18/4 = 4.5 exactly → rounds up → 2
    assert marks_to_reach(ones(4, 4), 5, policy=HALF) == 2
    # at t = 4.6: (8 + 5n)/(2 + n) ≥ 4.6 ⇔ 0.4n ≥ 1.2 → n = 3, 23/5 = 4.6 exactly
    assert marks_to_reach(ones(4, 4), 5, policy=SIX_TENTHS) == 3


def test_reach_with_a_heavier_five():
    # (8 + 5·2n)/(2 + 2n) ≥ 4.5 ⇔ 8 + 10n ≥ 9 + 9n ⇔ n ≥ 1: 18/4 = 4.5
    assert marks_to_reach(ones(4, 4), 5, weight=Decimal(2), policy=HALF) == 1


def test_reach_with_fours_towards_four():
    # [3, 3] → 4 with 4s at t = 3.5: (6 + 4n)/(2 + n) ≥ 3.5 ⇔ 0.5n ≥ 1 → 2 (14/4 = 3.5)
    assert marks_to_reach(ones(3, 3), 4, value=4, policy=HALF) == 2


def test_reach_already_there_unreachable_and_from_nothing():
    assert marks_to_reach(ones(5), 5, policy=HALF) == 0
    assert marks_to_reach(ones(5, 4), 3, value=2, policy=HALF) == 0
    assert marks_to_reach(ones(2, 2), 5, value=4, policy=HALF) is None
    assert marks_to_reach([], 5, policy=HALF) == 1
    assert marks_to_reach([], 5, value=4, policy=HALF) is None


def test_reach_rejects_a_target_off_the_scale():
    with pytest.raises(ValueError, match="Целевая"):
        marks_to_reach(ones(4), 6, policy=HALF)


def test_fall_stops_short_of_the_exact_threshold():
    # [5] with 4s at t = 4.5: one 4 gives 9/2 = 4.5 → still 5; two give 13/3 = 4.33 → 4
    assert marks_to_fall(ones(5), value=4, policy=HALF) == 2


def test_fall_depends_on_the_threshold():
    # [5, 5] with 4s: at t = 4.6, (10 + 4n)/(2 + n) < 4.6 ⇔ 0.6n > 0.8 → 2 (18/4 = 4.5)
    assert marks_to_fall(ones(5, 5), value=4, policy=SIX_TENTHS) == 2
    # at t = 4.5, 0.5n > 1 → 3: two 4s give exactly 4.5, still a 5
    assert marks_to_fall(ones(5, 5), value=4, policy=HALF) == 3


def test_fall_impossible():
    assert marks_to_fall([], policy=HALF) is None
    assert marks_to_fall(ones(3, 3, 3), value=3, policy=HALF) is None
    assert marks_to_fall(ones(3, 3, 3), value=4, policy=HALF) is None
    assert marks_to_fall(ones(1, 1), value=1, policy=HALF) is None


def _brute_reach(marks, target, value, weight, policy, limit=2_000):
    total = sum((m.value * m.weight for m in marks), Decimal(0))
    weights = sum((m.weight for m in marks), Decimal(0))
    for n in range(limit):
        if weights and round_to_mark(total / weights, policy) >= target:
            return n
        total, weights = total + value * weight, weights + weight
    return None


def _brute_fall(marks, value, weight, policy, limit=2_000):
    current = round_to_mark(exact_average(marks), policy)
    total = sum((m.value * m.weight for m in marks), Decimal(0))
    weights = sum((m.weight for m in marks), Decimal(0))
    for n in range(1, limit):
        total, weights = total + value * weight, weights + weight
        if round_to_mark(total / weights, policy) < current:
            return n
    return None


def _random_case(rng):
    weights = [Decimal(w) for w in ("0.5", "1", "1.5", "2")]
    marks = [WeightedMark(rng.randint(1, 5), rng.choice(weights)) for _ in range(rng.randint(0, 12))]
    policy = RoundingPolicy(Decimal(rng.choice(("0.3", "0.5", "0.55", "0.6", "0.75"))))
    return marks, rng.choice(weights), policy


def _mark_of(marks, policy):
    return round_to_mark(exact_average(marks), policy) if marks else 0


def test_reach_answer_is_least_against_brute_force():
    rng = random.Random(20240901)
    for _ in range(400):
        marks, weight, policy = _random_case(rng)
        # Aim mostly above the current mark, so that most answers are neither 0 nor None.
        target = rng.randint(min(_mark_of(marks, policy) + 1, 5), 5)
        value = rng.choice((5, 5, rng.randint(1, 5)))
        n = marks_to_reach(marks, target, value=value, weight=weight, policy=policy)
        assert n == _brute_reach(marks, target, value, weight, policy)
        if n is None:
            assert value < target
            continue
        added = [WeightedMark(value, weight)]
        assert _mark_of(marks + added * n, policy) >= target
        if n > 0:
            assert _mark_of(marks + added * (n - 1), policy) < target


def test_fall_answer_is_least_against_brute_force():
    rng = random.Random(20240902)
    for _ in range(300):
        marks, weight, policy = _random_case(rng)
        value = rng.randint(1, 5)
        n = marks_to_fall(marks, value=value, weight=weight, policy=policy)
        if not marks or value >= round_to_mark(exact_average(marks), policy):
            assert n is None
            continue
        assert n == _brute_fall(marks, value, weight, policy)
