"""Login through an external OpenID Connect provider: the trip out (authorize) and back (callback).

No transaction is held across a call to the provider: the state is claimed and committed first (so a
replay is refused even if the exchange then fails), the provider is called, and the account is resolved
in a second transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from eschool.common.db import Database, UnitOfWork, as_utc, utcnow
from eschool.common.errors import bad_request
from eschool.identity.db.external import ExternalLogin
from eschool.identity.domain.pkce import (
    derived_verifier,
    digest,
    is_code_challenge,
    new_secret,
    s256_challenge,
)
from eschool.identity.oidc_client import ExternalClaims, OidcProvider, ProviderRefusalError
from eschool.identity.services.external_accounts import AccountRefusalError, account_for
from eschool.identity.services.external_log import Attempt, refusal, refused
from eschool.identity.services.login_codes import issue_login_code, purge_expired_codes
from eschool.identity.settings import IdentitySettings


@dataclass(frozen=True)
class AuthorizeRequest:
    """Where the front end wants the login code, and its own state and PKCE challenge (both optional)."""

    redirect_uri: str
    client_state: str | None = None
    client_code_challenge: str | None = None
    client_code_challenge_method: str | None = None


@dataclass(frozen=True)
class CallbackRequest:
    """What the provider sent the browser back with (the code and state are never logged)."""

    state: str | None
    code: str | None
    error: str | None
    ip: str | None


def _callback(provider: OidcProvider, settings: IdentitySettings) -> str:
    return provider.settings.callback_for(settings.issuer_url)


def _verifier(state: str, settings: IdentitySettings) -> str:
    # Derived from the state under the service's secret, so no PKCE verifier is stored or logged anywhere.
    return derived_verifier(settings.secret_key.get_secret_value().encode(), state)


async def start_external_login(
    uow: UnitOfWork, provider: OidcProvider, request: AuthorizeRequest, *, settings: IdentitySettings
) -> str:
    """Remember a trip to the provider (state and nonce, hashed); the URL to send the browser to."""
    config = provider.settings
    if request.redirect_uri not in config.redirect_uris:
        raise bad_request(
            "redirect_uri_not_allowed", "Этот адрес возврата не разрешён", field_name="query.redirect_uri"
        )
    _check_client_challenge(request)
    state, nonce = new_secret(), new_secret()
    challenge = s256_challenge(_verifier(state, settings))
    # The provider's discovery may be fetched here: before the first statement opens a transaction.
    try:
        url = await provider.authorization_url(
            state=state, nonce=nonce, code_challenge=challenge, callback=_callback(provider, settings)
        )
    except ProviderRefusalError as error:
        raise refusal(error.outcome, config.display_name, None, status=error.status) from None
    await uow.session.execute(delete(ExternalLogin).where(ExternalLogin.expires_at < utcnow()))
    uow.session.add(_trip(config.name, state, nonce, request, ttl=config.state_ttl_seconds))
    await uow.commit()
    return url


def _check_client_challenge(request: AuthorizeRequest) -> None:
    challenge = request.client_code_challenge
    if challenge is None:
        return
    # RFC 7636 takes a missing method for plain, which we refuse: the method must be S256.
    if request.client_code_challenge_method != "S256" or not is_code_challenge(challenge):
        raise bad_request(
            "invalid_code_challenge", "Нужен code_challenge по методу S256", field_name="query.code_challenge"
        )


def _trip(provider: str, state: str, nonce: str, request: AuthorizeRequest, *, ttl: int) -> ExternalLogin:
    now = utcnow()
    return ExternalLogin(
        external_login_id=uuid.uuid4(),
        provider=provider,
        state_hash=digest(state),
        nonce_hash=digest(nonce),
        redirect_uri=request.redirect_uri,
        client_state=request.client_state,
        client_code_challenge=request.client_code_challenge,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )


async def complete_external_login(
    database: Database, provider: OidcProvider, request: CallbackRequest, *, settings: IdentitySettings
) -> str:
    """Check the state, exchange the code, verify the ID token, open the person's account; the redirect."""
    attempt = Attempt(provider.settings.name, provider.settings.display_name, request.ip)
    trip = await _claim_trip(database, attempt, request.state)
    claims = await _provider_claims(database, attempt, provider, trip, request, settings=settings)
    for last_try in (False, True):
        try:
            code = await _open_account(database, attempt, claims, trip, provider, settings=settings)
            break
        except IntegrityError:
            # The same person's first login in two tabs at once: the other link won the race. Once
            # more, and the link it committed is found; a second failure is a real fault.
            if last_try:
                raise
    return _with_query(trip.redirect_uri, {"code": code, "state": trip.client_state})


async def _open_account(
    database: Database,
    attempt: Attempt,
    claims: ExternalClaims,
    trip: ExternalLogin,
    provider: OidcProvider,
    *,
    settings: IdentitySettings,
) -> str:
    """Find (or open) the person's account, record the login and issue the front end's one-time code."""
    snils_key = settings.snils_hmac_key.get_secret_value().encode()
    async with database.uow() as uow:
        try:
            account = await account_for(
                uow, attempt.provider, attempt.display_name, claims, snils_key=snils_key
            )
        except AccountRefusalError as error:
            raise await refused(
                uow, attempt.about(claims, error.account), error.outcome, error.detail
            ) from None
        attempt.about(claims, account).record(uow, "succeeded")
        await purge_expired_codes(uow)
        code = issue_login_code(
            uow,
            account.user_account_id,
            ttl=timedelta(seconds=provider.settings.login_code_ttl_seconds),
            client_code_challenge=trip.client_code_challenge,
        )
        await uow.commit()
    return code


async def _claim_trip(database: Database, attempt: Attempt, state: str | None) -> ExternalLogin:
    """The trip this state belongs to, marked used: unknown, used, expired or foreign states are refused."""
    async with database.uow() as uow:
        trip = None
        if state:
            trip = (
                await uow.session.execute(
                    select(ExternalLogin).where(ExternalLogin.state_hash == digest(state)).with_for_update()
                )
            ).scalar_one_or_none()
        if trip is None or trip.used_at is not None or as_utc(trip.expires_at) <= utcnow():
            raise await refused(uow, attempt, "state_invalid")
        if trip.provider != attempt.provider:
            raise await refused(uow, attempt, "state_invalid")
        trip.used_at = utcnow()
        await uow.commit()
    return trip


async def _provider_claims(
    database: Database,
    attempt: Attempt,
    provider: OidcProvider,
    trip: ExternalLogin,
    request: CallbackRequest,
    *,
    settings: IdentitySettings,
) -> ExternalClaims:
    try:
        if request.error is not None or not request.code or not request.state:
            raise ProviderRefusalError("provider_error", "authorization_refused")
        verifier, callback = _verifier(request.state, settings), _callback(provider, settings)
        tokens = await provider.exchange_code(request.code, code_verifier=verifier, callback=callback)
        return await provider.claims(tokens, nonce_hash=trip.nonce_hash)
    except ProviderRefusalError as error:
        async with database.uow() as uow:
            raise await refused(
                uow, attempt, error.outcome, reason=error.reason, status=error.status
            ) from None


def _with_query(url: str, params: dict[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))
