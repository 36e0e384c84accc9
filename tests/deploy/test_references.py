"""Kubernetes objects that name each other: every name resolves in the same render, and the parts that
stand alone (the journal's autoscaler, the migrations Job, RabbitMQ, the production sizes) are right.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
COMMON_SRC = REPO / "libs" / "common" / "src"
COMPONENT = "app.kubernetes.io/component"

Obj = dict[str, Any]
Renders = dict[str, list[Obj]]


def named(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def containers(workload: Obj) -> list[Obj]:
    return workload["spec"]["template"]["spec"]["containers"]


def selected(objects: list[Obj], selector: dict[str, str]) -> list[Obj]:
    """The Deployments whose pods a label selector picks."""
    deployments = named(objects, "Deployment").values()
    return [d for d in deployments if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]


def test_config_maps_and_service_accounts_that_pods_name_exist(renders: Renders) -> None:
    for overlay, objects in renders.items():
        config_maps, accounts = named(objects, "ConfigMap"), named(objects, "ServiceAccount")
        for workload in [*named(objects, "Deployment").values(), *named(objects, "Job").values()]:
            spec = workload["spec"]["template"]["spec"]
            assert spec["serviceAccountName"] in accounts, f"{overlay}: {workload['metadata']['name']}"
            for source in containers(workload)[0].get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps, f"{overlay}: {source}"


def _config_of(objects: list[Obj], deployment: str) -> dict[str, str]:
    """The settings a Deployment's container reads from its ConfigMaps (names carry kustomize's hash)."""
    config_maps = named(objects, "ConfigMap")
    sources = containers(named(objects, "Deployment")[deployment])[0].get("envFrom", [])
    return {k: v for s in sources for k, v in config_maps[s["configMapRef"]["name"]].get("data", {}).items()}


def test_the_gateway_routes_to_every_service_and_each_checks_tokens_with_identitys_keys(
    build: Callable[[Path], list[Obj]],
) -> None:
    # The committed base, not the templates' examples: those are not deployed, so not routed to.
    objects = build(K8S / "base")
    gateway = _config_of(objects, "gateway-api")
    services = set(named(objects, "Service")) - {"gateway"}
    upstreams = json.loads(gateway["GATEWAY_UPSTREAMS"])
    assert upstreams == {name: f"http://{name}.eschool.svc" for name in services}
    assert gateway["GATEWAY_JWKS_URL"] == upstreams["identity"] + "/v1/jwks.json"
    for name in services:
        config, prefix = _config_of(objects, f"{name}-api"), name.upper().replace("-", "_")
        assert config[f"{prefix}_PUBLIC_URL"] == gateway["GATEWAY_PUBLIC_URL"], f"{name}: another issuer"
        # Identity reads its own keys in-process.
        if name != "identity":
            assert config[f"{prefix}_JWKS_URL"] == gateway["GATEWAY_JWKS_URL"], name


def test_services_send_traffic_to_api_pods_on_a_named_port(renders: Renders) -> None:
    for overlay, objects in renders.items():
        for name, service in named(objects, "Service").items():
            pods = selected(objects, service["spec"]["selector"])
            assert pods, f"{overlay}: Service {name} selects no pods"
            assert {d["metadata"]["labels"][COMPONENT] for d in pods} == {"api"}, f"{overlay}: {name}"
            ports = {port["name"] for d in pods for port in containers(d)[0]["ports"]}
            assert {port["targetPort"] for port in service["spec"]["ports"]} <= ports, f"{overlay}: {name}"


def test_ingress_and_disruption_budgets_point_at_what_exists(renders: Renders) -> None:
    for overlay, objects in renders.items():
        services = named(objects, "Service")
        for ingress in named(objects, "Ingress").values():
            for rule in ingress["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    ports = {port["name"] for port in services[backend["name"]]["spec"]["ports"]}
                    assert backend["port"]["name"] in ports, f"{overlay}: {backend}"
        clusters = named(objects, "RabbitmqCluster")
        for name, budget in named(objects, "PodDisruptionBudget").items():
            labels = budget["spec"]["selector"]["matchLabels"]
            # The operator labels its RabbitMQ pods with the cluster's name.
            operated = labels.get("app.kubernetes.io/name") in clusters
            assert operated or selected(objects, labels), (
                f"{overlay}: PodDisruptionBudget {name} selects nothing"
            )


def test_the_journal_autoscales_on_cpu_from_two_to_ten_api_pods(renders: Renders) -> None:
    for overlay, objects in renders.items():
        hpa = named(objects, "HorizontalPodAutoscaler")["journal-api"]["spec"]
        target = named(objects, "Deployment")[hpa["scaleTargetRef"]["name"]]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
        [metric] = hpa["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}
        # A replica count of its own would be reset on every apply, fighting the autoscaler.
        assert "replicas" not in target["spec"], f"{overlay}: journal-api sets replicas beside its HPA"
        assert "requests" in containers(target)[0]["resources"], "utilisation is measured against requests"


def test_migration_job_upgrades_its_own_service_with_the_services_image(renders: Renders) -> None:
    for overlay, objects in renders.items():
        deployments = named(objects, "Deployment")
        for name, job in named(objects, "Job").items():
            service = name.removesuffix("-migrate")
            [container] = containers(job)
            assert container["command"][:2] == ["python", "-c"], f"{overlay}: {name}"
            code = container["command"][2]
            assert f'["{service}"]' in code, f"{overlay}: {name} migrates another service"
            assert "upgrade(" in code, f"{overlay}: {name}"
            _assert_imports_resolve(code)
            assert container["image"] == containers(deployments[f"{service}-api"])[0]["image"]
            assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
            assert job["spec"]["activeDeadlineSeconds"] > 0


def _assert_imports_resolve(code: str) -> None:
    # Read from the source rather than imported: importing the platform takes seconds.
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            assert module.startswith("eschool.common."), f"the Job imports {module}, outside eschool.common"
            path = COMMON_SRC.joinpath(*module.split("."))
            source = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"
            defined = _top_level_names(ast.parse(source.read_text()))
            for alias in node.names:
                assert alias.name in defined, f"{module} defines no {alias.name}"


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def _conf_keys(text: str) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.startswith("#")
    }


def test_rabbitmq_is_an_odd_cluster_of_three_or_more_sized_like_compose(renders: Renders) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())["services"]["rabbitmq"]
    compose_keys = _conf_keys((DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text())
    for overlay, objects in renders.items():
        [cluster] = named(objects, "RabbitmqCluster").values()
        spec = cluster["spec"]
        # Quorum queues replicate over three nodes and need a majority: fewer, or an even count, is no safer.
        assert spec["replicas"] >= 3, f"{overlay}: {spec['replicas']} nodes"
        assert spec["replicas"] % 2 == 1, f"{overlay}: {spec['replicas']} nodes"
        assert spec["resources"]["requests"] == spec["resources"]["limits"], overlay
        assert {"cpu", "memory"} <= spec["resources"]["limits"].keys(), overlay
        assert re.fullmatch(r"\d+Gi", spec["persistence"]["storage"]), overlay
        assert _conf_keys(spec["rabbitmq"]["additionalConfig"]) <= compose_keys, "settings unknown to compose"
        assert spec["image"] == compose["image"], "compose and Kubernetes run different RabbitMQ versions"
        budget = named(objects, "PodDisruptionBudget")[cluster["metadata"]["name"]]["spec"]
        assert budget["maxUnavailable"] == 1, overlay


def test_production_overlay_raises_sizes_and_doubles_workers(renders: Renders) -> None:
    base, production = (named(renders[overlay], "Deployment") for overlay in ("base", "production"))
    for name, deployment in production.items():
        before, after = containers(base[name])[0]["resources"], containers(deployment)[0]["resources"]
        assert after != before, f"production keeps the base resources of {name}"
        if deployment["metadata"]["labels"][COMPONENT] == "worker":
            assert deployment["spec"]["replicas"] >= 2, f"{name}: one worker is a single point of failure"
    [rabbitmq] = named(renders["production"], "RabbitmqCluster").values()
    assert float(rabbitmq["spec"]["resources"]["limits"]["cpu"]) >= 2, "RabbitMQ needs two CPUs in production"
