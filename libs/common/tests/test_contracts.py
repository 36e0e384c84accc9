"""Event contracts: the checked-in files are exactly what the models produce."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from toy.events import ThingCreatedV1

from eschool.common import contracts
from eschool.common.events import Event

REPO = Path(__file__).resolve().parents[3]


def test_checked_in_contracts_match_the_models() -> None:
    stale = contracts.drift(REPO / "contracts")
    assert stale == [], f"run `make contracts`: {stale}"


def test_export_is_idempotent_and_removes_stale_schemas(tmp_path: Path) -> None:
    assert contracts.write(tmp_path) != []
    (tmp_path / "events" / "gone.thing.removed.v1.json").write_text("{}")
    assert contracts.drift(tmp_path) == ["events/gone.thing.removed.v1.json"]
    contracts.write(tmp_path)
    assert contracts.write(tmp_path) == []
    assert contracts.drift(tmp_path) == []


def test_each_event_gets_a_schema_channel_and_message() -> None:
    files = contracts.render({ThingCreatedV1.event_type: ThingCreatedV1})
    schema = files["events/toy.thing.created.v1.json"]
    assert '"const": "toy.thing.created.v1"' in schema
    assert "thing_id" in schema
    doc = yaml.safe_load(files["asyncapi.yaml"])
    channel = doc["channels"]["toy_thing_created_v1"]
    assert channel["address"] == "toy.thing.created.v1"
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "eschool.events"
    assert doc["components"]["messages"]["ThingCreatedV1"]["payload"] == {
        "$ref": "./events/toy.thing.created.v1.json"
    }
    assert doc["operations"]["publish_toy_thing_created_v1"]["action"] == "send"


def test_event_type_must_follow_the_naming_rule() -> None:
    with pytest.raises(TypeError, match=r"producer\.aggregate\.verb"):
        type("BadV1", (Event,), {"event_type": "Journal.Mark.Recorded", "__module__": __name__})
    with pytest.raises(TypeError, match="must end with V2"):
        type("MarkRecordedV1", (Event,), {"event_type": "journal.mark.recorded.v2", "__module__": __name__})
