"""Bearer tokens: each request's token is looked up in the database again (once, however many
dependencies ask), so a revoked token is refused from the next request on; there is no cache
to outlive a revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from intake import tokens
from intake.audit_trail import Actor
from intake.db.engine import session_scope
from intake.tokens import Caller
from review_ui.api.problems import ApiProblem
from review_ui.auth import services_of

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    bearerFormat="opaque",
    description="An API token from `intake tokens add NAME --scope referrals:read`.",
)


def consumer(request: Request) -> Caller | None:
    """The live token the request carries, or None. A dependency: FastAPI runs it once per
    request, for the rate limit and the scope check alike."""
    scheme, secret = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not secret:
        return None
    with session_scope(services_of(request).engine) as session:
        return tokens.verify(session, secret)


def require(scope: str) -> Callable[..., Caller]:
    """A dependency giving the calling consumer, when its token is live and has ``scope``."""

    def caller(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        found: Annotated[Caller | None, Depends(consumer)],
    ) -> Caller:
        if credentials is None:
            raise ApiProblem(
                401,
                "token_missing",
                "send the API token as 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if found is None:
            raise ApiProblem(
                401,
                "token_invalid",
                "the token is unknown or revoked",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if scope not in found.scopes:
            raise ApiProblem(
                403,
                "scope_missing",
                f"this token lacks the {scope} scope",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
        return found

    return caller


def actor(caller: Caller, request: Request) -> Actor:
    """The consumer as the audit trail names it."""
    return Actor(
        name=caller.name,
        token_id=caller.token_id,
        client_addr=request.client.host if request.client else None,
    )
