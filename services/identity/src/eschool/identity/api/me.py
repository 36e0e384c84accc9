"""The signed-in person's own account: OpenID Connect userinfo and the password change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from eschool.common.auth import PrincipalChangingPassword
from eschool.common.errors import not_found
from eschool.identity.api.deps import database_of, passwords_of
from eschool.identity.db.models import UserAccount
from eschool.identity.services.lifecycle import change_password


class PasswordChange(BaseModel):
    """The current password and the new one."""

    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Annotated[str, Field(min_length=1, max_length=200)]


def me_router() -> APIRouter:
    """Routes of the signed-in person."""
    router = APIRouter(prefix="/v1", tags=["account"])

    @router.get("/userinfo")
    async def userinfo(request: Request, principal: PrincipalChangingPassword) -> dict[str, Any]:
        """OpenID Connect userinfo: the account, its person and its roles (no personal data)."""
        if principal.is_machine:
            raise not_found("account_not_found", "У машинного клиента нет учётной записи пользователя")
        async with database_of(request).uow() as uow:
            account = await uow.session.get(UserAccount, principal.user_id)
        if account is None or account.disabled_at is not None:
            raise not_found("account_not_found", "Учётная запись не найдена")
        return {
            "sub": str(account.user_account_id),
            "preferred_username": account.login,
            "person_id": None if account.person_id is None else str(account.person_id),
            "must_change_password": account.must_change_password,
            "roles": [
                {
                    "role": b.role.value,
                    "org": None if b.org_unit_id is None else str(b.org_unit_id),
                    **({"pupils": sorted(str(p) for p in b.pupil_ids)} if b.pupil_ids else {}),
                }
                for b in principal.bindings
            ],
        }

    @router.post("/me/password", status_code=204)
    async def new_password(
        body: PasswordChange, request: Request, principal: PrincipalChangingPassword
    ) -> None:
        """Replace the password (a generated one-time password must be replaced first of all)."""
        if principal.user_id is None:
            raise not_found("account_not_found", "У машинного клиента нет пароля пользователя")
        async with database_of(request).uow() as uow:
            await change_password(
                uow,
                principal.user_id,
                body.current_password,
                body.new_password,
                passwords=passwords_of(request),
            )
            await uow.commit()

    return router
