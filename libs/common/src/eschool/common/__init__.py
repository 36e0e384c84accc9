"""The shared platform of eschool services."""
