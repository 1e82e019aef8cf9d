#!/usr/bin/env bash
# KoRa-Monitor set-up and entry point for a fresh Debian machine (Python >= 3.11).
#   ./dev.sh run    install what is missing, create the DB on first start, open the dashboard
#   ./dev.sh test   install what is missing (incl. Debian's chromium), then ruff, import contracts, mypy and the whole test suite
# Everything it installs goes into .venv/ (Python packages) or comes from apt (python3-venv, chromium).
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "Bitte als root ausführen oder sudo installieren: $*" >&2; exit 1; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 nötig ($PY)" >&2; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    "$PY" -m venv "$VENV"
  fi
  local req=$1 stamp="$VENV/.installed-$1"
  if [ ! -f "$stamp" ] || ! cmp -s "$req" "$stamp" || { [ "$req" = requirements-dev.txt ] && ! cmp -s requirements.txt "$VENV/.installed-requirements.txt"; }; then
    echo "==> pip install -r $req"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    cp "$req" "$stamp"
    [ "$req" = requirements-dev.txt ] && cp requirements.txt "$VENV/.installed-requirements.txt"
  fi
  return 0
}

case "${1:-}" in
  run)
    ensure_venv requirements.txt
    exec "$VENV/bin/python" -m kora serve "${@:2}"
    ;;
  test)
    apt_install chromium fonts-dejavu-core fonts-noto-color-emoji
    ensure_venv requirements-dev.txt
    echo "==> ruff"
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/ruff" check .
    echo "==> import contracts (import-linter)"
    "$VENV/bin/lint-imports" --no-cache
    echo "==> type check (mypy)"
    "$VENV/bin/mypy"
    # two worker processes (pytest-xdist): the browser tests mostly wait on servers and Chromium,
    # so two cores halve the run (about 10 instead of 20 minutes); KORA_TEST_WORKERS=0 runs serially
    echo "==> pytest (${KORA_TEST_WORKERS:-2} Prozesse)"
    exec "$VENV/bin/python" -m pytest -n "${KORA_TEST_WORKERS:-2}" "${@:2}"
    ;;
  *)
    echo "Aufruf: ./dev.sh run | ./dev.sh test" >&2
    exit 64
    ;;
esac
