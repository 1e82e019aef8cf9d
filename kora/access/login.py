"""Getting in: local login with a brake on guessing, SSO claims → Actor, login/logout audit rows.

A local login checks the password (kora.access.passwords) and audits success and failure; an SSO
login was checked by the city's identity provider, so kora only maps its claims to an Actor and
records one audit row per session. The role of an SSO person comes from the account with the same
e-mail, else from a configured claim, else the default role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kora.access.passwords import hasher, needs_rehash, verify_password
from kora.access.roles import ANONYMOUS, ROLES, Actor, actor_for_row
from kora.access.throttle import LoginThrottle, client_key
from kora.db import Database, audit_store, auth_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError
from kora.periods import utcnow

THROTTLE = LoginThrottle()  # one per server process: kora.access.throttle says which source it brakes


class LoginFailed(KoraError):
    """Wrong name or password, disabled account, or too many attempts."""


def normalise_username(username: str) -> str:
    return (username or "").strip().casefold()


BRAKE_MESSAGES = {
    "konto": "Zu viele Fehlversuche für „{name}“ von diesem Gerät. Bitte in {wait} Sekunden erneut versuchen.",
    "client": "Zu viele Fehlversuche von diesem Gerät. Bitte in {wait} Sekunden erneut versuchen.",
    "global": (
        "Gerade gibt es sehr viele Fehlversuche auf diesem Server; Anmeldungen von Geräten, die sich hier noch nie "
        "angemeldet haben, sind kurz gebremst. Bitte in {wait} Sekunden erneut versuchen."
    ),
}


def _audit(db: Database, **row: Any) -> None:
    """Login audit rows; a database opened read-only (Nur-Lese-Modus) records none, so a login there
    still works (it may only read) instead of failing on its own audit row."""
    if not db.read_only:
        audit_store.write_audit(db, **row)


def login_local(
    db: Database,
    username: str,
    password: str,
    *,
    client: str | None = None,
    kommune: str | None = None,
    throttle: LoginThrottle = THROTTLE,
) -> Actor:
    """Check a local login from `client` (IP address; None = this machine); audits success and failure.

    Raises LoginFailed (German). A braked attempt checks no password and is audited once per burst.
    """
    name = normalise_username(username)
    audit_ended_bursts(db, throttle, kommune=kommune)
    brake = throttle.check(name, client)
    if brake is not None:
        throttle.refused(brake, name, client)
        raise LoginFailed(BRAKE_MESSAGES[brake.kind].format(name=name, wait=brake.seconds))
    row = auth_store.user_by_name(db, name) if name else None
    ok = verify_password(row["password_hash"] if row else None, password or "")
    if not ok or row is None or row["disabled"]:
        throttle.failed(name, client)
        why = "Konto deaktiviert" if ok and row is not None else "Name oder Passwort falsch"
        _audit(
            db,
            actor=name or ANONYMOUS,
            action=AuditAction.ANMELDUNG,
            outcome="abgelehnt",
            detail={"grund": why, "client": client_key(client)},
            kommune=kommune,
        )
        raise LoginFailed(
            "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch, oder das Konto ist deaktiviert."
        )
    throttle.succeeded(name, client)
    _maybe_rehash(db, row, password)
    actor = actor_for_row(db, row, source="lokal", kommune=kommune)
    _audit(
        db,
        actor=actor.name,
        action=AuditAction.ANMELDUNG,
        detail={"quelle": "lokal", "rolle": actor.role, "client": client_key(client)},
        kommune=kommune,
    )
    return actor


def audit_ended_bursts(
    db: Database, throttle: LoginThrottle, *, kommune: str | None = None, everything: bool = False
) -> int:
    """One audit row per ended burst of braked attempts, with their count (not one row per attempt)."""
    bursts = throttle.ended_bursts(everything=everything)
    for burst in bursts:
        _audit(
            db,
            actor=burst.account if burst.kind == "konto" and burst.account else ANONYMOUS,
            action=AuditAction.ANMELDUNG,
            outcome="abgelehnt",
            detail={
                "grund": "zu viele Fehlversuche (gebremst)",
                "bremse": burst.kind,
                "client": burst.client,
                "abgewiesene_versuche": burst.count,
                "dauer_s": round(burst.last - burst.started),
            },
            kommune=kommune,
        )
    return len(bursts)


def _maybe_rehash(db: Database, row: Mapping[str, Any], password: str) -> None:
    """Store a fresh hash when argon2's recommended parameters changed since the last login."""
    if needs_rehash(row["password_hash"]) and not db.read_only:
        auth_store.update_user(db, row["username"], at=utcnow(), password_hash=hasher().hash(password))


def record_login(db: Database, actor: Actor, *, kommune: str | None = None) -> None:
    """One audit row per SSO session (the provider did the checking)."""
    _audit(
        db,
        actor=actor.name,
        action=AuditAction.ANMELDUNG,
        detail={"quelle": actor.source, "rolle": actor.role},
        kommune=kommune,
    )


def record_logout(db: Database, actor: Actor, *, kommune: str | None = None, reason: str | None = None) -> None:
    detail = {"quelle": actor.source} | ({"grund": reason} if reason else {})
    _audit(db, actor=actor.name, action=AuditAction.ABMELDUNG, detail=detail, kommune=kommune)


# --- single sign-on -----------------------------------------------------------------------------


def role_from_claims(claims: Mapping[str, Any], claim: str | None, mapping: Mapping[str, str]) -> str | None:
    """The highest role named by `claim` (a string or a list, e.g. groups), via `mapping`."""
    if not claim:
        return None
    raw = claims.get(claim)
    values = raw if isinstance(raw, list | tuple) else [raw] if raw is not None else []
    found = {mapping.get(str(v).strip().casefold()) for v in values}
    for role in reversed(ROLES):
        if role in found:
            return role
    return None


def actor_from_claims(
    db: Database,
    claims: Mapping[str, Any],
    *,
    role_claim: str | None = None,
    role_mapping: Mapping[str, str] | None = None,
    default_role: str | None = "leser",
    kommune: str | None = None,
) -> tuple[Actor | None, str | None]:
    """(actor, None) for a logged-in SSO person, or (None, German reason) when they get no access.

    The account with the same e-mail (users table) decides role and assignments; without one
    the role claim, else `default_role` ("keine" / None: no access).
    """
    email = str(claims.get("email") or "").strip().casefold() or None
    display = str(claims.get("name") or claims.get("preferred_username") or email or claims.get("sub") or "").strip()
    name = email or str(claims.get("sub") or "").strip()
    if not name:
        return None, "Der Stadt-Login hat weder eine E-Mail-Adresse noch eine Kennung übermittelt."
    row = auth_store.user_by_email(db, email) if email else None
    if row is not None:
        if row["disabled"]:
            return None, f"Das Konto für {email} ist deaktiviert. Bitte wenden Sie sich an die Administration."
        return actor_for_row(db, row, source="oidc", kommune=kommune, claims_name=display), None
    mapping = {**{r: r for r in ROLES}, **{k.casefold(): v for k, v in (role_mapping or {}).items()}}
    role = role_from_claims(claims, role_claim, mapping) or (default_role if default_role in ROLES else None)
    if role is None:
        return None, (
            f"Für {display or name} ist in KoRa-Monitor kein Zugang eingerichtet. "
            "Bitte wenden Sie sich an die Administration."
        )
    return Actor(name=name, role=role, source="oidc", display_name=display or name, email=email), None
