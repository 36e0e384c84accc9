"""Login through an external OpenID Connect provider, against a test provider."""
