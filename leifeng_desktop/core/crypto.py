"""The cryptography behind the encrypted sensitive fields (issue 19): AES-256-GCM for values and wrapped keys, scrypt
for a key from the office's password, HMAC for lookups (equality, last digits) that never need the plain value.

Qt-free and store-free: core.vault decides which key is used where. A stored value is `enc1:<base64(nonce‖ct)>`; the
associated data binds it to its place (table.column), so a value copied into another column does not decrypt.
"""
from __future__ import annotations

import base64
import hmac
import os
import re
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

PREFIX = "enc1:"
KEY_BYTES, NONCE_BYTES, SALT_BYTES = 32, 12, 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
RECOVERY_GROUPS, RECOVERY_GROUP_LEN = 8, 5          # 40 base32 characters: 200 bits
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_NOT_DIGIT = re.compile(r"\D")
_SEPARATORS = str.maketrans("", "", " -\t")   # what normal_lookup drops


class DecryptError(ValueError):
    """A value or wrapped key that does not open with this key (wrong key, other place, damaged text)."""


class Sealed(str):
    """A sensitive value that could not be decrypted (no key): it reads as 已加密 and is never written back."""
    __slots__ = ()


LOCKED = Sealed("已加密")


def is_locked(value: object) -> bool:
    return isinstance(value, Sealed) or value == LOCKED


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def cipher(key: bytes) -> AESGCM:
    """The AES-256-GCM object of a key: its holder makes it once to seal or open many values (core.sealed: a
    city's 150,000 values each made one, a third of their encryption)."""
    return AESGCM(key)


def seal(key: bytes | AESGCM, plain: bytes, place: str) -> str:
    """AES-256-GCM with a random nonce; `place` (table.column, or a vault entry's name) is the associated data.
    `key`: the key's bytes, or its `cipher`."""
    nonce = os.urandom(NONCE_BYTES)
    body = (key if isinstance(key, AESGCM) else AESGCM(key)).encrypt(nonce, plain, place.encode())
    return PREFIX + base64.b64encode(nonce + body).decode("ascii")


def open_sealed(key: bytes | AESGCM, token: str, place: str) -> bytes:
    """The plain bytes of `seal`'s output; DecryptError when the key or the place is not the one it was sealed with."""
    if not is_encrypted(token):
        raise DecryptError("not an encrypted value")
    try:
        raw = base64.b64decode(token[len(PREFIX):], validate=True)
        aead = key if isinstance(key, AESGCM) else AESGCM(key)
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], place.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptError("value does not decrypt with this key") from exc


def encrypt(key: bytes | AESGCM, value: str, place: str) -> str:
    return seal(key, value.encode("utf-8"), place)


def decrypt(key: bytes | AESGCM, token: str, place: str) -> str:
    return open_sealed(key, token, place).decode("utf-8")


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def password_key(password: str, salt: bytes, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> bytes:
    """The key-encrypting key from a password (scrypt; the text NFC-normalised so an IME's form does not matter)."""
    text = unicodedata.normalize("NFC", password).encode("utf-8")
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(text)


def new_recovery_key() -> str:
    """8 groups of 5 base32 characters (A–Z, 2–7), to print and keep: 200 random bits."""
    chars = "".join(_B32[b % 32] for b in os.urandom(RECOVERY_GROUPS * RECOVERY_GROUP_LEN))
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN] for i in range(0, len(chars), RECOVERY_GROUP_LEN))


def normal_recovery_key(text: str) -> str:
    """The recovery key as typed (any case, spaces or dashes, 0/1 for O/I) in its one form; '' when it cannot be one."""
    folded = "".join(ch for ch in text.upper() if ch not in " -\t\n").replace("0", "O").replace("1", "I")
    if len(folded) != RECOVERY_GROUPS * RECOVERY_GROUP_LEN or any(ch not in _B32 for ch in folded):
        return ""
    return folded


def recovery_wrapping_key(recovery_key: str, salt: bytes) -> bytes:
    """The key-encrypting key from a recovery key (200 random bits need no slow hash; HMAC-SHA256 with the salt)."""
    return hmac.digest(salt, normal_recovery_key(recovery_key).encode("ascii"), "sha256")


def sub_key(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose derived from the data key (lookups, the key check), never the data key itself."""
    return hmac.digest(data_key, f"leifeng/{purpose}".encode(), "sha256")


def lookup_hash(key: bytes, place: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value at its place: equal values give equal hashes, without the value on disk."""
    return hmac.digest(key, f"{place}\x00{value}".encode(), "sha256").hex()   # hmac.new's, without its object


def normal_lookup(value: str) -> str:
    """A number as compared for duplicates: no spaces or dashes, upper case (the X of a 身份证号)."""
    return str(value).translate(_SEPARATORS).upper()


def last_digits(value: str, n: int = 4) -> str:
    """The last n digits of a number (phones, IDs, bank cards) for search by tail; '' when it has fewer."""
    digits = _NOT_DIGIT.sub("", str(value))
    return digits[-n:] if len(digits) >= n else ""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
