"""deploy/compose.yml: the infrastructure is healthy before anything starts, and the commented service
blocks become valid services when uncommented; the PostgreSQL init script makes what it promises.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "compose.yml"
INFRASTRUCTURE = {"postgres", "rabbitmq"}
# The services that own a database (ARCHITECTURE.md, "Shape"); the gateway is stateless.
DOMAIN_SERVICES = {
    "identity",
    "contingent",
    "scheduling",
    "journal",
    "enrolment",
    "reporting",
    "communications",
}
# The services that hash SNILS with the one shared key.
SNILS_KEY_READERS = ("identity", "contingent")
_BLOCK_HEADER = re.compile(r"^  # ([a-z][a-z0-9_-]*):$")


def uncomment_service_blocks(text: str) -> str:
    """compose.yml with its commented service blocks (``  # name:`` and what follows) made live."""
    lines, in_block = [], False
    for line in text.splitlines():
        if _BLOCK_HEADER.match(line):
            in_block = True
        elif in_block and not (line.startswith("  #   ") or line == "  #"):
            in_block = False
        if in_block:
            line = "" if line == "  #" else "  " + line[4:]
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def active() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def uncommented() -> dict[str, Any]:
    return yaml.safe_load(uncomment_service_blocks(COMPOSE.read_text()))


def test_every_service_has_a_healthcheck_active_or_commented(active: dict, uncommented: dict) -> None:
    assert active["services"].keys() >= INFRASTRUCTURE
    for name, service in uncommented["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        assert test[0] in {"CMD", "CMD-SHELL"}, f"{name}: {test}"


def test_commented_blocks_are_services_ready_to_uncomment(uncommented: dict) -> None:
    services = {name: s for name, s in uncommented["services"].items() if name not in INFRASTRUCTURE}
    assert services, "compose.yml shows no service block to copy"
    for name, service in services.items():
        assert service["build"]["args"] == {"SERVICE": name}, name
        assert (COMPOSE.parent / service["build"]["context"]).resolve() == DEPLOY.parent, "context: the repo"
        assert (COMPOSE.parent / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        assert service["image"] == f"eschool-{name}:dev"
        for dependency, condition in service["depends_on"].items():
            assert condition == {"condition": "service_healthy"}, (
                f"{name} starts before {dependency} is healthy"
            )
            assert "healthcheck" in uncommented["services"][dependency], dependency
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", [])), name


def test_a_domain_service_reaches_its_own_database_and_the_broker(active: dict, uncommented: dict) -> None:
    databases = set(
        re.split(r"[,\s]+", active["services"]["postgres"]["environment"]["POSTGRES_MULTIPLE_DATABASES"])
    )
    assert databases == DOMAIN_SERVICES
    rabbit = active["services"]["rabbitmq"]["environment"]
    broker = f"amqp://{rabbit['RABBITMQ_DEFAULT_USER']}:{rabbit['RABBITMQ_DEFAULT_PASS']}@rabbitmq:5672/"
    for name in DOMAIN_SERVICES & uncommented["services"].keys():
        env, prefix = uncommented["services"][name]["environment"], name.upper()
        assert env[f"{prefix}_DATABASE_URL"] == f"postgresql+asyncpg://{name}:{name}@postgres:5432/{name}"
        assert env[f"{prefix}_BUS_URL"] == broker
        assert env[f"{prefix}_SECRET_KEY"].startswith("dev-only-"), "a development secret must look like one"
        assert env["ESCHOOL_ENV"] == "development"
        gateway = uncommented["services"].get("gateway", {"depends_on": [name]})
        assert name in gateway["depends_on"], f"the gateway starts before {name}"


def test_the_gateway_routes_to_every_service_and_each_checks_tokens_with_identitys_keys(
    uncommented: dict,
) -> None:
    services = uncommented["services"]
    gateway = services["gateway"]["environment"]
    domain = DOMAIN_SERVICES & services.keys()
    upstreams = json.loads(gateway["GATEWAY_UPSTREAMS"])
    assert upstreams == {name: f"http://{name}:8000" for name in domain}
    assert gateway["GATEWAY_JWKS_URL"] == upstreams["identity"] + "/v1/jwks.json"
    for name in domain:
        env, prefix = services[name]["environment"], name.upper()
        assert env[f"{prefix}_PUBLIC_URL"] == gateway["GATEWAY_PUBLIC_URL"], f"{name}: another issuer"
        # Identity reads its own keys in-process.
        if name != "identity":
            assert env[f"{prefix}_JWKS_URL"] == gateway["GATEWAY_JWKS_URL"], name


def test_identity_and_contingent_share_one_development_snils_key(uncommented: dict) -> None:
    services = uncommented["services"]
    keys = {services[name]["environment"][f"{name.upper()}_SNILS_HMAC_KEY"] for name in SNILS_KEY_READERS}
    assert len(keys) == 1, "identity would match no ESIA login to the hashes contingent publishes"
    assert keys.pop().startswith("dev-only-"), "a development secret must look like one"


def test_files_the_containers_mount_exist(active: dict) -> None:
    for name, service in active["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).is_file(), f"{name} mounts {source}, which does not exist"


def test_rabbitmq_config_is_key_value_lines_and_plugins_an_erlang_list() -> None:
    lines = [
        line for line in (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text().splitlines() if line.strip()
    ]
    settings = [line for line in lines if not line.startswith("#")]
    assert all(re.fullmatch(r"[a-z_][a-z0-9_.]* = \S+", line) for line in settings), settings
    keys = [line.split(" = ")[0] for line in settings]
    assert len(keys) == len(set(keys)), "a key set twice"
    plugins = (DEPLOY / "rabbitmq" / "enabled_plugins").read_text().strip()
    assert re.fullmatch(r"\[([a-z_]+)(,[a-z_]+)*\]\.", plugins), plugins
    assert {"rabbitmq_management", "rabbitmq_prometheus"} <= set(plugins[1:-2].split(","))


def _run_init_script(tmp_path: Path, databases: str) -> subprocess.CompletedProcess[str]:
    # A stand-in psql records the variables it is given and the SQL it reads.
    log = tmp_path / "psql.log"
    psql = tmp_path / "psql"
    psql.write_text(f'#!/usr/bin/env bash\necho "ARGS $*" >> {log}\ncat >> {log}\n')
    psql.chmod(0o755)
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "POSTGRES_USER": "eschool",
        "POSTGRES_MULTIPLE_DATABASES": databases,
    }
    script = DEPLOY / "postgres" / "init-databases.sh"
    return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, check=False)


def test_init_script_creates_a_database_and_owner_per_name(tmp_path: Path) -> None:
    result = _run_init_script(tmp_path, "journal, contingent,,identity")
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "psql.log").read_text()
    assert re.findall(r"--set name=(\S+)", log) == ["journal", "contingent", "identity"]
    assert log.count("CREATE DATABASE %I OWNER %I") == 3
    assert log.count("REVOKE ALL ON DATABASE") == 3
    assert "ON_ERROR_STOP=1" in log


def test_init_script_refuses_a_bad_name_before_creating_anything(tmp_path: Path) -> None:
    result = _run_init_script(tmp_path, "journal,Journal; DROP DATABASE postgres")
    assert result.returncode != 0
    assert not (tmp_path / "psql.log").exists()
