"""Who is making the current request and from where, for the audit trail."""

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def set_current(ctx: RequestContext) -> Token[RequestContext | None]:
    return _current.set(ctx)


def reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
