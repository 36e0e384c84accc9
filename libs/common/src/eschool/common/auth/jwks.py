"""Verification of identity's access tokens (RS256 JWT) against its JWKS endpoint.

Keys are fetched with httpx and cached. A token signed with a ``kid`` the cache does not know triggers one
refresh, so a key rotation is picked up without a restart; refreshes are rate-limited and coalesced so
that a flood of tokens with made-up ``kid`` values cannot turn every service into a load generator
pointed at identity.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
import jwt

from eschool.common.logging import get_logger

log = get_logger(__name__)

# The only algorithm identity signs with; anything else (none, HS256 keyed with our public key) is an
# algorithm-confusion attempt and is refused before a key is even looked up.
ALGORITHM = "RS256"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


class TokenReason(StrEnum):
    """Why a token was refused: a stable machine code, also used as the 401 problem code."""

    token_invalid = "token_invalid"  # noqa: S105 - a reason code, not a secret
    token_expired = "token_expired"  # noqa: S105 - a reason code, not a secret
    algorithm_not_allowed = "algorithm_not_allowed"
    kid_missing = "kid_missing"
    issuer_mismatch = "issuer_mismatch"
    audience_mismatch = "audience_mismatch"
    unknown_key = "unknown_key"
    jwks_unavailable = "jwks_unavailable"


class InvalidToken(Exception):  # noqa: N818 - reads as "raise InvalidToken(reason)"
    """A token was refused; ``reason`` is machine-readable, ``detail`` is for logs only."""

    def __init__(self, reason: TokenReason, detail: str = "") -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail


# pyjwt's exception classes, most specific first (they form a hierarchy under InvalidTokenError).
_PYJWT_REASONS: tuple[tuple[type[jwt.PyJWTError], TokenReason], ...] = (
    (jwt.ExpiredSignatureError, TokenReason.token_expired),
    (jwt.InvalidIssuerError, TokenReason.issuer_mismatch),
    (jwt.InvalidAudienceError, TokenReason.audience_mismatch),
    (jwt.InvalidAlgorithmError, TokenReason.algorithm_not_allowed),
)


def _reason_for(error: jwt.PyJWTError) -> TokenReason:
    for error_type, reason in _PYJWT_REASONS:
        if isinstance(error, error_type):
            return reason
    return TokenReason.token_invalid


def _usable_keys(document: Any) -> dict[str, jwt.PyJWK]:
    """RS256 signing keys of a JWKS document by kid; other keys are skipped, not fatal."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("JWKS document has no 'keys' list")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not _is_rs256_signing_key(entry):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry, algorithm=ALGORITHM)
        except jwt.PyJWTError:
            log.warning("auth.jwks.key_skipped", kid=entry["kid"])
    return keys


def _is_rs256_signing_key(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("kid"), str)
        and entry.get("kty") == "RSA"
        and entry.get("alg", ALGORITHM) == ALGORITHM
        and entry.get("use", "sig") == "sig"
    )


@dataclass(frozen=True)
class _Verified:
    """A token whose signature and claims were checked: valid until ``exp`` while its key is published."""

    kid: str
    claims: dict[str, Any]
    exp: float


class JwksVerifier:
    """Verifies RS256 access tokens with keys from a JWKS URL, cached and refreshed on rotation.

    A token verified once is remembered (up to ``verified_cache_size``, least recently used out) and
    accepted again without the RSA check while it has not expired and its key is still in the set:
    a client sends the same token with every request for 15 minutes, and the check is most of what
    the gateway and each service spend on authentication. The answer is the one a full check gives.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        http: httpx.AsyncClient | None = None,
        cache_ttl: float = 600,
        min_refresh_interval: float = 10,
        leeway: float = 30,
        clock: Callable[[], float] = time.monotonic,
        verified_cache_size: int = 10_000,
    ) -> None:
        self._url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=5.0)
        self._cache_ttl = cache_ttl
        self._min_refresh_interval = min_refresh_interval
        self._leeway = leeway
        self._clock = clock
        self._verified: OrderedDict[str, _Verified] = OrderedDict()
        self._verified_cache_size = verified_cache_size
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._generation = 0
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid token, or raise ``InvalidToken`` saying why not."""
        if (claims := self._remembered(token)) is not None:
            return claims
        kid = self._kid_of(token)
        key = await self._key_for(kid)
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason_for(error), str(error)) from error
        self._remember(token, kid, claims)
        return dict(claims)

    def _remembered(self, token: str) -> dict[str, Any] | None:
        """The claims of a token verified before, if it still holds: not expired, its key still published."""
        entry = self._verified.get(token)
        if entry is None or self._clock() - self._fetched_at > self._cache_ttl:
            # A stale key set is refreshed by the full check first: a withdrawn key must be noticed.
            return None
        # Only expiry can end a token that was valid (nbf and iat only ever become truer); a key gone
        # from the set (rotated out, withdrawn) ends every token signed with it at once.
        if time.time() >= entry.exp + self._leeway or entry.kid not in self._keys:
            del self._verified[token]
            return None
        self._verified.move_to_end(token)
        return dict(entry.claims)

    def _remember(self, token: str, kid: str, claims: dict[str, Any]) -> None:
        if self._verified_cache_size <= 0:
            return
        self._verified[token] = _Verified(kid, dict(claims), float(claims["exp"]))
        while len(self._verified) > self._verified_cache_size:
            self._verified.popitem(last=False)

    async def aclose(self) -> None:
        """Close the HTTP client if this verifier created it."""
        if self._owns_http:
            await self._http.aclose()

    @staticmethod
    def _kid_of(token: str) -> str:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken(TokenReason.token_invalid, str(error)) from error
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(TokenReason.algorithm_not_allowed, "alg is not RS256")
        kid = header.get("kid")
        if not kid:
            raise InvalidToken(TokenReason.kid_missing, "header has no kid")
        return str(kid)

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        key = self._keys.get(kid)
        if key is None or self._clock() - self._fetched_at > self._cache_ttl:
            # A known kid on a stale cache need not queue behind a fetch already under way.
            await self._refresh(wait=key is None)
            key = self._keys.get(kid)
        if key is not None:
            return key
        if not self._keys:
            raise InvalidToken(TokenReason.jwks_unavailable, "no signing keys could be fetched")
        raise InvalidToken(TokenReason.unknown_key, "kid not in the key set")

    async def _refresh(self, *, wait: bool) -> None:
        """Fetch the key set unless another task just did or the rate limit says wait."""
        if not wait and self._lock.locked():
            return
        generation = self._generation
        async with self._lock:
            # Tasks that queued behind a fetch reuse its result instead of fetching again.
            if self._generation != generation:
                return
            if self._clock() - self._attempted_at < self._min_refresh_interval:
                return
            self._attempted_at = self._clock()
            try:
                await self._fetch()
            finally:
                # Bumped when the fetch is over, so every task that queued during it sees it as done.
                self._generation += 1

    async def _fetch(self) -> None:
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            keys = _usable_keys(response.json())
        except (httpx.HTTPError, ValueError) as error:
            # Keep the keys we have: tokens signed with them stay verifiable while identity is down.
            log.warning("auth.jwks.fetch_failed", url=self._url, error=type(error).__name__)
            return
        self._keys = keys
        self._fetched_at = self._clock()
        log.info("auth.jwks.refreshed", url=self._url, kids=sorted(keys))
