"""A toy service built only from the platform kit, used by the platform's own tests."""
