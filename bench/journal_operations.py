"""The three operations bench/journal.py measures (a mark, the whole lesson saved, the diary's week), ours
beside the bare layer's: peaks, latency at half the peak, rows read; and their figures in the report."""

from __future__ import annotations

from typing import Any

from journal_load import Counters, Lane, Sample, compare, paced, timed
from journal_params import CONCURRENCY, TARGETS, Params
from journal_processes import Processes
from journal_raw import raw_diary_call, raw_lesson_call, raw_mark_call
from journal_requests import LESSON_ABSENCES, LESSON_MARKS, World, diary_call, lesson_call, mark_call

OPERATIONS = {
    "mark_single": (mark_call, raw_mark_call),
    "lesson_save": (lesson_call, raw_lesson_call),
    "diary_week": (diary_call, raw_diary_call),
}
REQUESTS = {
    "mark_single": "POST /api/journal/v1/lessons/{id}/marks: an answer in class (a mark, its audit row, "
    "journal.mark.recorded.v1), by the lesson's teacher; lessons at random over the region",
    "lesson_save": f"PUT /api/journal/v1/lessons/{{id}}/journal: topic and homework, {LESSON_ABSENCES} "
    f"absences, {LESSON_MARKS} marks (each with its audit row and event), answered with the lesson's sheet; "
    "a lesson not saved before each time",
    "diary_week": "GET /api/journal/v1/pupils/{id}/diary/week?start=: a guardian (linked) reads a pupil's "
    "week of the term (30 lessons, ~4 marks, ~1 absence); pupils and weeks at random",
}
RAW = {
    "mark_single": "one transaction: INSERT mark, INSERT journal_audit, INSERT outbox_message",
    "lesson_save": "one transaction: upsert lesson_record, upsert 2 attendance, INSERT 8 marks, 11 "
    "journal_audit and 11 outbox_message rows (executemany)",
    "diary_week": "one prepared SELECT: the pupil's class stay, the week's lessons with records and "
    "subject names, the pupil's marks (json_agg with work type names) and absences",
}


async def measure(
    params: Params, world: World, urls: dict[str, str], processes: Processes, counters: Counters
) -> dict[str, Any]:
    """Per operation: the peak of each lane, the latency at half the peak, the rows read per request."""
    found: dict[str, Any] = {}
    for name, (ours, bare) in OPERATIONS.items():
        lanes = {side: Lane(ours(world, url)) for side, url in urls.items()}
        lanes["raw"] = Lane(bare(world))
        for lane in lanes.values():  # pools, prepared statements, token caches
            await timed(lane, 0.5, 8)
        peak = await compare(lanes, seconds=params.round_s, rounds=params.rounds, processes=processes)
        half = {
            side: await paced(lanes[side], peak[side].per_s() / 2, params.paced_s)
            for side in ("gateway", "raw")
        }
        probe = {
            side: await counters.probe(lanes[side], params.probe_requests) for side in ("gateway", "raw")
        }
        found[name] = {"peak": peak, "half": half, "rows_read_per_request": probe}
    return found


async def measure_replicas(params: Params, world: World, url: str, processes: Processes) -> dict[str, Any]:
    """The peaks through the gateway to the replicas, beside the bare layer's."""
    found = {}
    for name, (ours, bare) in OPERATIONS.items():
        lanes = {"gateway": Lane(ours(world, url)), "raw": Lane(bare(world))}
        for lane in lanes.values():
            await timed(lane, 0.5, 8)
        peak = await compare(lanes, seconds=params.round_s, rounds=2, processes=processes)
        found[name] = peak_figures(peak)
    return found


def peak_figures(peak: dict[str, Sample]) -> dict[str, Any]:
    figures = {side: {"requests_per_s": s.per_s(), "latency_ms": s.latency_ms()} for side, s in peak.items()}
    raw = peak["raw"].per_s()
    figures["ratio_gateway_to_raw"] = round(peak["gateway"].per_s() / raw, 3) if raw else None
    figures["cpu_ms_per_request"] = {side: s.cpu_ms() for side, s in peak.items()}
    # pg_stat_database.sessions counts a connection when it ends: SQLAlchemy's overflow connections
    # (past pool_size) are opened for a request and closed when it is returned.
    figures["connections_closed_per_request"] = {side: s.sessions_per_request() for side, s in peak.items()}
    return figures


def operation_report(name: str, figures: dict[str, Any], full: bool) -> dict[str, Any]:
    peak = peak_figures(figures["peak"])
    p99_max = TARGETS["diary_p99_ms_max"] if name == "diary_week" else TARGETS["mark_p99_ms_max"]
    p99 = figures["half"]["gateway"]["latency_ms"]["p99"]
    ratio = peak["ratio_gateway_to_raw"] or 0.0
    return {
        "request": REQUESTS[name],
        "raw_layer": RAW[name],
        f"peak_at_{CONCURRENCY}_clients": peak,
        "at_half_peak_rate": figures["half"],
        "rows_read_per_request": figures["rows_read_per_request"],
        "targets": {"ratio_to_raw_min": TARGETS["ratio_to_raw_min"], "p99_ms_max_at_half_peak": p99_max},
        "target_met": {"ratio": ratio >= TARGETS["ratio_to_raw_min"], "p99": p99 <= p99_max}
        if full
        else None,
    }
