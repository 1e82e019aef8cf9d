"""A local login that survives a reload: signed, expiring session cookies and their revocation.

Why this shape (README "Zugriff & Anmeldung"): Streamlit reads cookies (`st.context.cookies`) but
sets none, and a cookie written by JavaScript (the cookie components) can never be HttpOnly. So
the server sets it: after a successful login the page sends the browser once to a tiny route of
the running server (kora.web.session_routes) with a one-time *ticket*; the route answers with
`Set-Cookie: HttpOnly; SameSite=Lax` and sends the browser on to the page it wanted.

What the cookie holds: the user name, a random session id and a fingerprint of the current
password hash — signed and time-stamped with itsdangerous (Pallets; already installed with
Streamlit), no password, no role. Each run checks it against the database again, so it stops
working when
- its age passes `SESSION_HOURS` (the signature carries the time),
- the account is disabled or removed (`roles.current` → None),
- the password changes (the fingerprint no longer matches: all browsers of that person),
- the person logs out (the session id is revoked in this server process),
- the server restarts without a configured key (a fresh random key signs the cookies).

Single sign-on (`st.login`) always returns to "/" and takes no target, so the page asked for
travels beside it in a second small cookie (`TARGET_COOKIE`: a local path, signed and valid for
`TARGET_SECONDS`), set by the cookie route before the trip to the provider and consumed once after it.

Pure of streamlit: the web glue (kora.web.gate, kora.web.session_routes) calls in here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kora.db import Database, auth_store

COOKIE_NAME = "kora_sitzung"
SESSION_HOURS = 8  # one working day; then the login form again
TICKET_SECONDS = 60  # the redirect to the cookie route follows the login within a second
KEY_ENV = "KORA_SITZUNGSSCHLUESSEL"  # optional: keep sessions across server restarts
MIN_KEY = 32
_SALT = "kora-sitzung-v1"
TARGET_COOKIE = "kora_ziel"  # single sign-on: the page asked for before the trip to the city's login
TARGET_SECONDS = 600  # the provider's login form, a password manager, a second factor: ten minutes
_TARGET_SALT = "kora-ziel-v1"


def _process_key() -> str:
    """The signing key: KORA_SITZUNGSSCHLUESSEL when set (≥ 32 characters), else random per process."""
    configured = (os.environ.get(KEY_ENV) or "").strip()
    return configured if len(configured) >= MIN_KEY else secrets.token_urlsafe(48)


def key_problem(env: Mapping[str, str]) -> str | None:
    """German description of a configured key that is too short (None: fine or not configured)."""
    configured = (env.get(KEY_ENV) or "").strip()
    if configured and len(configured) < MIN_KEY:
        return (
            f"{KEY_ENV} ist zu kurz: mindestens {MIN_KEY} zufällige Zeichen "
            '(z. B. python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    return None


@dataclass(frozen=True)
class Grant:
    """One logged-in browser: who, which session, which password, until when (epoch seconds)."""

    username: str
    sid: str
    fingerprint: str
    expires_at: float


class SessionKeeper:
    """Issues, checks and revokes session cookies; holds tickets and revoked ids in memory.

    One per server process (`KEEPER`); tests build their own with a fake clock.
    """

    def __init__(
        self, *, key: str | None = None, hours: float = SESSION_HOURS, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = key or _process_key()
        self.max_age = int(hours * 3600)
        self.clock = clock
        self._serializer = URLSafeTimedSerializer(self._key, salt=_SALT)
        self._tickets: dict[str, tuple[str, float]] = {}
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    # --- what a cookie holds ------------------------------------------------------------------

    def fingerprint(self, password_hash: str | None) -> str:
        """Changes with the password hash; reveals nothing about it (keyed HMAC, shortened)."""
        digest = hmac.new(self._key.encode(), (password_hash or "").encode(), hashlib.sha256).hexdigest()
        return digest[:24]

    def grant(self, db: Database, username: str) -> Grant:
        """A new session for an account that just logged in (raises LookupError if it vanished)."""
        row = auth_store.user_by_name(db, username)
        if row is None:
            raise LookupError(username)
        return Grant(
            username=row["username"],
            sid=secrets.token_urlsafe(16),
            fingerprint=self.fingerprint(row["password_hash"]),
            expires_at=self.clock() + self.max_age,
        )

    def cookie_value(self, grant: Grant) -> str:
        return self._serializer.dumps({"u": grant.username, "s": grant.sid, "f": grant.fingerprint})

    def read_cookie(self, value: str | None) -> Grant | None:
        """The grant a cookie carries when the signature is ours and younger than `max_age` (else None)."""
        if not value or len(value) > 1024:
            return None
        try:
            data, signed_at = self._serializer.loads(value, max_age=self.max_age, return_timestamp=True)
        except BadSignature:  # also SignatureExpired
            return None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("u", "s", "f")):
            return None
        return Grant(data["u"], data["s"], data["f"], signed_at.timestamp() + self.max_age)

    def check(self, db: Database, grant: Grant | None) -> Grant | None:
        """The grant while it still holds: not expired, not revoked, account active, same password."""
        if grant is None or self.clock() >= grant.expires_at or self.is_revoked(grant.sid):
            return None
        row = auth_store.user_by_name(db, grant.username)
        if row is None or row["disabled"] or not row["password_hash"]:
            return None
        if not hmac.compare_digest(self.fingerprint(row["password_hash"]), grant.fingerprint):
            return None
        return grant

    # --- revocation ---------------------------------------------------------------------------

    def revoke(self, sid: str) -> None:
        """Log this session out everywhere its cookie travels (kept until the cookie would expire anyway)."""
        now = self.clock()
        with self._lock:
            self._revoked = {s: t for s, t in self._revoked.items() if t > now}
            self._revoked[sid] = now + self.max_age

    def is_revoked(self, sid: str) -> bool:
        with self._lock:
            return sid in self._revoked

    # --- one-time tickets: the hand-over from a Streamlit run to the cookie route ------------

    def issue_ticket(self, grant: Grant) -> str:
        """A random one-time ticket, valid `TICKET_SECONDS`, that the cookie route exchanges for the cookie."""
        now = self.clock()
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._tickets = {t: v for t, v in self._tickets.items() if v[1] > now}
            self._tickets[ticket] = (self.cookie_value(grant), now + TICKET_SECONDS)
        return ticket

    def redeem_ticket(self, ticket: str | None) -> str | None:
        """The cookie value for a ticket, once (None: unknown, used or too old)."""
        if not ticket:
            return None
        with self._lock:
            entry = self._tickets.pop(ticket, None)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    # --- the page a single-sign-on login should end on ------------------------------------------

    def target_cookie(self, target: str) -> str:
        """A signed, time-stamped local path: `st.login` always returns to "/", this says where to go on."""
        return URLSafeTimedSerializer(self._key, salt=_TARGET_SALT).dumps(safe_next(target))

    def read_target(self, value: str | None) -> str | None:
        """The remembered path while the signature is ours and younger than TARGET_SECONDS (else None)."""
        if not value or len(value) > 4096:
            return None
        try:
            data, signed_at = URLSafeTimedSerializer(self._key, salt=_TARGET_SALT).loads(value, return_timestamp=True)
        except BadSignature:
            return None
        if not isinstance(data, str) or self.clock() - signed_at.timestamp() > TARGET_SECONDS:
            return None
        return safe_next(data)


KEEPER = SessionKeeper()


def safe_next(target: Any) -> str:
    """A path on this server to go to after the cookie is set; anything else becomes "/".

    Refuses absolute URLs, scheme-relative `//host`, backslashes and control characters, so the
    cookie route is no open redirect.
    """
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return "/"
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    return target
