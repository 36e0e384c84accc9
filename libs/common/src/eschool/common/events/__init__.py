"""Event contracts: the one source of every event's shape.

One module per producing service (``eschool.common.events.journal`` ...). An event model subclasses
``Event``, names its type (= routing key) ``<producer>.<aggregate>.<past_verb>.v<major>`` and says in its
docstring when it is emitted. A v1 only gains optional fields; a breaking change is a v2 beside it.
"""

from eschool.common.events.base import Envelope, Event, contract_events, event_class

__all__ = ["Envelope", "Event", "contract_events", "event_class"]
