"""How people get in: the access mode (SSO, local accounts, Einzelplatz) decided from configuration.

`resolve_access` is pure (environment, the `[auth]` secrets section, the number of local login
accounts and the server address in; an `AccessConfig` out), so every branch is tested without a
server. A configuration that would expose writes fails closed: `AccessConfig.problem` is set and
the web gate shows only that German message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kora.access.roles import ROLES

MODES = ("oidc", "lokal", "off")
READING = ("offen", "anmeldung")
OFF_ALIASES = ("aus", "0", "false", "none", "keine")
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1", "[::1]")
REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
PLACEHOLDER = re.compile(r"^(x+|\.\.\.|change[-_ ]?me|todo|geheim|secret|<.*>|.*(hier|eintragen|beispiel).*)$", re.I)
FIX_HINT = "Bitte KORA_AUTH (oidc, lokal oder off) und die Anmeldung einrichten; siehe README „Zugriff & Anmeldung“."


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


@dataclass(frozen=True)
class AccessSettings:
    """The KORA_* environment variables, trimmed and casefolded; nothing decided yet."""

    wanted: str  # KORA_AUTH ("" = decide automatically; the off aliases already mapped to "off")
    reading: str  # KORA_LESEN
    role_claim: str | None  # KORA_ROLLEN_CLAIM
    role_mapping: dict[str, str]  # KORA_ROLLEN_ZUORDNUNG "gruppe=admin, …"
    default_role_raw: str  # KORA_SSO_STANDARDROLLE as written

    @property
    def default_role(self) -> str | None:
        return self.default_role_raw if self.default_role_raw in ROLES else None


def read_settings(env: Mapping[str, str]) -> AccessSettings:
    """Step 1: read the environment (unset KORA_LESEN means "anmeldung": fail closed)."""
    wanted = (env.get("KORA_AUTH") or "").strip().casefold()
    return AccessSettings(
        wanted="off" if wanted in OFF_ALIASES else wanted,
        reading=(env.get("KORA_LESEN") or "anmeldung").strip().casefold(),
        role_claim=(env.get("KORA_ROLLEN_CLAIM") or "").strip() or None,
        role_mapping=_parse_mapping(env.get("KORA_ROLLEN_ZUORDNUNG") or ""),
        default_role_raw=(env.get("KORA_SSO_STANDARDROLLE") or "leser").strip().casefold(),
    )


def settings_problem(settings: AccessSettings) -> str | None:
    """Step 2: an unknown value in any KORA_* variable (German; None: all values known)."""
    if settings.wanted and settings.wanted not in MODES:
        return f"KORA_AUTH={settings.wanted!r} ist unbekannt: erlaubt sind oidc, lokal oder off."
    if settings.reading not in READING:
        return f"KORA_LESEN={settings.reading!r} ist unbekannt: erlaubt sind offen oder anmeldung."
    if settings.default_role_raw not in (*ROLES, "keine"):
        return (
            f"KORA_SSO_STANDARDROLLE={settings.default_role_raw!r} ist unbekannt: "
            "leser, koordination, admin oder keine."
        )
    return None


def automatic_mode(*, auth_section: Mapping[str, Any] | None, login_accounts: int, address: str | None) -> str | None:
    """Step 3 (KORA_AUTH unset): `[auth]` → oidc, local accounts → lokal, localhost → off, else None."""
    if auth_section:
        return "oidc"
    if login_accounts:
        return "lokal"
    if is_local_address(address):
        return "off"
    return None


def mode_problem(
    mode: str, *, auth_section: Mapping[str, Any] | None, login_accounts: int, address: str | None
) -> str | None:
    """Step 4: what the chosen mode still lacks (German; None: the mode can serve)."""
    shown_address = address or "alle Netzwerkschnittstellen"
    if mode == "oidc":
        problem = auth_secrets_problem(auth_section)
        return f"Anmeldung über den Stadt-Login (KORA_AUTH=oidc) ist unvollständig: {problem}" if problem else None
    if mode == "lokal":
        if login_accounts:
            return None
        return (
            "Lokale Anmeldung (KORA_AUTH=lokal) ist eingestellt, aber es gibt noch kein aktives Konto mit Passwort. "
            "Bitte zuerst anlegen: python -m kora user add NAME --role admin"
        )
    if is_local_address(address):
        return None
    return (
        f"Einzelplatzmodus (KORA_AUTH=off) ist nur erlaubt, wenn der Server ausschließlich auf localhost "
        f"lauscht; eingestellt ist „{shown_address}“. Bitte --server.address "
        "localhost setzen oder eine Anmeldung einrichten (KORA_AUTH=lokal oder oidc)."
    )


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
    settings = read_settings(env)
    problem = settings_problem(settings)
    if problem:
        return AccessConfig("off", problem=problem)
    mode = settings.wanted or automatic_mode(auth_section=auth_section, login_accounts=login_accounts, address=address)
    if mode is None:
        return AccessConfig(
            "off",
            problem=(
                f"Keine Anmeldung eingerichtet, aber der Server ist nicht nur lokal erreichbar (Adresse "
                f"„{address or 'alle Netzwerkschnittstellen'}“). Ohne Anmeldung könnte jede*r Werte ändern. {FIX_HINT}"
            ),
        )
    problem = mode_problem(mode, auth_section=auth_section, login_accounts=login_accounts, address=address)
    if problem:
        return AccessConfig(mode, problem=problem)
    if mode == "off":
        return AccessConfig("off", reading="offen")
    return AccessConfig(
        mode,
        reading=settings.reading,
        role_claim=settings.role_claim,
        role_mapping=settings.role_mapping,
        default_role=settings.default_role,
    )
