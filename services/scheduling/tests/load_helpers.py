"""What the curricula and teaching-load tests share: a school's chosen subjects and a curriculum."""

from __future__ import annotations

from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.testing.service import As

from .conftest import World


async def chosen_subjects(api: httpx.AsyncClient, as_: As, world: World, *codes: str) -> dict[str, str]:
    """The school A teaches these catalogue subjects: code → subject id."""
    admin = as_(Role.school_admin, world.school_a)
    catalogue = {s["code"]: s["subject_id"] for s in (await api.get("/v1/subjects", headers=admin)).json()}
    ids = [catalogue[c] for c in codes]
    url = f"/v1/schools/{world.school_a}/subjects/chosen"
    assert (await api.post(url, json={"subject_ids": ids}, headers=admin)).status_code == 200
    return dict(zip(codes, ids, strict=True))


async def new_curriculum(
    api: httpx.AsyncClient, headers: dict[str, str], world: World, hours: dict[str, float], **body: Any
) -> dict[str, Any]:
    """A curriculum of school A's year (grade 5 unless said); asserts the 201."""
    payload = {
        "academic_year_id": str(world.year_a),
        "name": "5 классы, ФГОС ООО",
        "grade": 5,
        "subjects": [{"subject_id": s, "weekly_hours": h} for s, h in hours.items()],
        **body,
    }
    response = await api.post(f"/v1/schools/{world.school_a}/curricula", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
