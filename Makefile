# eschool: every command a developer or CI needs. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv runs the workspace; on a fresh machine it is installed from PyPI into the user's Python first.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

.PHONY: help setup run test lint fmt contracts stack stack-down up down bench dlq-list dlq-replay k8s-check clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install uv (if missing) and every dependency of the workspace
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --all-packages --frozen --quiet

run: setup ## the whole system in one process (SQLite files under var/, in-process bus)
	@$(RUN) python -m eschool.common.embedded

# Test processes side by side (each with its own private servers); the end-to-end stacks run alone after.
PYTEST_WORKERS ?= 2

test: setup ## lint, contract drift, and every test on real PostgreSQL and RabbitMQ (started if absent)
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e
	@$(RUN) pytest tests/e2e

lint: setup ## ruff
	@$(RUN) ruff check .

fmt: setup ## format and fix what ruff can
	@$(RUN) ruff format .
	@$(RUN) ruff check --fix .

contracts: setup ## write contracts/events/*.json and contracts/asyncapi.yaml from the event models
	@$(RUN) python -m eschool.common.contracts

stack: setup ## PostgreSQL + RabbitMQ from this machine's binaries under var/stack, each service its own process
	@$(RUN) python -m eschool.common.stack up

stack-down: setup ## stop what `make stack` started
	@$(RUN) python -m eschool.common.stack down

up: ## the stack in containers (needs a Docker engine)
	docker compose -f deploy/compose.yml up --build -d

down: ## stop the containers
	docker compose -f deploy/compose.yml down

bench: setup ## benchmarks; each prints JSON with the bare layer's figure beside ours
	@$(RUN) python bench/bus.py
	@$(RUN) python bench/gateway.py
	@$(RUN) python bench/contingent.py
	@$(RUN) python bench/scheduling.py
	@$(RUN) python bench/journal.py
	@$(RUN) python bench/enrolment.py

dlq-list: setup ## show parked messages: make dlq-list QUEUE=journal.contingent-events
	@$(RUN) eschool dlq-list $(QUEUE)

dlq-replay: setup ## replay parked messages: make dlq-replay QUEUE=journal.contingent-events
	@$(RUN) eschool dlq-replay $(QUEUE)

k8s-check: setup ## validate deploy/ offline (Kubernetes schemas, kustomize, compose)
	@$(RUN) pytest tests/deploy -q

clean: ## remove local data (SQLite files, stack data)
	rm -rf var
