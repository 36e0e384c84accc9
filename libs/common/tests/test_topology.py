"""Topic matching and queue naming, as both transports rely on them."""

from __future__ import annotations

import pytest

from eschool.common.bus.topology import QueueSpec, topic_matches


@pytest.mark.parametrize(
    ("binding", "key", "expected"),
    [
        ("journal.mark.recorded.v1", "journal.mark.recorded.v1", True),
        ("journal.mark.*.v1", "journal.mark.changed.v1", True),
        ("journal.*.v1", "journal.mark.recorded.v1", False),
        ("journal.#", "journal.mark.recorded.v1", True),
        ("journal.#", "journal", True),
        ("#", "enrolment.application.status_changed.v1", True),
        ("#.v1", "journal.mark.recorded.v1", True),
        ("#.v2", "journal.mark.recorded.v1", False),
        ("journal.#.v1", "journal.v1", True),
        ("journal.mark", "journal.marks", False),
        ("*.mark.#", "mark", False),
    ],
)
def test_topic_matching_follows_amqp(binding: str, key: str, expected: bool) -> None:
    assert topic_matches(binding, key) is expected


def test_queue_names_and_retry_tiers() -> None:
    spec = QueueSpec(name="reporting.journal-events", bindings=("journal.#",), retry_delays=(1, 5, 30))
    assert spec.dlq == "reporting.journal-events.dlq"
    assert [spec.retry_queue(n) for n in (1, 2, 3, 4)] == [
        "reporting.journal-events.retry.1",
        "reporting.journal-events.retry.2",
        "reporting.journal-events.retry.3",
        "reporting.journal-events.retry.3",
    ]
    assert [spec.retry_delay(n) for n in (1, 2, 3)] == [1, 5, 30]
    assert spec.max_retries == 3
