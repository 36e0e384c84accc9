"""Fixtures of the deployment checks: the offline tools they need, and the rendered Kubernetes manifests.

Off CI a missing tool skips the tests that need it; in CI (``CI`` set) it fails them, since CI skips
nothing for want of a tool.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
# Services instantiated from the templates in a copy of deploy/k8s, as a developer would, unless base
# has them already: the journal with its autoscaler, a plain one not yet in base (so that the plain
# template is always built), and the gateway with its Ingress.
EXAMPLE_SERVICES: dict[str, list[str]] = {"journal": ["--hpa"], "reporting": [], "gateway": []}


def _missing(what: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI skips nothing", pytrace=False)
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def kustomize() -> list[str]:
    """The command that renders a kustomization directory given as its last argument."""
    if exe := shutil.which("kustomize"):
        return [exe, "build"]
    if exe := shutil.which("kubectl"):
        return [exe, "kustomize"]
    _missing("kustomize (or kubectl, which bundles it)")


@pytest.fixture(scope="session")
def k8s_schemas() -> ModuleType:
    """``kubernetes_validate``: the Kubernetes JSON schemas, bundled, so validation needs no network."""
    try:
        import kubernetes_validate
    except ImportError:
        _missing("kubernetes-validate (the dev dependency group)")
    return kubernetes_validate


def render(kustomize: list[str], directory: Path) -> list[dict[str, Any]]:
    """The objects a kustomization directory builds; a build error fails the test with its message."""
    result = subprocess.run([*kustomize, str(directory)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"kustomize build {directory} failed:\n{result.stderr}", pytrace=False)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="session")
def build(kustomize: list[str]) -> Callable[[Path], list[dict[str, Any]]]:
    """Render a kustomization directory: ``build(path)`` gives its objects."""
    return functools.partial(render, kustomize)


@pytest.fixture(scope="session")
def instantiated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of deploy/k8s with the example services made by new-service.sh (if base lacks them)."""
    tree = tmp_path_factory.mktemp("deploy") / "k8s"
    shutil.copytree(K8S, tree)
    for name, flags in EXAMPLE_SERVICES.items():
        if not (tree / "base" / "services" / name).exists():
            subprocess.run(
                ["bash", str(tree / "new-service.sh"), name, *flags], check=True, capture_output=True
            )
    gateway = tree / "base" / "services" / "gateway"
    if not (gateway / "ingress.yaml").exists():
        shutil.copy(tree / "templates" / "gateway" / "ingress.yaml", gateway)
        kustomization = yaml.safe_load((gateway / "kustomization.yaml").read_text())
        kustomization["resources"].append("ingress.yaml")
        (gateway / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    return tree


@pytest.fixture(scope="session")
def renders(kustomize: list[str], instantiated: Path) -> dict[str, list[dict[str, Any]]]:
    """The objects of base and of the production overlay, example services included, by overlay."""
    return {
        "base": render(kustomize, instantiated / "base"),
        "production": render(kustomize, instantiated / "overlays" / "production"),
    }
