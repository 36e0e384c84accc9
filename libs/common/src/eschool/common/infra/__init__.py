"""Private PostgreSQL and RabbitMQ servers from the installed binaries, for tests and `make stack`."""

from eschool.common.infra.partners import create_partner_account, delete_partner_account
from eschool.common.infra.ports import InfraError, free_port
from eschool.common.infra.postgres import LocalPostgres, create_database, drop_database, start_postgres
from eschool.common.infra.rabbitmq import LocalRabbit, create_vhost, delete_vhost, start_rabbitmq

__all__ = [
    "InfraError",
    "LocalPostgres",
    "LocalRabbit",
    "create_database",
    "create_partner_account",
    "create_vhost",
    "delete_partner_account",
    "delete_vhost",
    "drop_database",
    "free_port",
    "start_postgres",
    "start_rabbitmq",
]
