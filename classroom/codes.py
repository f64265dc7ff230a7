"""Room codes, teacher keys and learner tokens: what is said aloud, what is kept secret.

A room code is read aloud in a classroom and typed from a projector, so its alphabet drops
the characters people mix up (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V). It is not a secret
(the learner link holds it), but it must not be guessable: 9 characters of 25 give 25**9,
over 2**41 codes. The teacher key and the learner token are secrets; only their SHA-256 is
stored, and a key is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ACDEFHJKMNPQRTWXY"
LENGTH = 9
GROUP = 3  # shown as K7Q-M3X-P9W
KEY_BYTES = 24  # teacher key: 192 random bits
TOKEN_BYTES = 16  # learner token: 128 random bits


def new_room_code() -> str:
    """The canonical form: LENGTH characters of ALPHABET, no separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """K7QM3XP9W -> K7Q-M3X-P9W, the form printed and read aloud."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def canonical(typed: str) -> str | None:
    """What a person typed -> the canonical code, or None if it cannot be one.

    Case, dashes and spaces are forgiven; a character outside the alphabet is not guessed at.
    """
    code = "".join(str(typed).split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_secret(n_bytes: int) -> str:
    """URL-safe random text that never starts with "-" (a terminal would read it as a flag)."""
    while (secret := secrets.token_urlsafe(n_bytes)).startswith("-"):
        pass
    return secret


def digest(secret: str) -> str:
    """SHA-256 hex: the secrets are long and random, so no salt or slow hash is needed."""
    return hashlib.sha256(str(secret).encode("utf-8", "surrogatepass")).hexdigest()


def same_secret(given: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(given), stored_digest)
