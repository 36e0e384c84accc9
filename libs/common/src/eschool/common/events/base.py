"""The event base class, the CloudEvents-named envelope, and the registry of contract events."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

EVENT_TYPE_RE = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v(?P<major>[1-9][0-9]*)$")
CONTRACTS_PACKAGE = "eschool.common.events"

_registry: dict[str, type[Event]] = {}

E = TypeVar("E")


class Event(BaseModel):
    """Base of every event payload; subclasses set ``event_type``."""

    # Consumers ignore fields they do not know yet: a v1 may gain optional fields at any time.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        match = EVENT_TYPE_RE.match(event_type)
        if not match:
            raise TypeError(f"{cls.__name__}: event_type {event_type!r} is not producer.aggregate.verb.vN")
        if not cls.__name__.endswith(f"V{match['major']}"):
            raise TypeError(f"{cls.__name__}: the class name must end with V{match['major']}")
        if cls.__module__.startswith(CONTRACTS_PACKAGE + "."):
            known = _registry.get(event_type)
            if known is not None and known is not cls:
                raise TypeError(f"event type {event_type} is defined twice")
            _registry[event_type] = cls

    @classmethod
    def producer(cls) -> str:
        """The producing service, the first part of the type."""
        return cls.event_type.split(".", 1)[0]


class Envelope(BaseModel, Generic[E]):
    """What travels on the bus: CloudEvents attribute names around the event's ``data``."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(description="Unique event id; consumers deduplicate on it")
    type: str = Field(description="Event type, equal to the routing key")
    source: str = Field(description="The producing service")
    time: datetime = Field(description="When the fact happened (UTC)")
    subject: str = Field(description="Id of the aggregate the event is about")
    school_id: UUID | None = Field(default=None, description="The school that owns the aggregate")
    correlation_id: str | None = Field(default=None, description="Id of the request or flow that led here")
    causation_id: str | None = Field(
        default=None, description="Id of the event or request that caused this one"
    )
    datacontenttype: Literal["application/json"] = "application/json"
    data: E


def load_contracts() -> None:
    """Import every producer module so the registry holds every contract event."""
    package = importlib.import_module(CONTRACTS_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__, CONTRACTS_PACKAGE + "."):
        if module.name != CONTRACTS_PACKAGE + ".base":
            importlib.import_module(module.name)


def contract_events() -> dict[str, type[Event]]:
    """Every contract event by type, sorted by type."""
    load_contracts()
    return dict(sorted(_registry.items()))


def event_class(event_type: str) -> type[Event] | None:
    """The contract event class of a type, if there is one."""
    load_contracts()
    return _registry.get(event_type)
