"""Clerks' signing keys (Ed25519, from the ``cryptography`` package).

A clerk makes one key, kept in the profile folder (:mod:`orgmodel.core.profile`, ``keys/``),
readable by that user alone; its public half is registered in the database as a record
(``登记公钥``), and its fingerprint is printed for the office's paper file. Every batch
written after the first registration is signed: the signature covers the batch's number,
its first and last record, and the hash of its last record, which chains every record
before it (:mod:`orgmodel.store.trust` checks them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..core.profile import profile_dir, write_private

KEY_FILE = "clerk.key"
INFO_FILE = "clerk.json"


class ClerkKeyError(Exception):
    """The clerk's key cannot be made or read (a Chinese message says why)."""


def key_dir() -> Path:
    return profile_dir() / "keys"


def fingerprint(public_hex: str) -> str:
    """What goes on paper: 32 hex digits of the public key's SHA-256, in groups of four."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def parse_public(text: str) -> str | None:
    """A public key as written (64 hex digits, spaces allowed) in canonical form, or None."""
    hexed = "".join(str(text).split()).lower()
    if len(hexed) != 64 or any(c not in "0123456789abcdef" for c in hexed):
        return None
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        Ed25519PublicKey.from_public_bytes(bytes.fromhex(hexed))
    except ValueError:
        return None
    return hexed


@dataclass(frozen=True)
class ClerkKey:
    """The clerk's own key, from the profile folder."""

    name: str
    public: str  # 64 hex digits
    private: object  # Ed25519PrivateKey

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)


def verify_signature(public_hex: str, message: bytes, signature_hex: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def new_key(name: str) -> ClerkKey:
    """Make the clerk's key in the profile folder; ClerkKeyError if there is one already (a key is
    never replaced: batches signed with it would lose their signer)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = key_dir()
    if (folder / KEY_FILE).exists():
        raise ClerkKeyError(f"本机已有您的签名密钥({folder / KEY_FILE});一人一把,不会覆盖。查看请用 orgmodel key show")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    info = {"name": name, "public_key": public, "created": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    try:
        write_private(folder / KEY_FILE, pem, exclusive=True)
        write_private(folder / INFO_FILE, json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8"))
    except FileExistsError as exc:
        raise ClerkKeyError(f"本机已有您的签名密钥({folder / KEY_FILE});一人一把,不会覆盖") from exc
    except OSError as exc:
        raise ClerkKeyError(f"无法在 {folder} 中保存签名密钥({exc.strerror or exc})") from exc
    return ClerkKey(name, public, private)


def own_key() -> ClerkKey | None:
    """The clerk's key from the profile folder, or None when there is none. ClerkKeyError when
    it is there but cannot be read."""
    from cryptography.hazmat.primitives import serialization

    folder = key_dir()
    if not (folder / KEY_FILE).exists():
        return None
    try:
        private = serialization.load_pem_private_key((folder / KEY_FILE).read_bytes(), password=None)
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    except (OSError, ValueError, TypeError) as exc:
        raise ClerkKeyError(f"签名密钥 {folder / KEY_FILE} 无法读取(文件损坏或不是 orgmodel 的密钥)") from exc
    if info.get("public_key") != public:
        raise ClerkKeyError(f"签名密钥 {folder / KEY_FILE} 与 {folder / INFO_FILE} 不一致;请勿手工改动密钥文件夹")
    return ClerkKey(str(info.get("name") or ""), public, private)
