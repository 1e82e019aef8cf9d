"""Benchmark: every hostile corpus file through `python -m kora import FILE --dry-run --json`.

The CLI is the stable interface, so each file runs in its own subprocess against its own copy of
a freshly initialised temp DB; wall time and peak RSS are taken per child (`os.wait4` rusage,
plus /proc polling that kills a child running away beyond `--kill-rss-mb` or `--timeout`, to
spare the shared machine). Next to them: the floor, the same CLI on a small valid file in the
same run, and whether the outcome matches tests/data/hostile/manifest.json.

    .venv/bin/python bench/bench_hostile.py [--only NAME ...] [--repeat-floor 3] [--json-out FILE]

Exit status 1 when a file within the upload limit breaks the limits of the issue (answer in
< 10 s and < 500 MB peak RSS) or had to be killed; 0 otherwise. Outcome mismatches are printed
(they are part B's to-do list, asserted by tests/test_hostile_corpus.py), not a failure here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import machine  # noqa: E402  (bench/machine.py)

from tests.data.hostile import make_hostile as corpus  # noqa: E402

PY = sys.executable
MAX_PARSED_OUTPUT = 16 * 1024 * 1024  # larger JSON answers already break any error cap


@dataclass
class Run:
    name: str
    bytes: int
    seconds: float
    floor_seconds: float  # the floor measured right before this file
    peak_rss_mb: float
    exit_code: int
    killed: str  # "" or why the watchdog stopped it
    outcome: str  # rejected | accepted | accepted_with_warning | crashed
    expected: str
    matches: bool
    within_limits: bool
    detail: str


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _watch(pid: int, done: threading.Event, *, timeout: float, kill_rss_mb: float, why: list[str]) -> None:
    """Kill a runaway child; never reaps it (os.wait4 in run_cli must get its rusage)."""
    start = time.perf_counter()
    while not done.is_set():
        if time.perf_counter() - start > timeout:
            why.append(f"nach {timeout:.0f} s abgebrochen")
        elif _rss_mb(pid) > kill_rss_mb:
            why.append(f"über {kill_rss_mb:.0f} MB Speicher, abgebrochen")
        if why:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.05)


def run_cli(file: Path, db: Path, *, timeout: float, kill_rss_mb: float) -> tuple[float, float, int, str, bytes, bytes]:
    """(seconds, peak RSS MB, exit code, killed why, stdout, stderr) of one `kora import --dry-run`."""
    cmd = [PY, "-m", "kora", "import", str(file), "--db", str(db), "--dry-run", "--json"]
    why: list[str] = []
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        limits = {"timeout": timeout, "kill_rss_mb": kill_rss_mb, "why": why}
        watcher = threading.Thread(target=_watch, args=(proc.pid, done), kwargs=limits)
        watcher.start()
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (peak RSS)
        seconds = time.perf_counter() - start
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        watcher.join()
        return seconds, usage.ru_maxrss / 1024, proc.returncode, "; ".join(why), _head(out), _head(err)


def _head(file: IO[bytes]) -> bytes:
    """The output, or only its size when it is huge: the bench stays small, so a child forked from
    it does not inherit a big RSS into its rusage (Linux keeps the pre-exec high-water mark)."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    return file.read() if size <= MAX_PARSED_OUTPUT else f"{size}".encode()


def classify(stdout: bytes, stderr: bytes, entry: dict, exit_code: int) -> tuple[str, bool, str]:
    """(outcome, matches the manifest, short detail)."""
    if stdout.isdigit():  # only the size of a huge answer (see _head): judge by the exit code
        outcome = "rejected" if exit_code == 2 else "accepted"
        return outcome, False, f"{int(stdout) / 1024 / 1024:.0f} MB JSON-Antwort"
    try:
        payload = json.loads(stdout)
    except ValueError:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["keine Ausgabe"]
        return "crashed", False, tail[0][:160]
    errors = [e.get("message", "") for e in payload.get("errors", [])]
    notes = list(payload.get("notes", []))
    fragment = str(entry.get("message", ""))
    if errors:
        outcome = "rejected"
        matches = entry["expect"] == "rejected" and any(fragment in m for m in errors)
        cap = entry.get("error_cap")
        if cap is not None and len(errors) > int(cap):
            matches = False
        detail = f"{len(errors)} Fehler, {len(stdout) / 1024:.0f} KB JSON: {errors[0][:100]}"
    else:
        outcome = "accepted_with_warning" if notes else "accepted"
        if entry["expect"] == "accepted_with_warning":
            matches = any(fragment in n for n in notes)
        else:
            matches = entry["expect"] == "accepted"
        detail = f"neu {payload.get('new')}, Hinweise: {'; '.join(notes)[:100] or '–'}"
    return outcome, matches, detail


def prepare(work: Path, names: list[str]) -> dict[str, Path]:
    """Corpus files (committed ones copied, big ones generated) under their upload names."""
    out: dict[str, Path] = {}
    for entry in corpus.entries():
        name = str(entry["file"])
        if names and name not in names and entry.get("role") not in ("floor", "setup"):
            continue
        folder = work / "files" / name.replace(".", "_")
        folder.mkdir(parents=True)
        target = folder / str(entry.get("upload_name", name))
        if entry["committed"]:
            shutil.copy(corpus.HERE / name, target)
        else:
            target.write_bytes(corpus.BUILDERS[name]("bench"))
        out[name] = target
    return out


def make_db(work: Path, label: str, setup_file: Path | None) -> Path:
    """A fresh initialised DB (and the setup import, e.g. the existing 0,3 km)."""
    db = work / f"{label}.duckdb"
    subprocess.run([PY, "-m", "kora", "init", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    if setup_file is not None:
        subprocess.run(
            [PY, "-m", "kora", "import", str(setup_file), "--db", str(db), "--user", "bench"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return db


def measure(args: argparse.Namespace, work: Path) -> tuple[list[Run], list[float], list[float]]:
    """Floors up front, then per file: one more floor (the machine is shared; load drifts) and the file."""
    files = prepare(work, args.only)
    template = make_db(work, "template", None)
    entries = {str(e["file"]): e for e in corpus.entries()}
    limits = {"timeout": args.timeout, "kill_rss_mb": args.kill_rss_mb}
    floor_s, floor_rss = [], []

    def floor_once() -> float:
        db = work / f"floor{len(floor_s)}.duckdb"
        shutil.copy(template, db)
        s, rss, *_ = run_cli(files["floor_valid.csv"], db, **limits)
        floor_s.append(s)
        floor_rss.append(rss)
        return s

    for _ in range(args.repeat_floor):
        floor_once()
    runs = []
    for name, path in files.items():
        entry = entries[name]
        if entry.get("role") in ("floor", "setup"):
            continue
        setup = files.get(str(entry["setup"])) if entry.get("setup") else None
        db = make_db(work, f"run_{len(runs)}", setup) if setup else work / f"run_{len(runs)}.duckdb"
        if not setup:
            shutil.copy(template, db)
        near = floor_once()
        s, rss, code, killed, out, err = run_cli(path, db, **limits)
        outcome, matches, detail = ("killed", False, killed) if killed else classify(out, err, entry, code)
        within = not killed and s < corpus.LIMITS["seconds"] and rss < corpus.LIMITS["peak_rss_mb"]
        run = Run(
            name,
            path.stat().st_size,
            s,
            near,
            rss,
            code,
            killed,
            outcome,
            str(entry["expect"]),
            matches,
            within,
            detail,
        )
        runs.append(run)
        print(_line(run), flush=True)
    return runs, floor_s, floor_rss


def _line(r: Run) -> str:
    flag = "ok " if r.within_limits else "ÜBER"
    same = "=" if r.matches else "≠"
    return (
        f"{flag} {r.name:38} {r.bytes / 1024:8.0f} KB {r.seconds:7.2f} s ({r.seconds / r.floor_seconds:5.1f} × Floor {r.floor_seconds:4.1f} s) "
        f"{r.peak_rss_mb:7.0f} MB  {r.outcome:22} {same} {r.expected:22} {r.detail[:90]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="only these corpus files (names from the manifest)")
    parser.add_argument("--repeat-floor", type=int, default=3, help="floor runs before the files (plus one per file)")
    parser.add_argument("--timeout", type=float, default=120.0, help="kill a child after this many seconds")
    parser.add_argument("--kill-rss-mb", type=float, default=4096, help="kill a child above this RSS (shared machine)")
    parser.add_argument("--json-out", help="also write all measurements as JSON here")
    args = parser.parse_args()
    print(f"Maschine: {machine.describe()}")
    print(f"Grenzen: < {corpus.LIMITS['seconds']:.0f} s und < {corpus.LIMITS['peak_rss_mb']} MB Spitzen-RSS je Datei")
    with tempfile.TemporaryDirectory(prefix="kora-hostile-") as tmp:
        runs, floor_s, floor_rss = measure(args, Path(tmp))
    floor = statistics.median(floor_s)
    print(
        f"Floor (gleiche CLI, kleine gültige Datei, {len(floor_s)}×): {floor:.2f} s, {statistics.median(floor_rss):.0f} MB"
    )
    broken = [r for r in runs if not r.within_limits]
    differ = [r for r in runs if not r.matches]
    print(
        f"{len(runs) - len(broken)}/{len(runs)} innerhalb der Grenzen; {len(runs) - len(differ)}/{len(runs)} wie im Manifest"
    )
    if args.json_out:
        payload = {
            "machine": machine.describe(),
            "floor_seconds": floor_s,
            "floor_rss_mb": floor_rss,
            "runs": [asdict(r) for r in runs],
        }
        Path(args.json_out).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
