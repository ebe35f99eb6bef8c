"""Who is making the current request and from where, for the audit trail."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[RequestContext] = ContextVar("request_context", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):  # type: ignore[no-untyped-def]
    return _current.set(ctx)


def reset(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)
