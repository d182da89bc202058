"""Encryption at rest: the one module of baomat that knows ciphertext exists.

Key hierarchy (docs/decisions/001-key-storage-and-crypto-shredding.md):

- a master key, from ``keys/master.key`` or ``BAOMAT_MASTER_KEY``, wraps
- one random data key per subject (AES-256-GCM), kept wrapped in the key store;
- the data key encrypts each of the subject's field values (AES-256-GCM), the
  associated data binding tenant, subject and field so a ciphertext moved
  anywhere else fails to decrypt, and each attached file (bound to its
  attachment id and media type as well, docs/decisions/006-attachments.md);
- a separate index key makes the blind index: HMAC-SHA256 of a normalised value.

Deleting a subject's wrapped data key makes every value of that subject
unreadable (crypto-shredding). Keys never come from the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from hashlib import _Hash

MASTER_KEY_ENV = "BAOMAT_MASTER_KEY"
INDEX_KEY_ENV = "BAOMAT_INDEX_KEY"
MASTER_KEY_FILE = "master.key"
NEXT_MASTER_KEY_FILE = "master.key.next"
INDEX_KEY_FILE = "index.key"

KEY_BYTES = 32
_VERSION = b"\x01"
_KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_TAG_BYTES = 16
_WRAPPED_BYTES = 1 + _KEY_ID_BYTES + _NONCE_BYTES + KEY_BYTES + _TAG_BYTES
_FIELD_HEADER = 1 + _NONCE_BYTES

# Labels keep the three uses of keys apart even if a key were ever reused by mistake.
_WRAP_LABEL = b"baomat/v1/data-key"
_FIELD_LABEL = b"baomat/v1/field"
_INDEX_LABEL = b"baomat/v1/blind-index"
_FILE_LABEL = b"baomat/v1/attachment"


class CryptoError(Exception):
    """Base of every error of this module; no message ever holds a key or a plaintext."""


class KeyFormatError(CryptoError):
    """A key's text or length is wrong."""


class KeyMissing(CryptoError):
    """No key where one is needed."""


class KeyFileExists(CryptoError):
    """A key file would be overwritten."""


class DecryptionFailed(CryptoError):
    """A ciphertext was altered, moved to another place, or is under another key."""


class WrongMasterKey(DecryptionFailed):
    """The wrapped data key names a master key other than the one(s) given."""

    def __init__(self, expected: str, given: str) -> None:
        self.expected = expected
        self.given = given
        super().__init__(
            "the master key does not match the one that wrapped the data keys "
            f"(key id {expected} expected, {given} given)"
        )


def _lp(*parts: str) -> bytes:
    """Length-prefixed UTF-8 parts, so ("ab", "c") and ("a", "bc") never encode alike."""
    out = bytearray()
    for part in parts:
        data = part.encode()
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


# --- keys ---------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class _Key:
    key: bytes = field(repr=False)

    _LABEL: ClassVar[bytes]
    _NAME: ClassVar[str]

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) != KEY_BYTES:
            raise KeyFormatError(f"a {self._NAME} is {KEY_BYTES} bytes")

    @classmethod
    def generate(cls) -> Self:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_text(cls, text: str, source: str = "the given text") -> Self:
        """URL-safe base64 of 32 bytes (as `to_text` writes), surrounding whitespace ignored."""
        data = text.strip()
        try:
            key = base64.b64decode(data + "=" * (-len(data) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            raise KeyFormatError(
                f"the {cls._NAME} in {source} is not URL-safe base64 text"
            ) from None
        if len(key) != KEY_BYTES:
            raise KeyFormatError(
                f"the {cls._NAME} in {source} decodes to {len(key)} bytes, {KEY_BYTES} expected"
            )
        return cls(key)

    def to_text(self) -> str:
        return base64.urlsafe_b64encode(self.key).decode("ascii")

    @cached_property
    def key_id(self) -> str:
        """Names the key without revealing it, so a mismatch can be reported plainly."""
        return hmac.digest(self.key, self._LABEL, "sha256")[:_KEY_ID_BYTES].hex()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key_id={self.key_id!r})"


class MasterKey(_Key):
    """Wraps the per-subject data keys; never stored in the database."""

    _LABEL = b"baomat master key id"
    _NAME = "master key"

    @cached_property
    def _aead(self) -> AESGCM:
        return AESGCM(self.key)

    @cached_property
    def _wrap_header(self) -> bytes:
        return _VERSION + bytes.fromhex(self.key_id)


class IndexKey(_Key):
    """Keys the blind index; separate from the master key so each can be rotated alone."""

    _LABEL = b"baomat index key id"
    _NAME = "index key"


# --- key files ----------------------------------------------------------------

K = TypeVar("K", bound=_Key)


def load_master_keys(home: Path, env: Mapping[str, str]) -> list[MasterKey]:
    """The candidate master keys, oldest first.

    ``BAOMAT_MASTER_KEY`` (when set and not blank) wins and the files are not
    read; otherwise ``home/keys/master.key`` and, while a rotation is under
    way, ``home/keys/master.key.next``.
    """
    if env.get(MASTER_KEY_ENV, "").strip():
        return [MasterKey.from_text(env[MASTER_KEY_ENV], f"environment variable {MASTER_KEY_ENV}")]
    folder = home / "keys"
    keys = [_read_key_file(MasterKey, folder / MASTER_KEY_FILE, MASTER_KEY_ENV)]
    if (folder / NEXT_MASTER_KEY_FILE).exists():
        keys.append(_read_key_file(MasterKey, folder / NEXT_MASTER_KEY_FILE, MASTER_KEY_ENV))
    return keys


def load_index_key(home: Path, env: Mapping[str, str]) -> IndexKey:
    """``BAOMAT_INDEX_KEY`` when set and not blank, else ``home/keys/index.key``."""
    if env.get(INDEX_KEY_ENV, "").strip():
        return IndexKey.from_text(env[INDEX_KEY_ENV], f"environment variable {INDEX_KEY_ENV}")
    return _read_key_file(IndexKey, home / "keys" / INDEX_KEY_FILE, INDEX_KEY_ENV)


def create_key_files(home: Path) -> None:
    """Write new master and index keys (0600 files in a 0700 folder); overwrite nothing."""
    folder = home / "keys"
    existing = [
        str(path)
        for path in (
            folder / MASTER_KEY_FILE,
            folder / NEXT_MASTER_KEY_FILE,
            folder / INDEX_KEY_FILE,
        )
        if path.exists()
    ]
    if existing:
        raise KeyFileExists(
            f"refusing to overwrite {', '.join(existing)}: stored data may be readable "
            "only with the keys already there"
        )
    written: list[Path] = []
    try:
        for path, key in (
            (folder / MASTER_KEY_FILE, MasterKey.generate()),
            (folder / INDEX_KEY_FILE, IndexKey.generate()),
        ):
            _write_key_file(path, key)
            written.append(path)
    except BaseException:
        for path in written:  # all or nothing: never leave a master key without an index key
            path.unlink(missing_ok=True)
        raise


def write_master_key(home: Path, key: MasterKey, *, next_: bool = False) -> None:
    """Write ``keys/master.key`` (or ``master.key.next`` to start a rotation); overwrite nothing."""
    name = NEXT_MASTER_KEY_FILE if next_ else MASTER_KEY_FILE
    _write_key_file(home / "keys" / name, key)


def promote_next_master_key(home: Path) -> None:
    """End a rotation: ``master.key.next`` becomes ``master.key`` and the old key is destroyed.

    Call only once no data key is wrapped under the old key any more: after
    this nothing here can unwrap them, including those in older backups (that
    is the point, see decision 001). Overwriting the old file is best effort:
    journaling and copy-on-write file systems and SSDs may keep old blocks.
    """
    folder = home / "keys"
    current, nxt = folder / MASTER_KEY_FILE, folder / NEXT_MASTER_KEY_FILE
    if not nxt.exists():
        raise KeyMissing(f"no master key rotation is under way ({nxt} does not exist)")
    if not current.exists():
        os.replace(nxt, current)
        return
    with current.open("r+b") as old:
        os.replace(nxt, current)  # atomic: master.key is always one whole key
        old.write(os.urandom(os.fstat(old.fileno()).st_size))  # the unlinked old key, via its fd
        old.flush()
        os.fsync(old.fileno())


def _read_key_file(kind: type[K], path: Path, env_name: str) -> K:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyMissing(
            f"no {kind._NAME}: {path} does not exist and the environment variable "
            f"{env_name} is not set. Restore the key used for the stored data, or create "
            "new key files if there is no stored data yet."
        ) from None
    except OSError as exc:
        raise KeyMissing(f"cannot read the {kind._NAME} file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFormatError(f"the {kind._NAME} in {path} is not URL-safe base64 text") from None
    return kind.from_text(text, str(path))


def _write_key_file(path: Path, key: _Key) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileExists(f"refusing to overwrite {path}") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            os.fchmod(fd, 0o600)  # the umask may only remove bits, but be explicit
            out.write(key.to_text() + "\n")
            out.flush()
            os.fsync(fd)
    except BaseException:
        path.unlink(missing_ok=True)  # a half-written key file would pass for a key
        raise


# --- data keys ----------------------------------------------------------------


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def wrap_data_key(master: MasterKey, data_key: bytes, tenant: str, subject: str) -> bytes:
    """version (1) + master key id (8) + nonce (12) + AES-GCM(data key) (48) = 69 bytes."""
    if len(data_key) != KEY_BYTES:
        raise KeyFormatError(f"a data key is {KEY_BYTES} bytes")
    header = master._wrap_header
    nonce = os.urandom(_NONCE_BYTES)
    ad = header + _WRAP_LABEL + _lp(tenant, subject)
    return header + nonce + master._aead.encrypt(nonce, data_key, ad)


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the master key that wrapped this data key."""
    if len(wrapped) != _WRAPPED_BYTES or wrapped[:1] != _VERSION:
        raise DecryptionFailed("a wrapped data key is malformed or of an unknown format version")
    return wrapped[1 : 1 + _KEY_ID_BYTES].hex()


def unwrap_data_key(master: MasterKey, wrapped: bytes, tenant: str, subject: str) -> bytes:
    key_id = wrapped_key_id(wrapped)
    if key_id != master.key_id:
        raise WrongMasterKey(expected=key_id, given=master.key_id)
    header, rest = wrapped[: 1 + _KEY_ID_BYTES], wrapped[1 + _KEY_ID_BYTES :]
    ad = header + _WRAP_LABEL + _lp(tenant, subject)
    try:
        return master._aead.decrypt(rest[:_NONCE_BYTES], rest[_NONCE_BYTES:], ad)
    except InvalidTag:
        raise DecryptionFailed(
            "a wrapped data key was altered or belongs to another subject or tenant"
        ) from None


def rewrap(
    old_master: MasterKey, new_master: MasterKey, wrapped: bytes, tenant: str, subject: str
) -> bytes:
    """Rotation: the data key moves to the new master key; field ciphertexts stay as they are."""
    data_key = unwrap_data_key(old_master, wrapped, tenant, subject)
    return wrap_data_key(new_master, data_key, tenant, subject)


# --- field values -------------------------------------------------------------


class SubjectCipher:
    """Encrypts one subject's field values: version (1) + nonce (12) + ciphertext and tag.

    Its attached files too (`seal_file`), in the same format under another label.
    """

    __slots__ = ("_ads", "_aead", "_owner", "_prefix")

    def __init__(self, data_key: bytes, tenant: str, subject: str) -> None:
        if len(data_key) != KEY_BYTES:
            raise KeyFormatError(f"a data key is {KEY_BYTES} bytes")
        self._aead = AESGCM(data_key)
        self._owner = _lp(tenant, subject)
        self._prefix = _FIELD_LABEL + self._owner
        self._ads: dict[str, bytes] = {}

    def _ad(self, field: str) -> bytes:
        ad = self._ads.get(field)
        if ad is None:
            ad = self._ads[field] = self._prefix + _lp(field)
        return ad

    def encrypt(self, field: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, self._ad(field))

    def decrypt(self, field: str, blob: bytes) -> bytes:
        if len(blob) < _FIELD_HEADER + _TAG_BYTES or blob[:1] != _VERSION:
            raise DecryptionFailed(
                f"the value of field {field!r} is malformed or of an unknown format version"
            )
        try:
            return self._aead.decrypt(blob[1:_FIELD_HEADER], blob[_FIELD_HEADER:], self._ad(field))
        except InvalidTag:
            raise DecryptionFailed(
                f"the value of field {field!r} could not be decrypted: it was altered, "
                "belongs to another subject, field or tenant, or its data key is not this one"
            ) from None

    def seal_file(self, field: str, attachment: str, media_type: str, content: bytes) -> bytes:
        """An attached file; the associated data binds tenant, subject, field, attachment id
        and media type, so a file moved to another row or relabelled does not open."""
        nonce = os.urandom(_NONCE_BYTES)
        ad = self._file_ad(field, attachment, media_type)
        return _VERSION + nonce + self._aead.encrypt(nonce, content, ad)

    def open_file(self, field: str, attachment: str, media_type: str, blob: bytes) -> bytes:
        if len(blob) < _FIELD_HEADER + _TAG_BYTES or blob[:1] != _VERSION:
            raise DecryptionFailed(
                f"attachment {attachment!r} is malformed or of an unknown format version"
            )
        ad = self._file_ad(field, attachment, media_type)
        try:
            return self._aead.decrypt(blob[1:_FIELD_HEADER], blob[_FIELD_HEADER:], ad)
        except InvalidTag:
            raise DecryptionFailed(
                f"attachment {attachment!r} could not be decrypted: it was altered, moved "
                "to another subject, field or tenant, or its data key is not this one"
            ) from None

    def _file_ad(self, field: str, attachment: str, media_type: str) -> bytes:
        return _FILE_LABEL + self._owner + _lp(field, attachment, media_type)

    def __repr__(self) -> str:
        return "SubjectCipher(<data key hidden>)"


# --- blind index --------------------------------------------------------------


class BlindIndex:
    """HMAC-SHA256(index key, label, tenant, field, value), 32 bytes, for equality lookups.

    Computed as RFC 2104 spells HMAC out, with the inner hash after the label,
    tenant and field kept per (tenant, field): about twice as fast in bulk as
    `hmac.new` per call, and equal to it (a test pins that).
    """

    def __init__(self, index_key: IndexKey) -> None:
        block = index_key.key.ljust(hashlib.sha256().block_size, b"\0")
        self.key_id = index_key.key_id
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + _INDEX_LABEL)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._prefixes: dict[tuple[str, str], _Hash] = {}

    def digest(self, tenant: str, field: str, normalised_value: str) -> bytes:
        prefix = self._prefixes.get((tenant, field))
        if prefix is None:
            prefix = self._inner.copy()
            prefix.update(_lp(tenant, field))
            self._prefixes[(tenant, field)] = prefix
        value = normalised_value.encode()
        inner = prefix.copy()
        inner.update(len(value).to_bytes(4, "big") + value)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def __repr__(self) -> str:
        return f"BlindIndex(key_id={self.key_id!r})"
