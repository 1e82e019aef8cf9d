"""The named steps of `authorize` and `resolve_access`, each with its own table, and the audit actions.

The end-to-end behaviour (one "verweigert" row per refusal, modes from real configuration) is in
test_permissions.py and test_auth.py; these tables pin down each step on its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kora.access import audit, modes, roles
from kora.access.roles import ACTIONS, Action, Actor
from kora.db import Database, audit_store
from kora.db.audit_store import AuditAction

ROOT = Path(__file__).resolve().parents[1]

ADMIN = Actor(name="ada", role="admin", source="lokal")
KIM = Actor(name="kim", role="koordination", source="lokal", display_name="Kim Meier", vorhaben=frozenset({4}))
LEA = Actor(name="lea", role="leser", source="oidc", email="lea@aachen.de")


# --- authorize: the steps ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "actor", "refused_with"),
    [
        ("admin", ADMIN, None),
        ("indikator", ADMIN, None),
        ("vorhaben", ADMIN, None),
        ("admin", KIM, "dürfen nur Admins. Sie sind als Koordinator*in angemeldet (Kim Meier)."),
        ("indikator", KIM, None),
        ("vorhaben", KIM, None),
        ("admin", LEA, "dürfen nur Admins. Sie sind als Leser*in angemeldet (lea)."),
        ("indikator", LEA, "dürfen nur Koordinator*innen und Admins."),
        ("vorhaben", LEA, "dürfen nur Koordinator*innen und Admins."),
    ],
)
def test_role_refusal(scope: str, actor: Actor, refused_with: str | None) -> None:
    refusal = roles.role_refusal(Action("Dinge tun", scope), actor)
    if refused_with is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.message.startswith("Keine Berechtigung: Dinge tun dürfen nur")
        assert refused_with in refusal.message


@pytest.mark.parametrize(
    ("missing", "owners", "shown", "more"),
    [
        ([], {}, None, None),
        (["radwege_km"], {}, "„radwege_km“:", None),
        (["radwege_km"], {"radwege_km": [1, 3]}, "„radwege_km“ (Vorhaben 1, 3):", None),
        ([f"i{n:02d}" for n in range(12)], {}, "„i09“", " und 2 weitere:"),
        ([f"i{n:02d}" for n in range(10)], {}, "„i09“:", None),
    ],
)
def test_indicator_refusal(
    missing: list[str], owners: dict[str, list[int]], shown: str | None, more: str | None
) -> None:
    refusal = roles.indicator_refusal(missing, owners, KIM)
    if shown is None:
        assert refusal is None
        return
    assert refusal is not None
    assert shown in refusal.message
    assert "Sie sind Koordinator*in für Vorhaben 4" in refusal.message
    assert refusal.detail == {"fehlende_indikatoren": missing}
    assert ("„i10“" in refusal.message) is False
    if more:
        assert more in refusal.message
    else:
        assert "weitere" not in refusal.message


@pytest.mark.parametrize(
    ("wanted", "missing"),
    [
        ([4], None),
        ([], None),
        ([4, "4"], None),
        ([5], [5]),
        ([6, 4, 5], [5, 6]),
    ],
)
def test_vorhaben_refusal(wanted: list, missing: list[int] | None) -> None:
    refusal = roles.vorhaben_refusal(wanted, KIM)
    if missing is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.detail == {"fehlende_vorhaben": missing}
        assert f"Keine Berechtigung für Vorhaben {', '.join(map(str, missing))}:" in refusal.message


@pytest.mark.parametrize(
    ("refusal", "text"),
    [
        (roles.anonymous_refusal(Action("Uploads zurücknehmen", "indikator")), "nur nach der Anmeldung möglich"),
        (roles.disabled_refusal(KIM), "Das Konto „kim“ ist deaktiviert"),
    ],
)
def test_refusals_before_the_role_check(refusal: roles.Refusal, text: str) -> None:
    assert text in refusal.message
    assert refusal.detail == {}


# --- resolve_access: the steps --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "wanted", "reading", "claim", "mapping", "default_role"),
    [
        ({}, "", "anmeldung", None, {}, "leser"),
        ({"KORA_AUTH": " OIDC "}, "oidc", "anmeldung", None, {}, "leser"),
        ({"KORA_AUTH": "aus"}, "off", "anmeldung", None, {}, "leser"),
        ({"KORA_AUTH": "False"}, "off", "anmeldung", None, {}, "leser"),
        ({"KORA_LESEN": "Offen"}, "", "offen", None, {}, "leser"),
        ({"KORA_ROLLEN_CLAIM": " groups "}, "", "anmeldung", "groups", {}, "leser"),
        (
            {"KORA_ROLLEN_ZUORDNUNG": "KoRa-Admins=admin, x=chef, =leser, lesende=Leser"},
            "",
            "anmeldung",
            None,
            {"kora-admins": "admin", "lesende": "leser"},
            "leser",
        ),
        ({"KORA_SSO_STANDARDROLLE": "keine"}, "", "anmeldung", None, {}, None),
        ({"KORA_SSO_STANDARDROLLE": "Koordination"}, "", "anmeldung", None, {}, "koordination"),
    ],
)
def test_read_settings(
    env: dict[str, str], wanted: str, reading: str, claim: str | None, mapping: dict, default_role: str | None
) -> None:
    settings = modes.read_settings(env)
    assert (settings.wanted, settings.reading, settings.role_claim) == (wanted, reading, claim)
    assert settings.role_mapping == mapping
    assert settings.default_role == default_role


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, None),
        ({"KORA_AUTH": "lokal", "KORA_LESEN": "offen", "KORA_SSO_STANDARDROLLE": "keine"}, None),
        ({"KORA_AUTH": "ldap"}, "KORA_AUTH='ldap' ist unbekannt"),
        ({"KORA_AUTH": "ldap", "KORA_LESEN": "nie"}, "KORA_AUTH='ldap'"),  # first problem wins
        ({"KORA_LESEN": "nie"}, "KORA_LESEN='nie' ist unbekannt"),
        ({"KORA_SSO_STANDARDROLLE": "chef"}, "KORA_SSO_STANDARDROLLE='chef' ist unbekannt"),
    ],
)
def test_settings_problem(env: dict[str, str], problem: str | None) -> None:
    found = modes.settings_problem(modes.read_settings(env))
    assert found is None if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(
    ("section", "accounts_n", "address", "mode"),
    [
        ({"client_id": "x"}, 0, "0.0.0.0", "oidc"),
        ({"client_id": "x"}, 3, "localhost", "oidc"),
        (None, 3, "localhost", "lokal"),
        ({}, 1, None, "lokal"),
        (None, 0, "127.0.0.2", "off"),
        (None, 0, "[::1]", "off"),
        (None, 0, "0.0.0.0", None),
        (None, 0, None, None),
        (None, 0, "", None),
    ],
)
def test_automatic_mode(section: dict | None, accounts_n: int, address: str | None, mode: str | None) -> None:
    assert modes.automatic_mode(auth_section=section, login_accounts=accounts_n, address=address) == mode


@pytest.mark.parametrize(
    ("mode", "section", "accounts_n", "address", "problem"),
    [
        ("oidc", None, 0, "0.0.0.0", "ist unvollständig: In .streamlit/secrets.toml fehlt der Abschnitt [auth]."),
        ("lokal", None, 0, "0.0.0.0", "noch kein aktives Konto"),
        ("lokal", None, 1, "0.0.0.0", None),
        ("off", None, 0, "localhost", None),
        ("off", None, 5, "10.0.0.1", "eingestellt ist „10.0.0.1“"),
        ("off", None, 0, None, "eingestellt ist „alle Netzwerkschnittstellen“"),
    ],
)
def test_mode_problem(
    mode: str, section: dict | None, accounts_n: int, address: str | None, problem: str | None
) -> None:
    found = modes.mode_problem(mode, auth_section=section, login_accounts=accounts_n, address=address)
    assert found is None if problem is None else (found is not None and problem in found)


# --- audit actions --------------------------------------------------------------------------------


def test_every_audit_action_has_a_german_label() -> None:
    assert set(audit.ACTION_LABELS) == set(AuditAction)
    for action in AuditAction:
        assert audit.action_label(action) == audit.ACTION_LABELS[action] != action.value


def test_every_permission_rule_is_an_audit_action() -> None:
    assert set(ACTIONS) <= set(AuditAction)


@pytest.mark.parametrize("action", ["uplaod", "Upload", "", "anmeldung "])
def test_a_misspelt_action_is_refused_not_stored(db: Database, action: str) -> None:
    before = len(audit_store.audit_df(db))
    with pytest.raises(ValueError, match="is not a valid AuditAction"):
        audit_store.write_audit(db, actor="kim", action=action)  # type: ignore[arg-type]
    assert len(audit_store.audit_df(db)) == before


def test_an_old_unknown_action_code_still_shows() -> None:
    """Rows written by an older release keep their code when it has no label (nothing is hidden)."""
    assert audit.action_label("importiert_v0") == "importiert_v0"


def _write_audit_calls() -> list[tuple[str, int, ast.expr | None]]:
    calls = []
    for path in sorted((ROOT / "kora").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "write_audit":
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                calls.append((str(path.relative_to(ROOT)), node.lineno, action))
    return calls


def test_no_write_audit_call_passes_a_string_literal() -> None:
    """Every call site names an AuditAction member (a literal string would dodge the type check)."""
    calls = _write_audit_calls()
    assert len(calls) >= 15
    literals = [
        f"{path}:{line}"
        for path, line, action in calls
        for node in ([] if action is None else ast.walk(action))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert literals == []
