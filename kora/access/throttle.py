"""A brake on password guessing that brakes only the source that failed.

Three brakes, all kept in the server process (Streamlit runs one):
- **account + client**: after `free` failures for one account from one client (IP address), that
  client waits before it may try that account again (doubling, up to `max_wait`). Anyone else —
  the real person on their own machine — still logs in with the right password at once.
- **client**: after `client_free` failures from one client across any names, that client waits
  (guessing many names from one machine).
- **global cap**: more than `global_cap` failures within `global_window` seconds on the whole
  server (guessing from many machines) make every client wait that has not logged in
  successfully on this server before; clients with an earlier success stay exempt, so an attacker
  cannot lock out the people who use KoRa-Monitor every day.

A refused attempt is not audited one by one: refusals of one brake form a *burst*, and the burst is
audited once with its count when it ends (its wait ran out, or after `burst_max` seconds).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

LOCAL_CLIENT = "localhost"  # Streamlit reports no IP address for connections from this machine
FORGET_AFTER = 3600.0  # failures older than an hour no longer count


@dataclass(frozen=True)
class Brake:
    """Why an attempt must wait: which brake (`konto`, `client`, `global`), its key and the seconds left."""

    kind: str
    key: str
    seconds: int


@dataclass
class Burst:
    """Refused attempts of one brake in a row; audited once, with the count, when it ends."""

    kind: str
    key: str
    account: str
    client: str
    count: int
    started: float
    last: float
    until: float


def _bump(entry: tuple[int, float] | None, now: float) -> tuple[int, float]:
    """One more failure; a count whose last failure is older than FORGET_AFTER starts again."""
    count, last = entry or (0, 0.0)
    return (1 if now - last > FORGET_AFTER else count + 1), now


def client_key(ip: str | None) -> str:
    return (ip or "").strip().casefold() or LOCAL_CLIENT


class LoginThrottle:
    def __init__(
        self,
        *,
        free: int = 5,
        client_free: int = 20,
        base_wait: float = 30.0,
        max_wait: float = 900.0,
        global_cap: int = 100,
        global_window: float = 60.0,
        burst_max: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.client_free = free, client_free
        self.base_wait, self.max_wait = base_wait, max_wait
        self.global_cap, self.global_window, self.burst_max = global_cap, global_window, burst_max
        self.clock = clock
        self._pair: dict[tuple[str, str], tuple[int, float]] = {}
        self._client: dict[str, tuple[int, float]] = {}
        self._recent: deque[float] = deque()
        self._trusted: set[str] = set()
        self._bursts: dict[tuple[str, str], Burst] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every failure, brake and trusted client (a fresh server process starts like this)."""
        with self._lock:
            self._pair.clear()
            self._client.clear()
            self._recent.clear()
            self._trusted.clear()
            self._bursts.clear()

    # --- the brakes -----------------------------------------------------------------------------

    def _remaining(self, entry: tuple[int, float] | None, free: int, now: float) -> int:
        count, last = entry or (0, 0.0)
        if count < free:
            return 0
        wait = min(self.base_wait * 2 ** (count - free), self.max_wait)
        return max(0, round(last + wait - now))

    def _global_remaining(self, client: str, now: float) -> int:
        while self._recent and self._recent[0] <= now - self.global_window:
            self._recent.popleft()
        if len(self._recent) < self.global_cap or client in self._trusted:
            return 0
        return max(1, round(self._recent[-self.global_cap] + self.global_window - now))

    def check(self, account: str, client: str | None = None) -> Brake | None:
        """The brake that holds this attempt back (None: it may try)."""
        account, client = account.casefold(), client_key(client)
        now = self.clock()
        with self._lock:
            pair = self._remaining(self._pair.get((account, client)), self.free, now)
            if pair:
                return Brake("konto", f"{account}@{client}", pair)
            alone = self._remaining(self._client.get(client), self.client_free, now)
            if alone:
                return Brake("client", client, alone)
            shared = self._global_remaining(client, now)
            return Brake("global", "alle", shared) if shared else None

    def wait_seconds(self, account: str, client: str | None = None) -> int:
        brake = self.check(account, client)
        return brake.seconds if brake else 0

    def failed(self, account: str, client: str | None = None) -> None:
        account, client = account.casefold(), client_key(client)
        now = self.clock()
        with self._lock:
            self._pair[(account, client)] = _bump(self._pair.get((account, client)), now)
            self._client[client] = _bump(self._client.get(client), now)
            self._recent.append(now)

    def succeeded(self, account: str, client: str | None = None) -> None:
        """Clears this account's brake for this client and trusts the client under the global cap.

        The per-client count stays: one valid account must not reset the brake on guessing others.
        """
        account, client = account.casefold(), client_key(client)
        with self._lock:
            self._pair.pop((account, client), None)
            self._trusted.add(client)

    # --- bursts of refused attempts (audited once each) ------------------------------------------

    def refused(self, brake: Brake, account: str, client: str | None = None) -> None:
        """Count a refused attempt into the brake's current burst."""
        now = self.clock()
        with self._lock:
            burst = self._bursts.get((brake.kind, brake.key))
            if burst is None:
                burst = Burst(brake.kind, brake.key, account.casefold(), client_key(client), 0, now, now, now)
                self._bursts[(brake.kind, brake.key)] = burst
            burst.count += 1
            burst.last = now
            burst.until = max(burst.until, now + brake.seconds)

    def ended_bursts(self, *, everything: bool = False) -> list[Burst]:
        """Bursts whose wait ran out (or that lasted `burst_max`), removed from the throttle."""
        now = self.clock()
        with self._lock:
            done = [
                k for k, b in self._bursts.items() if everything or now >= b.until or now - b.started >= self.burst_max
            ]
            return [self._bursts.pop(k) for k in done]
