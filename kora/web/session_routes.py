"""Two tiny HTTP routes beside Streamlit that set and clear the HttpOnly session cookie.

Streamlit sessions talk over a websocket and cannot send `Set-Cookie`; Streamlit 1.67's `st.App`
mounts extra Starlette routes on the same server (`asgi.py` at the repository root does that,
`python -m kora serve` runs it). The cookie's content and checks are kora.access.sessions.

- `GET /kora/sitzung?ticket=…&weiter=/pfad` exchanges a one-time ticket (issued right after a
  successful login in this process) for the cookie and redirects to `weiter` (a local path only).
- `GET /kora/abmelden?weiter=/pfad` revokes the cookie's session and deletes the cookie.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from kora.access.sessions import COOKIE_NAME, KEEPER, safe_next

LOGIN_PATH = "/kora/sitzung"
LOGOUT_PATH = "/kora/abmelden"
_INSTALLED: list[bool] = []


def available() -> bool:
    """True when this server process serves the cookie routes (not so under AppTest or a bare `streamlit run app.py`)."""
    return bool(_INSTALLED)


def _redirect(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the ticket never travels on
    return response


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().casefold()
    return request.url.scheme == "https" or forwarded == "https"


async def set_session_cookie(request: Request) -> RedirectResponse:
    value = KEEPER.redeem_ticket(request.query_params.get("ticket"))
    if value is None:
        return _redirect("/anmeldung")
    response = _redirect(safe_next(request.query_params.get("weiter")))
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=KEEPER.max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    return response


async def clear_session_cookie(request: Request) -> RedirectResponse:
    grant = KEEPER.read_cookie(request.cookies.get(COOKIE_NAME))
    if grant is not None:
        KEEPER.revoke(grant.sid)
    response = _redirect(safe_next(request.query_params.get("weiter") or "/anmeldung"))
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response


def routes() -> list[Route]:
    """The routes for `st.App(..., routes=routes())`; calling it marks the cookie flow as available."""
    _INSTALLED.append(True)
    return [
        Route(LOGIN_PATH, set_session_cookie, methods=["GET"]),
        Route(LOGOUT_PATH, clear_session_cookie, methods=["GET"]),
    ]
