"""Who may change what: roles, the acting person (`Actor`), and the write check `authorize`.

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
- ``lokal``: a local account (password hashed with argon2id, see kora.access.passwords).
- ``cli``: `python -m kora …` acts as the operator of the machine (OS user), role admin.
- ``einzelplatz``: `KORA_AUTH=off` on a laptop bound to localhost; the OS user, role admin.
- ``system``: the server loading the plan into an empty database at first start.

The session's `Actor` is only an identity: `authorize()` re-reads role and assignments of
``lokal``/``oidc`` people from the database on every write, so disabling an account or
removing an assignment takes effect at once, also in open browser sessions.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kora.db import Database, audit_store, auth_store
from kora.db.audit_store import AuditAction
from kora.errors import PermissionDenied

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
MAX_LISTED = 10  # a refusal names at most this many indicators, then "und n weitere"


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


# --- the people as the database knows them now -------------------------------------------------


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


# --- actions and their rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str  # German, as the object of "… dürfen nur …"
    scope: str  # "admin" | "indikator" | "vorhaben"


ACTIONS: dict[AuditAction, Action] = {
    AuditAction.UPLOAD: Action("Messwerte hochladen und korrigieren", "indikator"),
    AuditAction.UPLOAD_RUECKNAHME: Action("Uploads zurücknehmen", "indikator"),
    AuditAction.MEILENSTEIN_AENDERN: Action("Meilensteine ändern", "vorhaben"),
    AuditAction.STARTWERT_AENDERN: Action("Startwerte ändern", "admin"),
    AuditAction.ZIELWERT_AENDERN: Action("Jahresziele ändern", "admin"),
    AuditAction.GEWICHT_AENDERN: Action("Gewichte ändern", "admin"),
    AuditAction.KOORDINATION_ZUORDNEN: Action("Koordinator*innen zuordnen", "admin"),
    AuditAction.BENUTZER_ANLEGEN: Action("Benutzer anlegen", "admin"),
    AuditAction.BENUTZER_AENDERN: Action("Benutzer ändern", "admin"),
    AuditAction.BENUTZER_DEAKTIVIEREN: Action("Benutzer deaktivieren", "admin"),
    AuditAction.PASSWORT_AENDERN: Action("Passwörter anderer Benutzer ändern", "admin"),
    AuditAction.BEISPIELDATEN_GELADEN: Action("Beispieldaten laden", "admin"),
    AuditAction.BEISPIELDATEN_ENTFERNT: Action("Beispieldaten entfernen", "admin"),
    AuditAction.PLAN_NEU_GELADEN: Action("den Plan aus den Dateien neu laden", "admin"),
    AuditAction.AUDIT_LESEN: Action("das Audit-Log lesen", "admin"),
}


@dataclass(frozen=True)
class Refusal:
    """Why `authorize` says no: the German message and what the audit row adds to its detail."""

    message: str
    detail: dict[str, Any] = field(default_factory=dict)


def _deny(
    db: Database,
    actor: Actor | None,
    action: AuditAction,
    refusal: Refusal,
    *,
    kommune: str | None,
    object: str | None,
) -> PermissionDenied:
    """Write the one "verweigert" audit row and return the error to raise."""
    audit_store.write_audit(
        db,
        actor=actor.audit_name if actor else ANONYMOUS,
        action=action,
        outcome="verweigert",
        object=object,
        detail={
            "rolle": actor.role if actor else None,
            "quelle": actor.source if actor else None,
            "grund": refusal.message,
            **refusal.detail,
        },
        kommune=kommune,
    )
    return PermissionDenied(refusal.message)


def anonymous_refusal(rule: Action) -> Refusal:
    """Nobody is logged in: say that a login is needed (not that the role is wrong)."""
    return Refusal(f"Keine Berechtigung: {rule.label} ist nur nach der Anmeldung möglich. Bitte melden Sie sich an.")


def disabled_refusal(actor: Actor) -> Refusal:
    """The session's person no longer has an active account."""
    return Refusal(
        f"Keine Berechtigung: Das Konto „{actor.name}“ ist deaktiviert oder existiert nicht mehr. "
        "Bitte wenden Sie sich an die Administration."
    )


def role_refusal(rule: Action, actor: Actor) -> Refusal | None:
    """The role alone decides for admin-only actions and for Leser*innen (None: the role may)."""
    if actor.is_admin or (rule.scope != "admin" and actor.role == "koordination"):
        return None
    allowed = "Admins" if rule.scope == "admin" else "Koordinator*innen und Admins"
    who = f"Sie sind als {ROLE_LABELS[actor.role]} angemeldet ({actor.display_name or actor.name})."
    return Refusal(f"Keine Berechtigung: {rule.label} dürfen nur {allowed}. {who}")


def indicator_refusal(missing: list[str], owners: Mapping[str, list[int]], actor: Actor) -> Refusal | None:
    """A Koordinator*in touched indicators outside their Vorhaben: name them with their Vorhaben."""
    if not missing:
        return None
    shown = ", ".join(
        f"„{i}“" + (f" (Vorhaben {', '.join(str(n) for n in owners.get(i, []))})" if owners.get(i) else "")
        for i in missing[:MAX_LISTED]
    )
    more = f" und {len(missing) - MAX_LISTED} weitere" if len(missing) > MAX_LISTED else ""
    return Refusal(
        f"Keine Berechtigung für {shown}{more}: Sie sind Koordinator*in für {actor.scope_text()}. "
        "Bitte nur Werte Ihrer Vorhaben hochladen oder die Administration um eine Zuordnung bitten. "
        "Es wurde nichts gespeichert.",
        {"fehlende_indikatoren": missing},
    )


def vorhaben_refusal(wanted: Iterable[int], actor: Actor) -> Refusal | None:
    """A Koordinator*in touched a Vorhaben that is not theirs."""
    missing = sorted({int(v) for v in wanted} - set(actor.vorhaben))
    if not missing:
        return None
    return Refusal(
        f"Keine Berechtigung für Vorhaben {', '.join(str(n) for n in missing)}: Sie sind Koordinator*in für "
        f"{actor.scope_text()}. Bitte die Administration um eine Zuordnung bitten. Es wurde nichts gespeichert.",
        {"fehlende_vorhaben": missing},
    )


def _scope_refusal(
    db: Database,
    rule: Action,
    actor: Actor,
    *,
    kommune: str | None,
    indicators: Iterable[str] | None,
    vorhaben: Iterable[int] | None,
) -> Refusal | None:
    """A Koordinator*in's write must stay inside their indicators or Vorhaben (reads the DB)."""
    if rule.scope == "indikator" and indicators is not None:
        mine = allowed_indicators(db, actor, kommune=kommune or "") or set()
        missing = [i for i in sorted(set(indicators)) if i not in mine]
        owners = auth_store.vorhaben_of_indicators(db, kommune=kommune or "", indicators=missing) if missing else {}
        return indicator_refusal(missing, owners, actor)
    if rule.scope == "vorhaben" and vorhaben is not None:
        return vorhaben_refusal(vorhaben, actor)
    return None


def authorize(
    db: Database,
    actor: Actor | None,
    action: AuditAction,
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
        raise _deny(db, None, action, anonymous_refusal(rule), kommune=kommune, object=object)
    if not isinstance(actor, Actor):
        raise TypeError("actor must be a kora.access.roles.Actor (e.g. Actor.cli()), not " + type(actor).__name__)
    now = current(db, actor, kommune=kommune)
    if now is None:
        raise _deny(db, actor, action, disabled_refusal(actor), kommune=kommune, object=object)
    refusal = role_refusal(rule, now) or (
        None
        if now.is_admin
        else _scope_refusal(db, rule, now, kommune=kommune, indicators=indicators, vorhaben=vorhaben)
    )
    if refusal is not None:
        raise _deny(db, now, action, refusal, kommune=kommune, object=object)
    return now
