"""One-time secrets of the authorization code flow: state, nonce, PKCE (RFC 7636), login codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

# RFC 7636 section 4.1: 43 to 128 characters of the unreserved set.
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def new_secret() -> str:
    """A random URL-safe value with 256 bits of entropy (state, nonce, login code)."""
    return secrets.token_urlsafe(32)


def derived_verifier(key: bytes, state: str) -> str:
    """A PKCE code verifier derived from the state under a key (43 characters, RFC 7636's minimum)."""
    raw = hmac.new(key, b"pkce-verifier:" + state.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def digest(value: str) -> str:
    """SHA-256 hex: how state, nonce and login codes are stored and looked up."""
    return hashlib.sha256(value.encode()).hexdigest()


def s256_challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier: base64url of its SHA-256, without padding."""
    raw = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def is_code_challenge(value: str) -> bool:
    """Whether a value can be an S256 challenge (43 base64url characters)."""
    return re.fullmatch(r"[A-Za-z0-9\-_]{43}", value) is not None


def verifier_matches(verifier: str | None, challenge: str) -> bool:
    """Whether the verifier is well formed and hashes to the challenge (constant-time comparison)."""
    if verifier is None or not _VERIFIER.match(verifier):
        return False
    return hmac.compare_digest(s256_challenge(verifier), challenge)


def digests_match(value: str, stored_digest: str) -> bool:
    """Whether a value hashes to a stored digest (constant-time comparison)."""
    return hmac.compare_digest(digest(value), stored_digest)
