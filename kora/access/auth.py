"""Who may change what: roles, the acting person (`Actor`), permission checks, login, modes.

The rule of this module: every write function of kora calls `authorize()` before it writes,
so a role is enforced on the server whatever a page shows or hides. A refusal raises
`PermissionDenied` with a German message naming what is missing and writes exactly one audit
row with outcome "verweigert".

Roles
- ``leser``: reads dashboards (when reading needs a login at all).
- ``koordination`` (Koordinator*in): reports and corrects readings and reverts uploads for the
  indicators of their Vorhaben (or indicators assigned one by one), and keeps the milestones of
  their Vorhaben. An indicator that serves several Vorhaben (e.g. abstimmungsschleifen for 4
  and 6) may be written by a Koordinator*in of *any* of them: they share the number, and the
  audit log records who wrote it.
- ``admin``: everything (targets, baselines, weights, accounts, assignments, Beispieldaten,
  plan reload).

Who acts
- ``oidc``: logged in via the city's identity provider (`st.login`); role from the account
  with the same e-mail in `users`, else from a configurable claim, else Leser*in.
- ``lokal``: a local account (password hashed with argon2id).
- ``cli``: `python -m kora …` acts as the operator of the machine (OS user), role admin.
- ``einzelplatz``: `KORA_AUTH=off` on a laptop bound to localhost; the OS user, role admin.
- ``system``: the server loading the plan into an empty database at first start.

The session's `Actor` is only an identity: `authorize()` re-reads role and assignments of
``lokal``/``oidc`` people from the database on every write, so disabling an account or
removing an assignment takes effect at once, also in open browser sessions.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kora.access import membership
from kora.db import Database, audit_store, auth_store
from kora.errors import KoraError, PermissionDenied
from kora.periods import utcnow

ROLES = ("leser", "koordination", "admin")
ROLE_LABELS = {"leser": "Leser*in", "koordination": "Koordinator*in", "admin": "Admin"}
SOURCES = ("oidc", "lokal", "cli", "einzelplatz", "system")
SOURCE_LABELS = {
    "oidc": "Stadt-Login",
    "lokal": "lokales Konto",
    "cli": "Kommandozeile",
    "einzelplatz": "Einzelplatzmodus",
    "system": "System",
}
ANONYMOUS = "anonym"


def os_user() -> str:
    """The operator of this machine (the CLI and the Einzelplatz mode act as this person)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unbekannt")


@dataclass(frozen=True)
class Actor:
    """The person (or process) on whose behalf kora writes. `name` is what rows record."""

    name: str
    role: str
    source: str
    display_name: str = ""
    email: str | None = None
    vorhaben: frozenset[int] = field(default_factory=frozenset)
    indicators: frozenset[str] = field(default_factory=frozenset)
    os_user: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")
        if not self.name.strip():
            raise ValueError("an Actor needs a name")

    @classmethod
    def cli(cls, name: str | None = None) -> Actor:
        """The machine operator; `name` (CLI `--user`) is recorded instead of the OS user."""
        who = os_user()
        return cls(name=(name or who).strip() or who, role="admin", source="cli", display_name=name or who, os_user=who)

    @classmethod
    def einzelplatz(cls) -> Actor:
        who = os_user()
        return cls(name=who, role="admin", source="einzelplatz", display_name=who, os_user=who)

    @classmethod
    def system(cls) -> Actor:
        return cls(name="system", role="admin", source="system", display_name="System")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write_readings(self) -> bool:
        return self.role in ("koordination", "admin")

    @property
    def label(self) -> str:
        """'Kim Meier (Koordinator*in)' for the sidebar."""
        return f"{self.display_name or self.name} ({ROLE_LABELS[self.role]})"

    @property
    def audit_name(self) -> str:
        """What the audit log records: the name, plus the OS user when the CLI acts for someone else."""
        if self.source == "cli" and self.os_user and self.os_user != self.name:
            return f"{self.name} (Kommandozeile, Benutzer {self.os_user})"
        return self.name

    def scope_text(self) -> str:
        parts = []
        if self.vorhaben:
            parts.append("Vorhaben " + ", ".join(str(n) for n in sorted(self.vorhaben)))
        if self.indicators:
            parts.append("Indikator " + ", ".join(sorted(self.indicators)))
        return " und ".join(parts) or "keine Vorhaben (noch keine Zuordnung)"


# --- actions and their rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str  # German, as the object of "… dürfen nur …"
    scope: str  # "admin" | "indikator" | "vorhaben"


ACTIONS: dict[str, Action] = {
    "upload": Action("Messwerte hochladen und korrigieren", "indikator"),
    "upload_ruecknahme": Action("Uploads zurücknehmen", "indikator"),
    "meilenstein_aendern": Action("Meilensteine ändern", "vorhaben"),
    "startwert_aendern": Action("Startwerte ändern", "admin"),
    "zielwert_aendern": Action("Jahresziele ändern", "admin"),
    "gewicht_aendern": Action("Gewichte ändern", "admin"),
    "koordination_zuordnen": Action("Koordinator*innen zuordnen", "admin"),
    "benutzer_anlegen": Action("Benutzer anlegen", "admin"),
    "benutzer_aendern": Action("Benutzer ändern", "admin"),
    "benutzer_deaktivieren": Action("Benutzer deaktivieren", "admin"),
    "passwort_aendern": Action("Passwörter anderer Benutzer ändern", "admin"),
    "beispieldaten_geladen": Action("Beispieldaten laden", "admin"),
    "beispieldaten_entfernt": Action("Beispieldaten entfernen", "admin"),
    "plan_neu_geladen": Action("den Plan aus den Dateien neu laden", "admin"),
    "audit_lesen": Action("das Audit-Log lesen", "admin"),
    # the KoRa network (kora.network): packages between cities, people of a shared installation
    "netzwerk_export": Action("Benchmark-Pakete exportieren", "indikator"),
    "netzwerk_import": Action("Benchmark-Pakete importieren", "admin"),
    "kommune_zuordnen": Action("Benutzer einer Kommune zuordnen", "admin"),
}


def _deny(
    db: Database,
    actor: Actor | None,
    action: str,
    message: str,
    *,
    kommune: str | None,
    object: str | None,
    detail: dict[str, Any] | None = None,
) -> PermissionDenied:
    audit_store.write_audit(
        db,
        actor=actor.audit_name if actor else ANONYMOUS,
        action=action,
        outcome="verweigert",
        object=object,
        detail={
            "rolle": actor.role if actor else None,
            "quelle": actor.source if actor else None,
            "grund": message,
            **(detail or {}),
        },
        kommune=kommune,
    )
    return PermissionDenied(message)


def current(db: Database, actor: Actor, *, kommune: str | None = None) -> Actor | None:
    """Role and assignments as the database knows them now (None: the account is disabled).

    CLI, Einzelplatz and system actors are the machine operator and always admin.
    """
    if actor.source in ("cli", "einzelplatz", "system"):
        return actor
    row = None
    if actor.source == "lokal":
        row = auth_store.user_by_name(db, actor.name)
        if row is None:
            return None
    elif actor.email:
        row = auth_store.user_by_email(db, actor.email.casefold())
    if row is None:  # SSO person without an account row: the role mapped at login
        return replace(actor, vorhaben=frozenset(), indicators=frozenset())
    if row["disabled"]:
        return None
    return actor_for_row(db, row, source=actor.source, kommune=kommune, claims_name=actor.display_name)


def actor_for_row(
    db: Database, row: Mapping[str, Any], *, source: str, kommune: str | None = None, claims_name: str = ""
) -> Actor:
    vorhaben: set[int] = set()
    indicators: set[str] = set()
    for kind, ref in auth_store.assignments(db, row["username"], kommune=kommune):
        if kind == "vorhaben":
            vorhaben.add(int(ref))
        else:
            indicators.add(ref)
    name = row["username"] if source == "lokal" else (row["email"] or row["username"])
    return Actor(
        name=name,
        role=row["role"],
        source=source,
        display_name=row["display_name"] or claims_name or name,
        email=row["email"],
        vorhaben=frozenset(vorhaben),
        indicators=frozenset(indicators),
    )


def allowed_indicators(db: Database, actor: Actor, *, kommune: str) -> set[str] | None:
    """Indicators the actor may write (None: all of them)."""
    if actor.is_admin:
        return None
    if actor.role != "koordination":
        return set()
    return set(actor.indicators) | auth_store.indicators_of_vorhaben(
        db, kommune=kommune, vorhaben=sorted(actor.vorhaben)
    )


def authorize(
    db: Database,
    actor: Actor | None,
    action: str,
    *,
    kommune: str | None,
    indicators: Iterable[str] | None = None,
    vorhaben: Iterable[int] | None = None,
    object: str | None = None,
) -> Actor:
    """Allow `action` for `actor` or raise PermissionDenied (after one "verweigert" audit row).

    `indicators` / `vorhaben`: what the write touches; a Koordinator*in needs all of it in
    their scope. Without them only the role is checked (e.g. before reading a file).
    Returns the actor as the database knows them now (use it for recording).
    """
    rule = ACTIONS[action]
    if actor is None:
        raise _deny(
            db,
            None,
            action,
            f"Keine Berechtigung: {rule.label} ist nur nach der Anmeldung möglich. Bitte melden Sie sich an.",
            kommune=kommune,
            object=object,
        )
    if not isinstance(actor, Actor):
        raise TypeError("actor must be a kora.access.auth.Actor (e.g. Actor.cli()), not " + type(actor).__name__)
    now = current(db, actor, kommune=kommune)
    if now is None:
        raise _deny(
            db,
            actor,
            action,
            f"Keine Berechtigung: Das Konto „{actor.name}“ ist deaktiviert oder existiert nicht mehr. "
            "Bitte wenden Sie sich an die Administration.",
            kommune=kommune,
            object=object,
        )
    outside = membership.refusal(db, now, kommune=kommune, label=rule.label)  # shared installation
    if outside:
        raise _deny(db, now, action, outside, kommune=kommune, object=object)
    if now.is_admin:
        return now
    who = f"Sie sind als {ROLE_LABELS[now.role]} angemeldet ({now.display_name or now.name})."
    if rule.scope == "admin" or now.role != "koordination":
        allowed = "Admins" if rule.scope == "admin" else "Koordinator*innen und Admins"
        raise _deny(
            db,
            now,
            action,
            f"Keine Berechtigung: {rule.label} dürfen nur {allowed}. {who}",
            kommune=kommune,
            object=object,
        )
    if rule.scope == "indikator" and indicators is not None:
        wanted = sorted(set(indicators))
        mine = allowed_indicators(db, now, kommune=kommune or "") or set()
        missing = [i for i in wanted if i not in mine]
        if missing:
            owners = auth_store.vorhaben_of_indicators(db, kommune=kommune or "", indicators=missing)
            shown = ", ".join(
                f"„{i}“" + (f" (Vorhaben {', '.join(str(n) for n in owners.get(i, []))})" if owners.get(i) else "")
                for i in missing[:10]
            )
            more = f" und {len(missing) - 10} weitere" if len(missing) > 10 else ""
            raise _deny(
                db,
                now,
                action,
                f"Keine Berechtigung für {shown}{more}: Sie sind Koordinator*in für {now.scope_text()}. "
                "Bitte nur Werte Ihrer Vorhaben hochladen oder die Administration um eine Zuordnung bitten. "
                "Es wurde nichts gespeichert.",
                kommune=kommune,
                object=object,
                detail={"fehlende_indikatoren": missing},
            )
    if rule.scope == "vorhaben" and vorhaben is not None:
        missing_v = sorted({int(v) for v in vorhaben} - set(now.vorhaben))
        if missing_v:
            raise _deny(
                db,
                now,
                action,
                f"Keine Berechtigung für Vorhaben {', '.join(str(n) for n in missing_v)}: Sie sind Koordinator*in für "
                f"{now.scope_text()}. Bitte die Administration um eine Zuordnung bitten. Es wurde nichts gespeichert.",
                kommune=kommune,
                object=object,
                detail={"fehlende_vorhaben": missing_v},
            )
    return now


# --- passwords -------------------------------------------------------------------------------

MIN_PASSWORD = 10


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current recommended parameters


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KoraError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD} Zeichen.")
    if password.strip() != password:
        raise KoraError("Das Passwort darf nicht mit Leerzeichen beginnen oder enden.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return str(_hasher().hash(password))


_DUMMY_HASH: list[str] = []


def verify_password(stored: str | None, password: str) -> bool:
    """Constant-ish time: an unknown user costs one argon2 verification too."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    if not stored:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hasher.hash("kein-konto-vorhanden"))
        stored, password = _DUMMY_HASH[0], password + "\x00"
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(stored, password)
        return False
    try:
        return bool(hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


# --- local login ------------------------------------------------------------------------------


class LoginThrottle:
    """A little brake on password guessing: after `free` failures per name, wait and double.

    Kept in the server process (Streamlit runs one), keyed by the casefolded user name, so
    guessing from several browser tabs is braked too. A success clears the name.
    """

    def __init__(
        self,
        *,
        free: int = 5,
        base_wait: float = 30.0,
        max_wait: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.base_wait = base_wait
        self.max_wait = max_wait
        self.clock = clock
        self._fails: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: str) -> int:
        with self._lock:
            count, last = self._fails.get(key.casefold(), (0, 0.0))
        if count < self.free:
            return 0
        wait = min(self.base_wait * 2 ** (count - self.free), self.max_wait)
        return max(0, round(last + wait - self.clock()))

    def failed(self, key: str) -> None:
        with self._lock:
            count, _ = self._fails.get(key.casefold(), (0, 0.0))
            self._fails[key.casefold()] = (count + 1, self.clock())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key.casefold(), None)


THROTTLE = LoginThrottle()


class LoginFailed(KoraError):
    """Wrong name or password, disabled account, or too many attempts."""


def normalise_username(username: str) -> str:
    return (username or "").strip().casefold()


def login_local(
    db: Database, username: str, password: str, *, kommune: str | None = None, throttle: LoginThrottle = THROTTLE
) -> Actor:
    """Check a local login; audits success and failure. Raises LoginFailed (German)."""
    name = normalise_username(username)
    wait = throttle.wait_seconds(name)
    if wait:
        audit_store.write_audit(
            db,
            actor=name or ANONYMOUS,
            action="anmeldung",
            outcome="abgelehnt",
            detail={"grund": "zu viele Fehlversuche", "wartezeit_s": wait},
            kommune=kommune,
        )
        raise LoginFailed(f"Zu viele Fehlversuche für „{name}“. Bitte in {wait} Sekunden erneut versuchen.")
    row = auth_store.user_by_name(db, name) if name else None
    ok = verify_password(row["password_hash"] if row else None, password or "")
    if not ok or row is None or row["disabled"]:
        throttle.failed(name)
        why = "Konto deaktiviert" if ok and row is not None else "Name oder Passwort falsch"
        audit_store.write_audit(
            db, actor=name or ANONYMOUS, action="anmeldung", outcome="abgelehnt", detail={"grund": why}, kommune=kommune
        )
        raise LoginFailed(
            "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch, oder das Konto ist deaktiviert."
        )
    throttle.succeeded(name)
    _maybe_rehash(db, row, password)
    actor = actor_for_row(db, row, source="lokal", kommune=kommune)
    audit_store.write_audit(
        db, actor=actor.name, action="anmeldung", detail={"quelle": "lokal", "rolle": actor.role}, kommune=kommune
    )
    return actor


def _maybe_rehash(db: Database, row: Mapping[str, Any], password: str) -> None:
    hasher = _hasher()
    if hasher.check_needs_rehash(row["password_hash"]):
        auth_store.update_user(db, row["username"], at=utcnow(), password_hash=hasher.hash(password))


def record_login(db: Database, actor: Actor, *, kommune: str | None = None) -> None:
    """One audit row per SSO session (the provider did the checking)."""
    audit_store.write_audit(
        db, actor=actor.name, action="anmeldung", detail={"quelle": actor.source, "rolle": actor.role}, kommune=kommune
    )


def record_logout(db: Database, actor: Actor, *, kommune: str | None = None) -> None:
    audit_store.write_audit(db, actor=actor.name, action="abmeldung", detail={"quelle": actor.source}, kommune=kommune)


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


# --- modes ----------------------------------------------------------------------------------------

MODES = ("oidc", "lokal", "off")
READING = ("offen", "anmeldung")
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1", "[::1]")
REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
PLACEHOLDER = re.compile(r"^(x+|\.\.\.|change[-_ ]?me|todo|geheim|secret|<.*>|.*(hier|eintragen|beispiel).*)$", re.I)


@dataclass(frozen=True)
class AccessConfig:
    """How people get in. `problem` set = fail closed: show it and serve nothing else."""

    mode: str
    reading: str = "anmeldung"
    role_claim: str | None = None
    role_mapping: Mapping[str, str] = field(default_factory=dict)
    default_role: str | None = "leser"
    problem: str | None = None

    @property
    def single_user(self) -> bool:
        return self.mode == "off"

    @property
    def open_reading(self) -> bool:
        return self.mode == "off" or self.reading == "offen"


def is_local_address(address: str | None) -> bool:
    if not address:
        return False  # unset means: all interfaces
    a = address.strip().casefold()
    return a in LOCAL_ADDRESSES or a.startswith("127.")


def auth_secrets_problem(section: Mapping[str, Any] | None) -> str | None:
    """German description of what is missing in `[auth]` of .streamlit/secrets.toml (None: complete)."""
    if not section:
        return "In .streamlit/secrets.toml fehlt der Abschnitt [auth]."
    missing = [k for k in REQUIRED_AUTH_KEYS if not str(section.get(k) or "").strip()]
    if missing:
        return "In .streamlit/secrets.toml fehlen im Abschnitt [auth]: " + ", ".join(missing) + "."
    secret = str(section.get("cookie_secret"))
    if len(secret) < 32 or PLACEHOLDER.match(secret):
        return (
            "cookie_secret in .streamlit/secrets.toml ist zu kurz oder ein Platzhalter: bitte einen zufälligen Wert "
            'mit mindestens 32 Zeichen eintragen (z. B. python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if not str(section.get("redirect_uri")).rstrip("/").endswith("/oauth2callback"):
        return "redirect_uri in .streamlit/secrets.toml muss auf /oauth2callback enden."
    return None


def _parse_mapping(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        if "=" in part:
            key, role = (x.strip() for x in part.split("=", 1))
            if key and role.casefold() in ROLES:
                out[key.casefold()] = role.casefold()
    return out


def resolve_access(
    env: Mapping[str, str],
    *,
    auth_section: Mapping[str, Any] | None,
    login_accounts: int,
    address: str | None,
) -> AccessConfig:
    """Decide the mode from configuration. Pure, so every branch is tested.

    KORA_AUTH = oidc | lokal | off. Unset: `[auth]` in secrets.toml → oidc; local accounts
    with a password → lokal; server bound to localhost → off (Einzelplatz); otherwise refuse.
    KORA_LESEN = offen | anmeldung (default anmeldung: fail closed).
    """
    fix = "Bitte KORA_AUTH (oidc, lokal oder off) und die Anmeldung einrichten; siehe README „Zugriff & Anmeldung“."
    wanted = (env.get("KORA_AUTH") or "").strip().casefold()
    reading = (env.get("KORA_LESEN") or "anmeldung").strip().casefold()
    claim = (env.get("KORA_ROLLEN_CLAIM") or "").strip() or None
    mapping = _parse_mapping(env.get("KORA_ROLLEN_ZUORDNUNG") or "")
    default_role_raw = (env.get("KORA_SSO_STANDARDROLLE") or "leser").strip().casefold()
    default_role = default_role_raw if default_role_raw in ROLES else None
    base = {"reading": reading, "role_claim": claim, "role_mapping": mapping, "default_role": default_role}
    if wanted in ("aus", "0", "false", "none", "keine"):
        wanted = "off"
    if wanted and wanted not in MODES:
        return AccessConfig("off", problem=f"KORA_AUTH={wanted!r} ist unbekannt: erlaubt sind oidc, lokal oder off.")
    if reading not in READING:
        return AccessConfig("off", problem=f"KORA_LESEN={reading!r} ist unbekannt: erlaubt sind offen oder anmeldung.")
    if default_role_raw not in (*ROLES, "keine"):
        return AccessConfig(
            "off",
            problem=f"KORA_SSO_STANDARDROLLE={default_role_raw!r} ist unbekannt: leser, koordination, admin oder keine.",
        )
    if not wanted:
        if auth_section:
            wanted = "oidc"
        elif login_accounts:
            wanted = "lokal"
        elif is_local_address(address):
            wanted = "off"
        else:
            return AccessConfig(
                "off",
                problem=(
                    f"Keine Anmeldung eingerichtet, aber der Server ist nicht nur lokal erreichbar (Adresse "
                    f"„{address or 'alle Netzwerkschnittstellen'}“). Ohne Anmeldung könnte jede*r Werte ändern. {fix}"
                ),
            )
    if wanted == "oidc":
        problem = auth_secrets_problem(auth_section)
        if problem:
            return AccessConfig(
                "oidc", problem=f"Anmeldung über den Stadt-Login (KORA_AUTH=oidc) ist unvollständig: {problem}"
            )
        return AccessConfig("oidc", **base)
    if wanted == "lokal":
        if not login_accounts:
            return AccessConfig(
                "lokal",
                problem=(
                    "Lokale Anmeldung (KORA_AUTH=lokal) ist eingestellt, aber es gibt noch kein aktives Konto mit Passwort. "
                    "Bitte zuerst anlegen: python -m kora user add NAME --role admin"
                ),
            )
        return AccessConfig("lokal", **base)
    if not is_local_address(address):
        return AccessConfig(
            "off",
            problem=(
                f"Einzelplatzmodus (KORA_AUTH=off) ist nur erlaubt, wenn der Server ausschließlich auf localhost "
                f"lauscht; eingestellt ist „{address or 'alle Netzwerkschnittstellen'}“. Bitte --server.address "
                "localhost setzen oder eine Anmeldung einrichten (KORA_AUTH=lokal oder oidc)."
            ),
        )
    return AccessConfig("off", reading="offen")
