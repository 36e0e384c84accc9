"""Who sees a school: out of sight (not theirs to administer, no role in it) it is not found, as if it did
not exist; seen without the right, it is refused."""

from __future__ import annotations

import uuid

import pytest

from eschool.common.auth import Principal, Role
from eschool.common.auth.principal import RoleBinding
from eschool.common.errors import Problem
from eschool.common.service import ServiceRuntime
from eschool.contingent.services.scope import require_school

from .test_years import add_tree


def holding(role: Role, org_unit_id: uuid.UUID) -> Principal:
    """Someone holding ``role`` in ``org_unit_id``, and nothing else."""
    return Principal(uuid.uuid4(), None, None, (RoleBinding(role, org_unit_id),), frozenset())


async def test_school_out_of_sight_is_not_found_and_seen_without_the_right_is_refused(
    contingent: ServiceRuntime,
) -> None:
    tree = await add_tree(contingent)
    async with contingent.database.uow() as uow:
        for admin in (
            holding(Role.ministry, tree.region),
            holding(Role.municipality, tree.rayon_a),
            holding(Role.director, tree.school_a),
        ):
            assert (await require_school(uow, admin, tree.school_a)).org_unit_id == tree.school_a
        teacher = holding(Role.subject_teacher, tree.school_a)
        school = await require_school(uow, teacher, tree.school_a, roles=(Role.subject_teacher,))
        assert school.org_unit_id == tree.school_a

        refusals = [
            (teacher, tree.school_a, (403, "school_not_administered")),
            (holding(Role.director, tree.school_b), tree.school_a, (404, "school_not_found")),
            (holding(Role.municipality, tree.rayon_b), tree.school_a, (404, "school_not_found")),
            (holding(Role.ministry, tree.region), tree.rayon_a, (404, "school_not_found")),
            (holding(Role.ministry, tree.region), uuid.uuid4(), (404, "school_not_found")),
        ]
        for actor, school_id, expected in refusals:
            with pytest.raises(Problem) as refused:
                await require_school(uow, actor, school_id)
            assert (refused.value.status, refused.value.code) == expected, (actor, school_id)
