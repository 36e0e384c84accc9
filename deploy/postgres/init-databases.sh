#!/usr/bin/env bash
# Creates a database per eschool service in the postgres container, on its first start (an empty data
# volume): every name in POSTGRES_MULTIPLE_DATABASES (commas or spaces) gets a database and a login role
# of the same name that owns it, so that one service cannot open another's database.
#
# Development only: each role's password is its name. Safe to run again (it creates only what is
# missing), e.g. after adding a service to the list of an existing volume:
#   docker compose -f deploy/compose.yml exec postgres /docker-entrypoint-initdb.d/10-init-databases.sh
set -euo pipefail

IFS=', ' read -r -a names <<< "${POSTGRES_MULTIPLE_DATABASES:-}"
for name in "${names[@]}"; do
    [[ -n "$name" ]] || continue
    if [[ ! "$name" =~ ^[a-z][a-z0-9_]{0,62}$ ]]; then
        echo "init-databases: '$name' is not a plain lowercase identifier; nothing created" >&2
        exit 1
    fi
done
for name in "${names[@]}"; do
    [[ -n "$name" ]] || continue
    echo "init-databases: database and role '$name'"
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        --set name="$name" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'name')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SQL
done
