"""Identity domain."""
