"""Token verification against identity's JWKS, the key cache, and claims to principal.

Identity is ``eschool.common.testing.auth.TestIdentity``: real RSA keys and a real JWKS endpoint that counts
fetches, so caching, rotation and rate limiting are observed from identity's side.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest

from eschool.common.auth import (
    InvalidToken,
    JwksVerifier,
    Principal,
    Role,
    RoleBinding,
    TokenReason,
    principal_from_claims,
)
from eschool.common.testing.auth import AUDIENCE, ISSUER, JWKS_URL, FakeClock, TestIdentity, public_pem


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def verifier(test_identity: TestIdentity, clock: FakeClock) -> JwksVerifier:
    return test_identity.verifier(clock)


async def refused(verifier: JwksVerifier, token: str) -> TokenReason:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    return caught.value.reason


def ago(seconds: int) -> int:
    return int(time.time()) - seconds


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(identity: TestIdentity, alg: str, sign: Callable[[bytes], bytes]) -> str:
    """A token built by hand, as an attacker would, with any alg and signature."""
    header = b64(json.dumps({"alg": alg, "typ": "JWT", "kid": identity.kid}).encode())
    payload = identity.token().split(".")[1]  # a genuine token's claims
    signing_input = (header + "." + payload).encode()
    return header + "." + payload + "." + b64(sign(signing_input))


def confused_alg(identity: TestIdentity) -> str:
    """Algorithm confusion: HMAC keyed with the public key, which anyone can download from the JWKS."""
    key = public_pem(identity.kid)
    return forge(identity, "HS256", lambda data: hmac.new(key, data, hashlib.sha256).digest())


def with_unknown_kid(identity: TestIdentity) -> str:
    """A token signed with the current key but naming a kid identity never published."""
    return identity.token(header_kid=str(uuid4()))


# --- verification --------------------------------------------------------------------------------------


async def test_valid_token_becomes_the_right_principal(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    user_id, person_id, school, other_school = uuid4(), uuid4(), uuid4(), uuid4()
    roles = [
        (Role.class_teacher, school),
        (Role.subject_teacher, other_school),
        ("astronaut", None),  # a role from a newer identity: ignored, not fatal
    ]
    token = test_identity.token(
        user_id=user_id, person_id=person_id, roles=roles, scopes=["diary:read", "journal:write"]
    )

    principal = principal_from_claims(await verifier.verify(token))

    assert (principal.user_id, principal.person_id, principal.client_id) == (user_id, person_id, None)
    assert principal.bindings == (
        RoleBinding(Role.class_teacher, school),
        RoleBinding(Role.subject_teacher, other_school),
    )
    assert principal.scopes == {"diary:read", "journal:write"}
    assert not principal.is_machine
    assert principal.has_role(Role.class_teacher, org_unit_id=school)
    assert not principal.has_role(Role.class_teacher, org_unit_id=other_school)
    assert not principal.has_role(Role.school_admin)
    assert principal.org_units_for(Role.class_teacher, Role.subject_teacher) == {school, other_school}


async def test_guardian_binding_carries_the_pupils_it_covers(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    school, son, daughter = uuid4(), uuid4(), uuid4()
    token = test_identity.token(
        roles=[(Role.guardian, school), (Role.subject_teacher, school)], pupils=[son, daughter]
    )

    principal = principal_from_claims(await verifier.verify(token))

    assert principal.pupils() == {son, daughter}
    assert RoleBinding(Role.subject_teacher, school) in principal.bindings
    assert not principal.password_change_required


async def test_test_identity_tokens_carry_the_principals_they_name(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    async def principal(token: str) -> Principal:
        return principal_from_claims(await verifier.verify(token))

    school = uuid4()
    admin = await principal(test_identity.token_for(Role.school_admin, school))
    partner = await principal(test_identity.token(client_id="partner-1", scopes=["marks:read"]))
    first, second = [await principal(test_identity.token_for(Role.guardian)) for _ in range(2)]

    assert admin.has_role(Role.school_admin, org_unit_id=school)
    assert (partner.client_id, partner.person_id, partner.bindings) == ("partner-1", None, ())
    assert partner.has_scopes("marks:read")
    assert all(guardian.has_role(Role.guardian) for guardian in (first, second))
    assert first.user_id != second.user_id
    assert first.person_id != second.person_id


async def test_token_expired_within_leeway_still_verifies(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    assert await verifier.verify(test_identity.token(iat=ago(310), exp=ago(10)))


BAD_TOKENS: dict[str, tuple[Callable[[TestIdentity], str], TokenReason]] = {
    "expired": (lambda idp: idp.token(iat=ago(3600), exp=ago(600)), TokenReason.token_expired),
    "wrong-issuer": (lambda idp: idp.token(iss="https://evil.example"), TokenReason.issuer_mismatch),
    "wrong-audience": (lambda idp: idp.token(aud="another-platform"), TokenReason.audience_mismatch),
    # Right kid, foreign signature.
    "bad-signature": (
        lambda idp: idp.token(kid="key-b", header_kid=idp.kid),
        TokenReason.token_invalid,
    ),
    "missing-kid": (lambda idp: idp.token(omit_kid=True), TokenReason.kid_missing),
    "missing-exp": (lambda idp: idp.token(exp=None), TokenReason.token_invalid),
    "missing-iat": (lambda idp: idp.token(iat=None), TokenReason.token_invalid),
    "missing-sub": (lambda idp: idp.token(sub=None), TokenReason.token_invalid),
    "garbage": (lambda idp: "not.a.jwt", TokenReason.token_invalid),
    "alg-none": (lambda idp: forge(idp, "none", lambda _: b""), TokenReason.algorithm_not_allowed),
    "alg-rs512": (lambda idp: forge(idp, "RS512", lambda _: b"x" * 256), TokenReason.algorithm_not_allowed),
    "alg-confusion-hs256": (confused_alg, TokenReason.algorithm_not_allowed),
}


@pytest.mark.parametrize(("make_token", "reason"), list(BAD_TOKENS.values()), ids=list(BAD_TOKENS))
async def test_bad_tokens_are_refused_with_their_reason(
    test_identity: TestIdentity,
    verifier: JwksVerifier,
    make_token: Callable[[TestIdentity], str],
    reason: TokenReason,
) -> None:
    assert await refused(verifier, make_token(test_identity)) == reason


async def test_foreign_entries_in_jwks_are_skipped(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    test_identity.foreign_entries = [
        {"kty": "oct", "kid": "k-oct", "k": b64(b"secret")},
        {"kty": "RSA", "kid": "bad"},
    ]
    assert await verifier.verify(test_identity.token())
    token = test_identity.token(kid="key-b", header_kid="bad")
    assert await refused(verifier, token) == TokenReason.unknown_key


# --- key cache, rotation, rate limit -------------------------------------------------------------------


async def test_keys_are_cached(test_identity: TestIdentity, verifier: JwksVerifier) -> None:
    for _ in range(5):
        await verifier.verify(test_identity.token())
    assert test_identity.fetches == 1


async def test_rotated_key_is_picked_up_by_one_refresh(
    test_identity: TestIdentity, verifier: JwksVerifier, clock: FakeClock
) -> None:
    await verifier.verify(test_identity.token())
    test_identity.rotate("key-b")
    clock.advance(11)

    await verifier.verify(test_identity.token())
    await verifier.verify(test_identity.token())
    await verifier.verify(test_identity.token(kid="key-a"))

    assert test_identity.fetches == 2


async def test_flood_of_unknown_kids_fetches_once_per_interval(
    test_identity: TestIdentity, verifier: JwksVerifier, clock: FakeClock
) -> None:
    await verifier.verify(test_identity.token())
    clock.advance(11)

    for _ in range(50):
        assert await refused(verifier, with_unknown_kid(test_identity)) == TokenReason.unknown_key
    assert test_identity.fetches == 2

    clock.advance(11)
    assert await refused(verifier, with_unknown_kid(test_identity)) == TokenReason.unknown_key
    assert test_identity.fetches == 3


async def test_concurrent_unknown_kid_verifications_coalesce_into_one_fetch(
    test_identity: TestIdentity, clock: FakeClock
) -> None:
    test_identity.latency = 0.01  # a fetch that takes time, so concurrent verifications overlap it
    # No rate limit at all: the single fetch is due to coalescing alone.
    verifier = test_identity.verifier(clock, min_refresh_interval=0)
    results = await asyncio.gather(*(verifier.verify(test_identity.token()) for _ in range(20)))
    assert len(results) == 20
    assert test_identity.fetches == 1


async def test_jwks_down_with_empty_cache_is_unavailable(
    test_identity: TestIdentity, verifier: JwksVerifier
) -> None:
    test_identity.down = True
    assert await refused(verifier, test_identity.token()) == TokenReason.jwks_unavailable
    assert await refused(verifier, test_identity.token()) == TokenReason.jwks_unavailable
    assert test_identity.fetches == 1  # retried only after min_refresh_interval


async def test_jwks_unreachable_is_unavailable(test_identity: TestIdentity, clock: FakeClock) -> None:
    def refuse_connection(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse_connection)) as http:
        verifier = JwksVerifier(JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http=http, clock=clock)
        assert await refused(verifier, test_identity.token()) == TokenReason.jwks_unavailable


async def test_stale_keys_keep_working_while_identity_is_down(
    test_identity: TestIdentity, verifier: JwksVerifier, clock: FakeClock
) -> None:
    await verifier.verify(test_identity.token())
    test_identity.down = True
    clock.advance(601)

    assert await verifier.verify(test_identity.token())
    assert test_identity.fetches == 2


async def test_key_withdrawn_from_jwks_is_refused_after_ttl(
    test_identity: TestIdentity, verifier: JwksVerifier, clock: FakeClock
) -> None:
    await verifier.verify(test_identity.token())
    test_identity.rotate("key-b")
    test_identity.retire("key-a")
    clock.advance(601)

    assert await refused(verifier, test_identity.token(kid="key-a")) == TokenReason.unknown_key


# --- claims to principal -------------------------------------------------------------------------------


def test_machine_client_principal() -> None:
    principal = principal_from_claims({"sub": "client:gosuslugi", "scope": "diary:read marks:read"})

    assert principal.is_machine
    assert (principal.user_id, principal.client_id, principal.bindings) == (None, "gosuslugi", ())
    assert principal.has_scopes("marks:read")
    assert not principal.has_scopes("marks:read", "marks:write")


@pytest.mark.parametrize(
    "bad",
    [
        {"sub": "not-a-uuid"},
        {"sub": 42},
        {"sub": "client:"},
        {"sub": "client:service:enrolment"},  # a service acts as itself only in its own process
        {"pid": "not-a-uuid"},
        {"roles": "school_admin"},
        {"roles": [{"role": 1}]},
        {"roles": ["pupil"]},
        {"roles": [{"role": "pupil", "org": "not-a-uuid"}]},
        {"scope": ["diary:read"]},
    ],
)
def test_malformed_claims_are_invalid(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken) as caught:
        principal_from_claims({"sub": str(uuid4()), **bad})
    assert caught.value.reason == TokenReason.token_invalid


# --- verified tokens remembered ------------------------------------------------------------------------


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens whose signature was really checked (jwt.decode called)."""
    import eschool.common.auth.jwks as jwks_module

    seen: list[str] = []
    real = jwks_module.jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwks_module.jwt, "decode", counting)
    return seen


async def test_a_verified_token_is_not_checked_again_and_gives_the_same_claims(
    test_identity: TestIdentity, verifier: JwksVerifier, decodes: list[str]
) -> None:
    token = test_identity.token()
    first = await verifier.verify(token)
    first["sub"] = "tampered by a caller"
    again = await verifier.verify(token)
    assert again["sub"] != "tampered by a caller", "callers get copies"
    assert decodes == [token]


async def test_a_remembered_token_still_expires(test_identity: TestIdentity, decodes: list[str]) -> None:
    verifier = test_identity.verifier(leeway=0)
    token = test_identity.token(iat=ago(0), exp=int(time.time()) + 1)
    await verifier.verify(token)
    await asyncio.sleep(1.1)
    assert await refused(verifier, token) == TokenReason.token_expired
    assert decodes == [token, token]


async def test_a_remembered_token_dies_with_its_withdrawn_key(
    test_identity: TestIdentity, verifier: JwksVerifier, clock: FakeClock
) -> None:
    token = test_identity.token()
    await verifier.verify(token)
    test_identity.rotate("key-b")
    test_identity.retire("key-a")
    clock.advance(601)
    assert await refused(verifier, token) == TokenReason.unknown_key


async def test_the_remembered_tokens_are_bounded(
    test_identity: TestIdentity, clock: FakeClock, decodes: list[str]
) -> None:
    verifier = test_identity.verifier(clock, verified_cache_size=2)
    tokens = [test_identity.token(sub=str(uuid4())) for _ in range(3)]
    for token in tokens:
        await verifier.verify(token)
    await verifier.verify(tokens[2])
    await verifier.verify(tokens[0])  # pushed out by the third: checked again
    assert decodes == [*tokens, tokens[0]]
