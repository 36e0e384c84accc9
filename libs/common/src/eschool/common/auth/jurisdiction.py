"""Whose data an administrator looks after: the ministry the whole region, a municipality its schools, a
school's administration its own school.

The tree is the service's own business (contingent owns it; identity keeps a projection of it): a
service resolves a caller's jurisdiction by handing ``jurisdiction_of`` a query for the schools under
given municipalities. A school the service has not heard of is under no municipality yet, so only the
ministry and the school's own administration reach it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from uuid import UUID

from eschool.common.auth.principal import Principal, Role

# The people who administer one school (seed 004, section 3).
SCHOOL_ADMINISTRATORS = (Role.school_admin, Role.director)

SchoolsUnder = Callable[[frozenset[UUID]], Awaitable[Collection[UUID]]]


@dataclass(frozen=True)
class Jurisdiction:
    """The org units an actor administers, resolved against the org tree."""

    everywhere: bool
    municipalities: frozenset[UUID]
    own_schools: frozenset[UUID]  # as the school's administrator or director
    municipal_schools: frozenset[UUID]  # under a municipality the actor works in

    @property
    def schools(self) -> frozenset[UUID]:
        """Every school the actor administers."""
        return self.own_schools | self.municipal_schools

    @property
    def administers_anything(self) -> bool:
        """Whether the actor is any kind of administrator at all."""
        return self.everywhere or bool(self.municipalities or self.own_schools)

    def covers(self, org_unit_id: UUID | None) -> bool:
        """Whether ``org_unit_id`` (a school or a municipality) is the actor's to see."""
        if self.everywhere:
            return True
        return org_unit_id is not None and (org_unit_id in self.schools or org_unit_id in self.municipalities)

    def covers_school(self, school_id: UUID) -> bool:
        """Whether the school is the actor's: the ministry, its municipality, its own administration."""
        return self.everywhere or school_id in self.schools

    def administers_all(self, org_units: Collection[UUID | None]) -> bool:
        """Whether every one of ``org_units`` is one of the actor's schools (to act on all of them)."""
        return self.everywhere or all(unit is not None and unit in self.schools for unit in org_units)


async def jurisdiction_of(actor: Principal, schools_under: SchoolsUnder) -> Jurisdiction:
    """The actor's jurisdiction: their bindings, with the schools under their municipalities."""
    municipalities = frozenset(actor.org_units_for(Role.municipality))
    municipal_schools = frozenset(await schools_under(municipalities)) if municipalities else frozenset()
    return Jurisdiction(
        everywhere=actor.has_role(Role.ministry),
        municipalities=municipalities,
        own_schools=frozenset(actor.org_units_for(*SCHOOL_ADMINISTRATORS)),
        municipal_schools=municipal_schools,
    )
