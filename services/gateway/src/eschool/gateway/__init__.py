"""The API gateway: routes ``/api/<service>/...``, verifies access tokens, rate limits, serves the OpenAPI."""
