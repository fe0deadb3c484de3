"""The cryptography of a bundle file (.lfx, issue 17): a key from the passphrase (scrypt, core.crypto.password_key,
its n/r/p and salt kept in the manifest), each part AES-256-GCM with a random nonce and `bundle_id/part name` as
associated data (a part cannot be moved to another name or bundle), the `seal` part (the SHA-256 of manifest.json,
sealed: a changed manifest is found), and the file tag in the zip comment: HMAC-SHA256 of every byte before it
(encrypted) or its SHA-256 (plain), so one changed byte anywhere in the file, zip headers included, is found.

Qt-free and store-free.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from typing import IO, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import crypto

SCHEME = "aes-256-gcm/scrypt"
SEAL = "seal"
TAG_PREFIX = b"lfx1:"
TAG_LEN = len(TAG_PREFIX) + 64            # the zip comment: prefix + 64 hex digits
PLACEHOLDER = TAG_PREFIX + b"0" * 64
# what a manifest may ask of the reader's memory and time (n=2**20, r=8: 1 GiB would be too much)
MIN_N, MAX_N, MAX_R, MAX_P = 2**10, 2**17, 16, 4
HASH_CHUNK = 256 * 1024           # the file tag is computed over the whole file, this much at a time


class BadKey(ValueError):
    """A part or the seal that does not open with this key (wrong passphrase, or a changed byte)."""


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def new_params() -> dict[str, Any]:
    """The manifest's `encryption` for a new bundle: a fresh salt, the scrypt parameters in force now."""
    return {"scheme": SCHEME, "salt": crypto.b64(crypto.new_salt()),
            "n": crypto.SCRYPT_N, "r": crypto.SCRYPT_R, "p": crypto.SCRYPT_P}


def params_problem(params: object) -> str | None:
    """Why a manifest's `encryption` cannot be used (unknown scheme, a salt or parameters out of bounds), or None."""
    if not isinstance(params, dict) or params.get("scheme") != SCHEME:
        return "加密方式未知"
    n, r, p = params.get("n"), params.get("r"), params.get("p")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
        return "加密参数无效"
    assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
    if not (MIN_N <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
        return "加密参数超出范围"
    try:
        salt = crypto.unb64(str(params.get("salt")))
    except ValueError:
        return "加密参数无效"
    if len(salt) != crypto.SALT_BYTES:
        return "加密参数无效"
    check = params.get("check")
    if not isinstance(check, str) or len(check) != 32:
        return "加密参数无效"
    return None


def derive(passphrase: str, params: dict[str, Any]) -> bytes:
    return crypto.password_key(passphrase, crypto.unb64(params["salt"]), n=params["n"], r=params["r"],
                               p=params["p"])


def check_value(key: bytes) -> str:
    """Kept in the manifest: tells a wrong passphrase from a damaged seal (it says nothing about the key)."""
    return crypto.sub_key(key, "bundle/check").hex()[:32]


def key_matches(key: bytes, params: dict[str, Any]) -> bool:
    return hmac.compare_digest(check_value(key), str(params.get("check", "")))


def _aad(bundle_id: str, name: str) -> bytes:
    return f"{bundle_id}/{name}".encode()


def seal_part(key: bytes, bundle_id: str, name: str, data: bytes) -> bytes:
    """nonce ‖ AES-256-GCM(data) bound to this bundle and part name."""
    nonce = os.urandom(crypto.NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, _aad(bundle_id, name))


def open_part(key: bytes, bundle_id: str, name: str, blob: bytes) -> bytes:
    if len(blob) < crypto.NONCE_BYTES + 16:
        raise BadKey(name)
    try:
        return AESGCM(key).decrypt(blob[:crypto.NONCE_BYTES], blob[crypto.NONCE_BYTES:], _aad(bundle_id, name))
    except InvalidTag:
        raise BadKey(name) from None


def manifest_seal(key: bytes, bundle_id: str, manifest: bytes) -> bytes:
    return seal_part(key, bundle_id, SEAL, hashlib.sha256(manifest).digest())


def seal_matches(key: bytes, bundle_id: str, manifest: bytes, blob: bytes) -> bool:
    """True when the seal opens and holds this manifest's digest; BadKey when it does not open."""
    return hmac.compare_digest(open_part(key, bundle_id, SEAL, blob), hashlib.sha256(manifest).digest())


def file_hasher(key: bytes | None) -> Hasher:
    """What the zip comment's tag is made with: keyed for an encrypted bundle (a change cannot be re-tagged without
    the passphrase), a plain SHA-256 otherwise (finds damage, not a deliberate change)."""
    if key is None:
        return hashlib.sha256()
    return hmac.new(crypto.sub_key(key, "bundle/file"), digestmod=hashlib.sha256)


def tag(hasher: Hasher) -> bytes:
    return TAG_PREFIX + hasher.hexdigest().encode("ascii")


def hash_range(stream: IO[bytes], end: int, hasher: Hasher) -> None:
    """Feed bytes [0, end) of the file to `hasher`, HASH_CHUNK at a time."""
    stream.seek(0)
    left = end
    while left > 0:
        chunk = stream.read(min(HASH_CHUNK, left))
        if not chunk:
            break
        hasher.update(chunk)
        left -= len(chunk)
