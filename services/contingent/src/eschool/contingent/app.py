"""The contingent service's definition for the platform."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from eschool.common.service import ServiceDefinition
from eschool.contingent.settings import ContingentSettings


def routers() -> list[APIRouter]:
    """Every router of the API, under ``/api/contingent``."""
    return []


service = ServiceDefinition(
    name="contingent",
    title="eschool contingent",
    settings=ContingentSettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
)
