"""Two tiny HTTP routes beside Streamlit that set and clear the HttpOnly session cookie.

Streamlit sessions talk over a websocket and cannot send `Set-Cookie`; Streamlit 1.67's `st.App`
mounts extra Starlette routes on the same server (`asgi.py` at the repository root does that,
`python -m kora serve` runs it). The cookie's content and checks are kora.access.sessions.

- `GET /kora/sitzung?ticket=…&weiter=/pfad` exchanges a one-time ticket (issued right after a
  successful login in this process) for the cookie and redirects to `weiter` (a local path only).
- `GET /kora/abmelden?weiter=/pfad` revokes the cookie's session and deletes the cookie.
- `GET /kora/stadt-login?weiter=/pfad` (single sign-on) remembers `weiter` in a short-lived signed
  cookie and sends the browser to the login page, which starts `st.login`; Streamlit's callback
  always lands on "/", where kora.web.gate sends the browser once to
- `GET /kora/weiter`, which reads and deletes that cookie and redirects to the remembered page.
- `GET /uebersicht` (the start page's own name, as a bookmark or a shared link has it) redirects to
  "/": Streamlit serves the default page only at "/" and answered its url_path with an English
  "Page not found" dialog.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from kora.access.sessions import COOKIE_NAME, KEEPER, TARGET_COOKIE, TARGET_SECONDS, safe_next

LOGIN_PATH = "/kora/sitzung"
LOGOUT_PATH = "/kora/abmelden"
SSO_START_PATH = "/kora/stadt-login"
RESUME_PATH = "/kora/weiter"
START_PAGE_PATH = "/uebersicht"  # app.py's default page; Streamlit serves it at "/" only
SSO_GO = "/anmeldung?sso=los"  # the login page starts st.login on this address
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


async def remember_target(request: Request) -> RedirectResponse:
    response = _redirect(SSO_GO)
    response.set_cookie(
        TARGET_COOKIE,
        KEEPER.target_cookie(safe_next(request.query_params.get("weiter"))),
        max_age=TARGET_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    return response


async def resume_target(request: Request) -> RedirectResponse:
    response = _redirect(KEEPER.read_target(request.cookies.get(TARGET_COOKIE)) or "/")
    response.delete_cookie(TARGET_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def start_page(request: Request) -> RedirectResponse:
    query = request.url.query
    return _redirect("/" + (f"?{query}" if query else ""))


def routes() -> list[Route]:
    """The routes for `st.App(..., routes=routes())`; calling it marks the cookie flow as available."""
    _INSTALLED.append(True)
    return [
        Route(LOGIN_PATH, set_session_cookie, methods=["GET"]),
        Route(LOGOUT_PATH, clear_session_cookie, methods=["GET"]),
        Route(SSO_START_PATH, remember_target, methods=["GET"]),
        Route(RESUME_PATH, resume_target, methods=["GET"]),
        Route(START_PAGE_PATH, start_page, methods=["GET"]),
    ]
