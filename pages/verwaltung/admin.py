"""Verwaltung: targets, baselines, weights, milestones, coordinator assignments, accounts.

Admins see every tab; Koordinator*innen only the milestones of their own Vorhaben. Each change
needs a reason and goes through `kora.plan.edits` / `kora.access.accounts`, which check the role again,
store the change append-only and write the audit row. This page only draws.
"""

from __future__ import annotations

import streamlit as st

from kora import fmt, periods
from kora.access import accounts, passwords, roles
from kora.errors import KoraError
from kora.massnahmen import refresh
from kora.plan import edits
from kora.web import gate, state

FLASH_KEY = "admin_flash"

actor = gate.current_actor()
st.title("Verwaltung" if actor is not None and actor.is_admin else "Meilensteine pflegen")
if actor is None or not actor.can_write_readings:
    st.warning("Die Verwaltung ist Admins und Koordinator*innen vorbehalten.", icon="🔒")
    st.stop()

db = state.database()
kommune = gate.own_kommune()  # the session's Kommune (configuration or the person's), never assumed
plan = state.plan()
if FLASH_KEY in st.session_state:
    st.success(st.session_state.pop(FLASH_KEY), icon="✅")


def done(message: str) -> None:
    state.clear_caches()
    st.session_state[FLASH_KEY] = message
    st.rerun()


def _value(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    return fmt.smart_number(float(value), unit="" if unit in ("", "Anzahl") else unit)  # type: ignore[arg-type]


def targets_tab() -> None:
    st.caption(
        "Änderungen gelten sofort für alle Dashboards und bleiben auch nach „init --reload-plan“ erhalten: "
        "sie werden mit Grund gespeichert und auf die Werte der Plan-Dateien angewendet. "
        "Der Startwert ist der Start des Zielpfads im ersten Planjahr; in jedem weiteren Jahr startet "
        "der Zielpfad beim Jahresziel des Vorjahres (Summen mit „mehr ist besser“ immer bei 0)."
    )
    indicators = {i["id"]: i for i in plan["indicators"]}
    ind_id = st.selectbox(
        "Indikator",
        list(indicators),
        format_func=lambda i: f"{indicators[i]['name']} ({i})",
        key="adm_indicator",
    )
    ind = indicators[ind_id]
    rows = [
        {"Feld": "Startwert", "Wert": _value(ind["baseline"], ind["unit"])},
        {"Feld": "Startjahr", "Wert": str(ind["baseline_year"] or "–")},
        {"Feld": "Gewicht", "Wert": _value(ind["weight"])},
    ] + [{"Feld": f"Jahresziel {y}", "Wert": _value(v, ind["unit"])} for y, v in sorted(ind["targets"].items())]
    st.dataframe(rows, hide_index=True, key="adm_current_values")
    years = sorted({int(y) for y in ind["targets"]} | {periods.today_local().year, periods.today_local().year + 1})
    with st.form("adm_value_form", clear_on_submit=True):
        field = st.radio(
            "Was soll geändert werden?",
            ["target", "baseline", "baseline_year", "weight"],
            format_func=edits.FIELD_LABELS.__getitem__,
            horizontal=True,
            key="adm_field",
        )
        year = st.selectbox("Jahr (nur für Jahresziele)", years, index=len(years) - 2, key="adm_year")
        value = st.number_input("Neuer Wert", value=None, step=1.0, format="%g", key="adm_value")
        reason = st.text_input("Grund der Änderung (Pflicht)", max_chars=edits.MAX_REASON, key="adm_reason")
        submitted = st.form_submit_button("Änderung speichern", type="primary")
    if submitted:
        try:
            change = edits.set_plan_value(
                db,
                actor,
                ind_id,
                field=field,
                value=value,
                reason=reason,
                year=year if field == "target" else None,
                kommune=kommune,
            )
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
        else:
            if change.changed:
                done(change.message)
            st.info(change.message)
    with st.expander("Bisherige Änderungen an Startwerten, Zielen und Gewichten"):
        changes = edits.plan_changes(db, kommune=kommune)
        if changes.empty:
            st.caption("Noch keine Änderungen: es gelten die Werte der Plan-Dateien.")
        else:
            st.dataframe(changes, hide_index=True, key="adm_changes")


def milestones_tab() -> None:
    choices = edits.milestone_choices(db, actor, kommune=kommune)
    if not choices:
        st.info(
            f"Ihnen sind keine Vorhaben zugeordnet ({fmt.markdown(actor.scope_text())}). Bitte die Administration fragen."
        )
        return
    by_id = {c["id"]: c for c in choices}
    mid = st.selectbox("Meilenstein", list(by_id), format_func=lambda m: by_id[m]["label"], key="adm_milestone")
    m = by_id[mid]
    st.caption(
        f"Aktuell: **{m['status']}** · fällig {fmt.date(m['due'])}"
        + (f" (geplant {fmt.date(m['due_planned'])})" if m["due_planned"] and m["due_planned"] != m["due"] else "")
        + (f" · erreicht am {fmt.date(m['reached_on'])}" if m["reached_on"] else "")
    )
    with st.form("adm_milestone_form", clear_on_submit=True):
        # keys per milestone: the fields start from the chosen milestone's current values
        status = st.radio(
            "Neuer Status",
            list(edits.MILESTONE_STATUS),
            index=list(edits.MILESTONE_STATUS).index(m["status"]) if m["status"] in edits.MILESTONE_STATUS else 0,
            horizontal=True,
            key=f"adm_ms_status_{mid}",
        )
        due = st.date_input("Fällig am", value=m["due"], format="DD.MM.YYYY", key=f"adm_ms_due_{mid}")
        reached = st.date_input(
            "Erreicht am (nur bei „erreicht“)",
            value=m["reached_on"] or periods.today_local(),
            max_value=periods.today_local(),
            format="DD.MM.YYYY",
            key=f"adm_ms_reached_{mid}",
        )
        reason = st.text_input("Grund / Nachweis (Pflicht)", max_chars=edits.MAX_REASON, key="adm_ms_reason")
        submitted = st.form_submit_button("Meilenstein speichern", type="primary")
    if submitted:
        try:
            result = edits.set_milestone(
                db,
                actor,
                mid,
                status=status,
                reason=reason,
                due=due or None,
                reached_on=reached if status == "erreicht" else None,
                kommune=kommune,
                then=refresh.rederive_milestones,
            )
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
        else:
            done(result.message)


def coordination_tab() -> None:
    people = [
        u for u in accounts.user_choices(db, kommune=kommune) if u["role"] == "koordination" and not u["disabled"]
    ]
    if not people:
        st.info(
            fmt.markdown(
                "Noch keine Koordinator*innen. Im Reiter „Benutzer“ ein Konto mit der Rolle Koordinator*in anlegen."
            )
        )
        return
    by_name = {u["username"]: u for u in people}
    who = st.selectbox("Koordinator*in", list(by_name), format_func=lambda n: by_name[n]["label"], key="adm_coord")
    person = by_name[who]
    vorhaben = {v["nr"]: f"{v['nr']}. {v['title']}" for v in plan["vorhaben"]}
    indicators = {i["id"]: f"{i['name']} ({i['id']})" for i in plan["indicators"]}
    with st.form(f"adm_assign_form_{who}"):
        chosen_v = st.multiselect(
            "Vorhaben (alle Indikatoren dieser Vorhaben)",
            list(vorhaben),
            default=[v for v in person["vorhaben"] if v in vorhaben],
            format_func=vorhaben.__getitem__,
        )
        chosen_i = st.multiselect(
            "Zusätzlich einzelne Indikatoren",
            list(indicators),
            default=[i for i in person["indikatoren"] if i in indicators],
            format_func=indicators.__getitem__,
        )
        submitted = st.form_submit_button("Zuordnung speichern", type="primary")
    if submitted:
        try:
            accounts.set_assignments(db, actor, who, vorhaben=chosen_v, indicators=chosen_i, kommune=kommune)
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
        else:
            done(f"Zuordnung von „{who}“ gespeichert.")


def users_tab() -> None:
    view = accounts.managed_kommune(db, actor)  # None: the installation's operator sees every Kommune
    st.caption(
        "Konten aller Kommunen dieser Installation."
        if view is None
        else fmt.markdown(f"Konten der Kommune {gate.own_kommune_name()}; andere Kommunen verwalten ihre eigenen.")
    )
    st.dataframe(accounts.users_table(db, kommune=view), hide_index=True, key="adm_users")
    vorhaben = {v["nr"]: f"{v['nr']}. {v['title']}" for v in plan["vorhaben"]}
    with st.expander("Neuen Benutzer anlegen", expanded=False), st.form("adm_add_user", clear_on_submit=True):
        c1, c2 = st.columns(2)
        username = c1.text_input("Benutzername (z. B. kim.meier)", max_chars=64)
        display = c2.text_input("Anzeigename (z. B. Kim Meier)", max_chars=100)
        email = c1.text_input("E-Mail (ordnet den Stadt-Login zu)", max_chars=200)
        role = c2.selectbox("Rolle", list(roles.ROLES), format_func=roles.ROLE_LABELS.__getitem__, index=1)
        password = c1.text_input(
            f"Erstes Passwort (mindestens {passwords.MIN_PASSWORD} Zeichen; leer = nur Stadt-Login)",
            type="password",
            autocomplete="new-password",
        )
        chosen_v = c2.multiselect("Vorhaben (nur Koordinator*innen)", list(vorhaben), format_func=vorhaben.__getitem__)
        submitted = st.form_submit_button("Benutzer anlegen", type="primary")
    if submitted:
        try:
            name = accounts.add_user(
                db,
                actor,
                username,
                role=role,
                display_name=display,
                email=email,
                password=password or None,
                vorhaben=chosen_v if role == "koordination" else [],
                kommune=kommune,
            )
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
        else:
            done(f"Benutzer „{name}“ angelegt.")

    people = accounts.user_choices(db, kommune=view)
    if not people:
        return
    by_name = {u["username"]: u for u in people}
    with st.expander("Benutzer ändern, Passwort setzen, deaktivieren"):
        who = st.selectbox("Benutzer", list(by_name), format_func=lambda n: by_name[n]["label"], key="adm_edit_user")
        person = by_name[who]
        with st.form(f"adm_edit_user_form_{who}", clear_on_submit=True):
            c1, c2 = st.columns(2)
            role = c1.selectbox(
                "Rolle",
                list(roles.ROLES),
                index=list(roles.ROLES).index(person["role"]),
                format_func=roles.ROLE_LABELS.__getitem__,
            )
            display = c2.text_input("Anzeigename", value=person["display_name"], max_chars=100)
            email = c1.text_input("E-Mail", value=person["email"] or "", max_chars=200)
            password = c2.text_input(
                "Neues Passwort (leer = unverändert)", type="password", autocomplete="new-password"
            )
            disabled = st.checkbox(
                "Konto deaktiviert (Anmeldung nicht mehr möglich, Historie bleibt)", value=person["disabled"]
            )
            submitted = st.form_submit_button("Änderungen speichern", type="primary")
        if submitted:
            try:
                accounts.edit_user(
                    db,
                    actor,
                    who,
                    role=role,
                    display_name=display,
                    email=email,
                    password=password,
                    disabled=disabled,
                    kommune=person["kommune"],
                )
            except KoraError as err:
                st.error(fmt.markdown(str(err)))
            else:
                done(f"Benutzer „{who}“ gespeichert.")


def backup_tab() -> None:
    st.caption(
        "Eine Sicherung ist eine vollständige, geprüfte Kopie der Datenbank (alle Messwerte, Versionen, "
        "Benutzer und das Audit-Log). Sie wird hier erstellt, während das Dashboard läuft, und nur heruntergeladen."
    )
    if st.button("Sicherung erstellen", key="adm_backup", icon="💾"):
        try:
            with st.spinner("Sicherung wird erstellt und geprüft …"):
                st.session_state["adm_backup_file"] = state.backup_download(db, actor=actor)
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
    made = st.session_state.get("adm_backup_file")
    if made is not None:
        st.success(fmt.markdown(made.result.message), icon="✅")
        st.download_button(
            f"{made.file_name} herunterladen",
            data=made.data,
            file_name=made.file_name,
            mime="application/octet-stream",
            key="adm_backup_download",
        )
    st.caption("Wiederherstellen (Dashboard vorher beenden):")
    st.code("python -m kora restore SICHERUNG.duckdb --db data/kora.duckdb --force", language="bash")


if actor.is_admin:
    t_targets, t_milestones, t_coord, t_users, t_backup = st.tabs(  # keyed: a save's message above keeps the tab
        ["Ziele & Startwerte", "Meilensteine", "Koordination", "Benutzer", "Sicherung"], key="verwaltung_tab"
    )
    with t_targets:
        targets_tab()
    with t_milestones:
        milestones_tab()
    with t_coord:
        coordination_tab()
    with t_users:
        users_tab()
    with t_backup:
        backup_tab()
else:
    st.caption(
        f"Als Koordinator\\*in pflegen Sie hier die Meilensteine Ihrer Vorhaben ({fmt.markdown(actor.scope_text())})."
    )
    milestones_tab()
