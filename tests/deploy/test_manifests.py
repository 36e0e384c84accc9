"""Kubernetes manifests: every file parses, every kustomization builds, every object fits its schema.

The service templates name services that may not exist yet; the ``renders`` fixture (conftest.py) makes
example services from them in a copy of deploy/k8s, so the templates are built and checked too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
YAML_FILES = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
KUSTOMIZATIONS = sorted(K8S.rglob("kustomization.yaml"))
# Kinds served by operators, which kubernetes-validate has no schema for (checked in test_workloads.py).
OPERATOR_KINDS = {"rabbitmq.com/v1beta1": {"RabbitmqCluster"}}
# The oldest Kubernetes the manifests support, and the newest the schemas know (removed APIs fail there).
OLDEST_KUBERNETES = "1.30"
DEPRECATED_KUSTOMIZE_KEYS = {"bases", "commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars"}
# The services base/ holds, each made by new-service.sh and then edited (deploy/k8s/README.md).
COMMITTED_SERVICES = ("gateway", "identity", "contingent", "scheduling", "journal", "enrolment")

Objects = list[dict[str, Any]]


def _relative(path: Path) -> str:
    return str(path.relative_to(DEPLOY))


@pytest.mark.parametrize("path", YAML_FILES, ids=_relative)
def test_every_yaml_file_under_deploy_parses(path: Path) -> None:
    documents = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    assert documents, f"{_relative(path)} holds no YAML document"
    assert all(isinstance(doc, dict) for doc in documents)


def _named_files(kustomization: dict[str, Any]) -> list[str]:
    named = [*kustomization.get("resources", []), *kustomization.get("components", [])]
    named += [patch["path"] for patch in kustomization.get("patches", []) if "path" in patch]
    for generator in [
        *kustomization.get("configMapGenerator", []),
        *kustomization.get("secretGenerator", []),
    ]:
        named += [entry.split("=", 1)[-1] for entry in generator.get("files", [])]
        named += generator.get("envs", [])
    return named


@pytest.mark.parametrize("path", KUSTOMIZATIONS, ids=_relative)
def test_every_file_a_kustomization_names_exists(path: Path) -> None:
    kustomization = yaml.safe_load(path.read_text())
    assert not DEPRECATED_KUSTOMIZE_KEYS & kustomization.keys(), "use resources, labels and patches"
    for name in _named_files(kustomization):
        target = path.parent / name
        assert target.exists(), f"{_relative(path)} names {name}, which does not exist"
        if target.is_dir():
            assert (target / "kustomization.yaml").is_file(), f"{name} is a folder without a kustomization"


@pytest.mark.parametrize("path", KUSTOMIZATIONS, ids=_relative)
def test_no_manifest_beside_a_kustomization_is_forgotten(path: Path) -> None:
    text = path.read_text()
    # A manifest left out on purpose is named in a comment (`# - hpa.yaml`).
    mentioned = set(_named_files(yaml.safe_load(text)))
    mentioned |= set(re.findall(r"^\s*#\s*-\s*(\S+\.ya?ml)\s*$", text, re.MULTILINE))
    beside = {p.name for p in path.parent.glob("*.y*ml") if p.name != "kustomization.yaml"}
    assert not beside - mentioned, (
        f"{_relative(path)} neither lists nor mentions {sorted(beside - mentioned)}"
    )


def _parts_of(service: str) -> set[tuple[str, str]]:
    """(kind, name) of every object a service has; the gateway keeps no data: no worker, no migrations."""
    parts = {
        ("Deployment", f"{service}-api"),
        ("Service", service),
        ("PodDisruptionBudget", f"{service}-api"),
        ("ServiceAccount", service),
    }
    if service != "gateway":
        parts |= {("Deployment", f"{service}-worker"), ("Job", f"{service}-migrate")}
    return parts


@pytest.mark.parametrize("directory", ["base", "overlays/production"])
def test_committed_kustomizations_build(build: Callable[[Path], Objects], directory: str) -> None:
    objects = build(K8S / directory)
    kinds = {obj["kind"] for obj in objects}
    assert {"Namespace", "RabbitmqCluster", "PodDisruptionBudget", "ConfigMap"} <= kinds
    namespaced = [obj for obj in objects if obj["kind"] != "Namespace"]
    assert {obj["metadata"].get("namespace") for obj in namespaced} == {"eschool"}
    names = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
    for service in COMMITTED_SERVICES:
        assert _parts_of(service) <= names, f"{service} lacks {sorted(_parts_of(service) - names)}"
    assert {name for kind, name in names if kind == "Service"} == set(COMMITTED_SERVICES)


def test_templates_build_into_every_part_of_a_service(renders: dict[str, Objects]) -> None:
    for overlay, objects in renders.items():
        names = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
        for service in ("journal", "reporting", *COMMITTED_SERVICES):
            parts = _parts_of(service)
            assert parts <= names, f"{overlay}: {service} lacks {sorted(parts - names)}"
        assert ("Deployment", "gateway-worker") not in names
        assert ("HorizontalPodAutoscaler", "journal-api") in names
        assert ("HorizontalPodAutoscaler", "scheduling-api") not in names
        assert ("HorizontalPodAutoscaler", "reporting-api") not in names
        assert ("HorizontalPodAutoscaler", "contingent-api") not in names
        assert ("Ingress", "gateway") in names


def test_every_object_matches_its_kubernetes_schema(
    renders: dict[str, Objects], k8s_schemas: ModuleType
) -> None:
    unique = {yaml.safe_dump(obj): obj for objects in renders.values() for obj in objects}.values()
    errors = []
    for obj in unique:
        if obj["kind"] in OPERATOR_KINDS.get(obj["apiVersion"], ()):
            continue
        for version in (OLDEST_KUBERNETES, k8s_schemas.latest_version()):
            try:
                k8s_schemas.validate(obj, version, strict=True)
            except k8s_schemas.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                errors.append(
                    f"{obj['kind']}/{obj['metadata']['name']} on {version}: {path}: {error.message}"
                )
            except k8s_schemas.SchemaNotFoundError as error:
                errors.append(error.message)
    assert not errors, "\n".join(errors)


def test_schema_validation_catches_a_broken_manifest(
    renders: dict[str, Objects], k8s_schemas: ModuleType
) -> None:
    deployment = next(obj for obj in renders["base"] if obj["kind"] == "Deployment")
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz"}}
    with pytest.raises(k8s_schemas.ValidationError):
        k8s_schemas.validate(broken, OLDEST_KUBERNETES, strict=True)


def test_new_service_refuses_a_bad_name_and_an_existing_service(instantiated: Path) -> None:
    script = instantiated / "new-service.sh"
    for args in (["Communications"], ["communications", "--replicas=3"], ["journal"]):
        result = subprocess.run(["bash", str(script), *args], capture_output=True, text=True, check=False)
        assert result.returncode != 0, f"new-service.sh {' '.join(args)} succeeded"
    assert not (instantiated / "base" / "services" / "communications").exists()
