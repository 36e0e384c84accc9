"""Pytest fixtures for eschool: real PostgreSQL and RabbitMQ."""
