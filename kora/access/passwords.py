"""Local passwords: the rules a new password must meet, argon2id hashing, and verification.

Why argon2 (argon2-cffi's `PasswordHasher`): a well-kept library with current recommended
parameters and `check_needs_rehash`, so stored hashes follow the library when it raises its costs.
Verification of an unknown user costs one argon2 check too, so timing does not reveal names.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kora.errors import KoraError

MIN_PASSWORD = 10


def hasher() -> Any:
    """argon2id with the library's current recommended parameters (imported lazily: CLI start-up)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KoraError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD} Zeichen.")
    if password.strip() != password:
        raise KoraError("Das Passwort darf nicht mit Leerzeichen beginnen oder enden.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return str(hasher().hash(password))


def checked_hash(stored: str) -> str:
    """A hash made elsewhere (the CLI hashes before it hands a password to the running dashboard,
    kora.access.account_orders): accepted only when argon2id can read it, never as clear text."""
    from argon2.exceptions import InvalidHashError

    if not isinstance(stored, str) or not stored.startswith("$argon2id$") or len(stored) > 512:
        raise KoraError("Der übergebene Passwort-Hash ist kein argon2id-Hash. Nichts geändert.")
    try:
        hasher().check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        raise KoraError("Der übergebene Passwort-Hash ist beschädigt. Nichts geändert.") from None
    return stored


def stored_hash(password: str | None, prehashed: str | None) -> str | None:
    """What to store: the hash of a clear-text password (rules checked), else a checked CLI-made hash, else None."""
    if password is not None:
        return hash_password(password)
    return checked_hash(prehashed) if prehashed is not None else None


_DUMMY_HASH: list[str] = []


def verify_password(stored: str | None, password: str) -> bool:
    """Constant-ish time: an unknown user costs one argon2 verification too."""
    from argon2.exceptions import InvalidHashError, VerificationError

    argon = hasher()
    if not stored:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(argon.hash("kein-konto-vorhanden"))
        stored, password = _DUMMY_HASH[0], password + "\x00"
        with contextlib.suppress(VerificationError, InvalidHashError):
            argon.verify(stored, password)
        return False
    try:
        return bool(argon.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the library's parameters have moved on since `stored` was hashed."""
    return bool(hasher().check_needs_rehash(stored))
