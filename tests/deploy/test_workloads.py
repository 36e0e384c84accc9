"""The rules every eschool workload keeps in Kubernetes, checked on base and on the production overlay.

Probes on the platform's endpoints, requests within limits, the restricted Pod Security Standard, the
API/worker split, settings under the service's prefix, references that resolve, the journal's
autoscaler, the migrations Job, and a RabbitMQ cluster fit for quorum queues.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NAME = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"
# Workloads without a database or a broker of their own (the gateway keeps no data).
STATELESS = frozenset({"gateway"})
# The services that hash SNILS with the one shared key, the Secret snils-hmac (deploy/k8s/README.md).
SNILS_KEY_READERS = frozenset({"identity", "contingent", "enrolment"})
_UNITS = {"": 1.0, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30}

Obj = dict[str, Any]
Renders = dict[str, list[Obj]]


def quantity(value: str | int | float) -> float:
    """A Kubernetes quantity (``250m``, ``512Mi``, ``2``) as a number."""
    match = re.fullmatch(r"([0-9.]+)([a-zA-Z]*)", str(value))
    assert match, f"not a quantity: {value!r}"
    assert match[2] in _UNITS, f"unknown unit in {value!r}"
    return float(match[1]) * _UNITS[match[2]]


def image_uid() -> int:
    """The numeric user deploy/Dockerfile runs as."""
    match = re.search(r"^USER (\d+)(?::\d+)?$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    assert match, "deploy/Dockerfile sets no numeric USER"
    return int(match[1])


def workloads(renders: Renders, *kinds: str) -> Iterator[tuple[str, Obj]]:
    """(overlay, object) for every Deployment and Job, or for the kinds given."""
    for overlay, objects in renders.items():
        for obj in objects:
            if obj["kind"] in (kinds or ("Deployment", "Job")):
                yield overlay, obj


def pod(workload: Obj) -> Obj:
    return workload["spec"]["template"]["spec"]


def where(overlay: str, obj: Obj) -> str:
    return f"{overlay}: {obj['kind']}/{obj['metadata']['name']}"


def test_every_deployment_has_readiness_liveness_and_startup_probes(renders: Renders) -> None:
    wanted = {"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"}
    problems = []
    for overlay, deployment in workloads(renders, "Deployment"):
        for container in pod(deployment)["containers"]:
            ports = {port["name"] for port in container.get("ports", [])}
            for probe, path in wanted.items():
                get = container.get(probe, {}).get("httpGet", {})
                if get.get("path") != path or get.get("port") not in ports:
                    problems.append(
                        f"{where(overlay, deployment)}: {probe} is not GET {path} on a named port"
                    )
    assert not problems, "\n".join(problems)


def test_every_workload_requests_cpu_and_memory_within_limits(renders: Renders) -> None:
    problems = []
    for overlay, workload in workloads(renders):
        for container in pod(workload)["containers"]:
            resources = container.get("resources", {})
            for resource in ("cpu", "memory"):
                request = resources.get("requests", {}).get(resource)
                limit = resources.get("limits", {}).get(resource)
                if request is None or limit is None or quantity(request) > quantity(limit):
                    problems.append(f"{where(overlay, workload)}: {resource} {request=} {limit=}")
    assert not problems, "\n".join(problems)


def _pod_hardening(spec: Obj, uid: int) -> list[str]:
    context = spec.get("securityContext", {})
    problems = [] if context.get("runAsNonRoot") is True else ["runAsNonRoot is not true"]
    if context.get("runAsUser") != uid:
        problems.append(f"runAsUser is not the image's user {uid}")
    if context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append("seccompProfile is not RuntimeDefault")
    if spec.get("automountServiceAccountToken") is not False:
        problems.append("a service account token is mounted")
    if spec.get("enableServiceLinks") is not False:
        problems.append("service links put <SERVICE>_PORT variables into the environment")
    return problems


def _container_hardening(spec: Obj, container: Obj) -> list[str]:
    context = container.get("securityContext", {})
    problems = []
    if context.get("allowPrivilegeEscalation") is not False or context.get("privileged"):
        problems.append(f"{container['name']} may escalate privileges")
    if context.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{container['name']} has a writable root filesystem")
    if context.get("capabilities", {}).get("drop") != ["ALL"] or context.get("capabilities", {}).get("add"):
        problems.append(f"{container['name']} keeps capabilities")
    scratch = {volume["name"] for volume in spec.get("volumes", []) if "emptyDir" in volume}
    mounts = {mount["mountPath"] for mount in container.get("volumeMounts", []) if mount["name"] in scratch}
    if "/tmp" not in mounts:
        problems.append(f"{container['name']} has no writable /tmp")
    return problems


def test_every_workload_runs_as_the_images_non_root_user_and_cannot_escalate(renders: Renders) -> None:
    uid = image_uid()
    problems = []
    for overlay, workload in workloads(renders):
        spec = pod(workload)
        found = _pod_hardening(spec, uid)
        for container in [*spec["containers"], *spec.get("initContainers", [])]:
            found += _container_hardening(spec, container)
        problems += [f"{where(overlay, workload)}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)


def test_every_deployment_is_scraped_on_its_http_port(renders: Renders) -> None:
    for overlay, deployment in workloads(renders, "Deployment"):
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        http = next(port for port in pod(deployment)["containers"][0]["ports"] if port["name"] == "http")
        assert annotations.get("prometheus.io/scrape") == "true", where(overlay, deployment)
        assert annotations.get("prometheus.io/port") == str(http["containerPort"]), where(overlay, deployment)
        assert annotations.get("prometheus.io/path") == "/metrics", where(overlay, deployment)


def test_api_pods_only_serve_and_worker_pods_run_the_relay_and_consumers(renders: Renders) -> None:
    flags = {"--no-relay", "--no-consumers"}
    for overlay, deployment in workloads(renders, "Deployment"):
        component = deployment["metadata"]["labels"][COMPONENT]
        args = set(pod(deployment)["containers"][0].get("args", []))
        assert component in {"api", "worker"}, where(overlay, deployment)
        assert (flags <= args) if component == "api" else not (flags & args), where(overlay, deployment)


def test_settings_are_read_under_the_service_prefix_from_its_own_secrets(renders: Renders) -> None:
    for overlay, workload in workloads(renders):
        service = workload["metadata"]["labels"][NAME]
        prefix = service.upper().replace("-", "_") + "_"
        env = {var["name"]: var for var in pod(workload)["containers"][0].get("env", [])}
        assert all(name.startswith((prefix, "ESCHOOL_")) for name in env), where(overlay, workload)
        if service in STATELESS:
            assert not env, f"{where(overlay, workload)}: a stateless workload needs no secrets"
            continue
        secrets = {"DATABASE_URL": (f"{service}-db", "url"), "SECRET_KEY": (f"{service}-app", "secret-key")}
        if workload["kind"] == "Deployment":
            secrets["BUS_URL"] = (f"{service}-bus", "url")
        for setting, (secret, key) in secrets.items():
            ref = env[prefix + setting]["valueFrom"]["secretKeyRef"]
            assert (ref["name"], ref["key"]) == (secret, key), f"{where(overlay, workload)}: {setting}"


def test_identity_contingent_and_enrolment_alone_read_the_shared_snils_key(renders: Renders) -> None:
    readers = set()
    for overlay, workload in workloads(renders):
        service = workload["metadata"]["labels"][NAME]
        env = {var["name"]: var for var in pod(workload)["containers"][0].get("env", [])}
        refs = {
            name: var["valueFrom"]["secretKeyRef"]
            for name, var in env.items()
            if var.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == "snils-hmac"
        }
        if service not in SNILS_KEY_READERS:
            assert not refs, f"{where(overlay, workload)} reads the SNILS key, which it does not need"
            continue
        setting = service.upper().replace("-", "_") + "_SNILS_HMAC_KEY"
        assert set(refs) == {setting}, where(overlay, workload)
        assert refs[setting]["key"] == "key", where(overlay, workload)
        readers.add(service)
    assert readers == SNILS_KEY_READERS
