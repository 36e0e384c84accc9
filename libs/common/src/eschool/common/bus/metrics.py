"""Prometheus metrics of the bus; module singletons, labelled by service or queue (low cardinality)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "events_published_total", "Events the outbox relay published with a broker confirm", ["service"]
)
PUBLISH_FAILURES = Counter(
    "outbox_publish_failures_total", "Relay batches the broker did not confirm", ["service"]
)
PARTNER_COPIES_REFUSED = Counter(
    "partner_copies_refused_total",
    "Copies for a partner exchange the broker refused (a partner's full queue that rejects); partners "
    "catch up from the HTTP feed",
    ["exchange"],
)
OUTBOX_BACKLOG = Gauge("outbox_backlog_messages", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row (0 when empty)", ["service"]
)
EVENTS_CONSUMED = Counter(
    "events_consumed_total",
    "Deliveries by outcome: handled, duplicate, retried, dead_lettered",
    ["queue", "outcome"],
)
HANDLER_DURATION = Histogram(
    "event_handler_duration_seconds",
    "Time to handle one event, inbox claim and commit included",
    ["queue"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENT_LAG = Histogram(
    "event_end_to_end_lag_seconds",
    "From the event's time to the end of its handling",
    ["queue"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
DLQ_DEPTH = Gauge("dlq_depth_messages", "Messages parked in a dead-letter queue", ["queue"])
