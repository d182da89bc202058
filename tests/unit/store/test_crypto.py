"""Encryption at rest: field values, wrapped data keys, the blind index and key files."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from faker import Faker

from baomat.store.crypto import (
    BlindIndex,
    CryptoError,
    DecryptionFailed,
    IndexKey,
    KeyFileExists,
    KeyFormatError,
    KeyMissing,
    MasterKey,
    SubjectCipher,
    WrongMasterKey,
    create_key_files,
    load_index_key,
    load_master_keys,
    new_data_key,
    promote_next_master_key,
    rewrap,
    unwrap_data_key,
    wrap_data_key,
    wrapped_key_id,
    write_master_key,
)

TENANT = "nha_thuoc_an_khang"
SUBJECT = "s-0001"


def _vietnamese_texts() -> list[str]:
    fake = Faker("vi_VN")
    fake.seed_instance(84)
    return [fake.name() for _ in range(3)] + [fake.address() for _ in range(3)]


@pytest.fixture
def master() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture
def cipher() -> SubjectCipher:
    return SubjectCipher(new_data_key(), TENANT, SUBJECT)


# --- field values -----------------------------------------------------------------


@pytest.mark.parametrize(
    "plaintext",
    [b"", b"x", b"\x00" * 3, os.urandom(5000)] + [t.encode() for t in _vietnamese_texts()],
)
def test_a_value_round_trips_through_its_subject_cipher(
    cipher: SubjectCipher, plaintext: bytes
) -> None:
    blob = cipher.encrypt("full_name", plaintext)

    assert cipher.decrypt("full_name", blob) == plaintext
    assert len(plaintext) < 8 or plaintext not in blob  # shorter ones occur in random bytes


def test_a_field_blob_is_version_nonce_ciphertext_and_tag(cipher: SubjectCipher) -> None:
    blob = cipher.encrypt("email", b"an@example.vn")

    assert blob[0] == 1
    assert len(blob) == 1 + 12 + len(b"an@example.vn") + 16


def test_the_same_value_encrypts_differently_each_time(cipher: SubjectCipher) -> None:
    assert cipher.encrypt("email", b"an@example.vn") != cipher.encrypt("email", b"an@example.vn")


def test_a_cipher_for_the_same_key_and_place_reads_what_another_wrote() -> None:
    data_key = new_data_key()
    blob = SubjectCipher(data_key, TENANT, SUBJECT).encrypt("phone", b"+84974063482")

    assert SubjectCipher(data_key, TENANT, SUBJECT).decrypt("phone", blob) == b"+84974063482"


@pytest.mark.parametrize(
    ("tenant", "subject", "field"),
    [
        ("other_tenant", SUBJECT, "email"),
        (TENANT, "s-0002", "email"),
        (TENANT, SUBJECT, "phone"),
    ],
    ids=["tenant", "subject", "field"],
)
def test_a_value_moved_to_another_tenant_subject_or_field_fails_to_decrypt(
    tenant: str, subject: str, field: str
) -> None:
    data_key = new_data_key()
    blob = SubjectCipher(data_key, TENANT, SUBJECT).encrypt("email", b"an@example.vn")

    with pytest.raises(DecryptionFailed):
        SubjectCipher(data_key, tenant, subject).decrypt(field, blob)


def test_associated_data_tells_apart_names_that_concatenate_alike() -> None:
    data_key = new_data_key()
    blob = SubjectCipher(data_key, "ab", "c").encrypt("f", b"v")

    with pytest.raises(DecryptionFailed):
        SubjectCipher(data_key, "a", "bc").decrypt("f", blob)
    with pytest.raises(DecryptionFailed):
        SubjectCipher(data_key, "ab", "").decrypt("cf", blob)


@pytest.mark.parametrize("position", [0, 1, 6, 12, 13, 14, 20, -16, -1])
def test_a_tampered_value_raises_decryption_failed_never_invalid_tag(
    cipher: SubjectCipher, position: int
) -> None:
    blob = bytearray(cipher.encrypt("full_name", b"Nguyen Van An"))
    blob[position] ^= 0x01

    with pytest.raises(DecryptionFailed) as caught:
        cipher.decrypt("full_name", bytes(blob))
    assert not isinstance(caught.value, InvalidTag)
    assert caught.value.__context__ is None or caught.value.__suppress_context__


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01" + bytes(27), b"\x02" + bytes(40)])
def test_a_truncated_or_unknown_version_value_raises_decryption_failed(
    cipher: SubjectCipher, blob: bytes
) -> None:
    with pytest.raises(DecryptionFailed):
        cipher.decrypt("full_name", blob)


# --- attached files ---------------------------------------------------------------


def test_a_file_round_trips_and_opens_only_where_it_was_sealed(cipher: SubjectCipher) -> None:
    content = b"%PDF-1.4 so do " + os.urandom(64)
    blob = cipher.seal_file("legal_documents", "a1", "application/pdf", content)

    assert cipher.open_file("legal_documents", "a1", "application/pdf", blob) == content
    assert content not in blob
    for place in (
        ("legal_documents", "a2", "application/pdf"),  # another attachment
        ("id_scan", "a1", "application/pdf"),  # another field
        ("legal_documents", "a1", "image/png"),  # relabelled
    ):
        with pytest.raises(DecryptionFailed):
            cipher.open_file(*place, blob)
    elsewhere = SubjectCipher(new_data_key(), TENANT, "s-0002")
    with pytest.raises(DecryptionFailed):
        elsewhere.open_file("legal_documents", "a1", "application/pdf", blob)


def test_a_file_never_opens_as_a_field_value_nor_a_value_as_a_file(cipher: SubjectCipher) -> None:
    """Different labels: a sealed file copied into a field value's row does not decrypt."""
    as_file = cipher.seal_file("note", "x", "application/pdf", b"same bytes")
    as_value = cipher.encrypt("note", b"same bytes")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt("note", as_file)
    with pytest.raises(DecryptionFailed):
        cipher.open_file("note", "x", "application/pdf", as_value)


# --- wrapped data keys ------------------------------------------------------------


def test_a_data_key_round_trips_through_its_wrap(master: MasterKey) -> None:
    data_key = new_data_key()
    wrapped = wrap_data_key(master, data_key, TENANT, SUBJECT)

    assert len(wrapped) == 69
    assert wrapped[0] == 1
    assert wrapped[1:9].hex() == master.key_id == wrapped_key_id(wrapped)
    assert data_key not in wrapped
    assert unwrap_data_key(master, wrapped, TENANT, SUBJECT) == data_key


def test_new_data_keys_are_32_random_bytes() -> None:
    keys = {new_data_key() for _ in range(100)}

    assert len(keys) == 100
    assert {len(k) for k in keys} == {32}


def test_unwrapping_with_another_master_key_names_both_key_ids(master: MasterKey) -> None:
    other = MasterKey.generate()
    wrapped = wrap_data_key(master, new_data_key(), TENANT, SUBJECT)

    with pytest.raises(WrongMasterKey) as caught:
        unwrap_data_key(other, wrapped, TENANT, SUBJECT)

    assert str(caught.value) == (
        "the master key does not match the one that wrapped the data keys "
        f"(key id {master.key_id} expected, {other.key_id} given)"
    )
    assert (caught.value.expected, caught.value.given) == (master.key_id, other.key_id)
    assert isinstance(caught.value, DecryptionFailed)


@pytest.mark.parametrize(("tenant", "subject"), [("other", SUBJECT), (TENANT, "s-0002")])
def test_a_wrapped_key_moved_to_another_subject_or_tenant_fails(
    master: MasterKey, tenant: str, subject: str
) -> None:
    wrapped = wrap_data_key(master, new_data_key(), TENANT, SUBJECT)

    with pytest.raises(DecryptionFailed):
        unwrap_data_key(master, wrapped, tenant, subject)


@pytest.mark.parametrize("position", [9, 15, 21, 30, 52, 68])
def test_a_tampered_wrap_raises_decryption_failed(master: MasterKey, position: int) -> None:
    wrapped = bytearray(wrap_data_key(master, new_data_key(), TENANT, SUBJECT))
    wrapped[position] ^= 0x80

    with pytest.raises(DecryptionFailed) as caught:
        unwrap_data_key(master, bytes(wrapped), TENANT, SUBJECT)
    assert type(caught.value) is DecryptionFailed


def test_a_wrap_with_a_tampered_key_id_reads_as_another_master_key(master: MasterKey) -> None:
    wrapped = bytearray(wrap_data_key(master, new_data_key(), TENANT, SUBJECT))
    wrapped[3] ^= 0x01

    with pytest.raises(WrongMasterKey):
        unwrap_data_key(master, bytes(wrapped), TENANT, SUBJECT)


@pytest.mark.parametrize("wrapped", [b"", bytes(68), b"\x02" + bytes(68), bytes(70)])
def test_a_malformed_wrap_raises_decryption_failed(master: MasterKey, wrapped: bytes) -> None:
    with pytest.raises(DecryptionFailed):
        unwrap_data_key(master, wrapped, TENANT, SUBJECT)


def test_rewrap_keeps_every_value_readable_and_retires_the_old_master_key(
    master: MasterKey,
) -> None:
    new_master = MasterKey.generate()
    rows = {}
    for n in range(20):
        subject = f"s-{n:04d}"
        data_key = new_data_key()
        cipher = SubjectCipher(data_key, TENANT, subject)
        values = {"full_name": f"Nguyễn Văn {n}".encode(), "phone": b"+84974063482"}
        blobs = {f: cipher.encrypt(f, v) for f, v in values.items()}
        rows[subject] = (wrap_data_key(master, data_key, TENANT, subject), blobs, values)

    for subject, (wrapped, blobs, values) in rows.items():
        rewrapped = rewrap(master, new_master, wrapped, TENANT, subject)
        cipher = SubjectCipher(
            unwrap_data_key(new_master, rewrapped, TENANT, subject), TENANT, subject
        )

        assert {f: cipher.decrypt(f, b) for f, b in blobs.items()} == values
        assert wrapped_key_id(rewrapped) == new_master.key_id
        with pytest.raises(WrongMasterKey):
            unwrap_data_key(master, rewrapped, TENANT, subject)


def test_without_its_data_key_a_shredded_value_cannot_be_recovered(master: MasterKey) -> None:
    data_key = new_data_key()
    wrapped = wrap_data_key(master, data_key, TENANT, SUBJECT)
    blob = SubjectCipher(data_key, TENANT, SUBJECT).encrypt("email", b"an@example.vn")
    other_wrapped = wrap_data_key(master, new_data_key(), TENANT, "s-0002")
    del data_key, wrapped  # the store deletes the wrapped key: nothing else holds it

    with pytest.raises(DecryptionFailed):
        SubjectCipher(new_data_key(), TENANT, SUBJECT).decrypt("email", blob)
    with pytest.raises(DecryptionFailed):  # another subject's key is no way round it either
        other_key = unwrap_data_key(master, other_wrapped, TENANT, "s-0002")
        SubjectCipher(other_key, TENANT, SUBJECT).decrypt("email", blob)
    with pytest.raises(DecryptionFailed):  # nor is unwrapping a forged wrap for the subject
        unwrap_data_key(master, other_wrapped[:9] + os.urandom(60), TENANT, SUBJECT)


@pytest.mark.parametrize("length", [0, 16, 31, 33])
def test_a_data_key_of_the_wrong_length_is_refused(master: MasterKey, length: int) -> None:
    with pytest.raises(KeyFormatError):
        SubjectCipher(bytes(length), TENANT, SUBJECT)
    with pytest.raises(KeyFormatError):
        wrap_data_key(master, bytes(length), TENANT, SUBJECT)


# --- blind index ------------------------------------------------------------------


@pytest.fixture
def index() -> BlindIndex:
    return BlindIndex(IndexKey.generate())


def test_the_blind_index_is_deterministic_and_32_bytes(index: BlindIndex) -> None:
    digest = index.digest(TENANT, "phone", "+84974063482")

    assert digest == index.digest(TENANT, "phone", "+84974063482")
    assert len(digest) == 32


def test_the_blind_index_differs_by_tenant_field_value_and_key(index: BlindIndex) -> None:
    digests = {
        index.digest(TENANT, "phone", "+84974063482"),
        index.digest("other_tenant", "phone", "+84974063482"),
        index.digest(TENANT, "mobile", "+84974063482"),
        index.digest(TENANT, "phone", "+84974063483"),
        BlindIndex(IndexKey.generate()).digest(TENANT, "phone", "+84974063482"),
        index.digest("ab", "c", "v"),
        index.digest("a", "bc", "v"),
        index.digest("a", "b", "cv"),
    }

    assert len(digests) == 8


def test_the_blind_index_is_hmac_sha256_over_length_prefixed_parts() -> None:
    key = IndexKey.generate()
    index = BlindIndex(key)

    def reference(*parts: str) -> bytes:
        message = b"baomat/v1/blind-index" + b"".join(
            len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts
        )
        return hmac.new(key.key, message, hashlib.sha256).digest()

    for value in ["", "+84974063482", "nguyễn văn an", "x" * 300, *_vietnamese_texts()]:
        assert index.digest(TENANT, "full_name", value) == reference(TENANT, "full_name", value)


# --- keys -------------------------------------------------------------------------


def test_a_key_round_trips_through_its_text_with_whitespace_ignored(master: MasterKey) -> None:
    text = master.to_text()

    assert len(text) == 44
    assert MasterKey.from_text(f"  {text}\n") == master
    assert MasterKey.from_text(text.rstrip("=")) == master


def test_the_key_id_is_16_hex_characters_and_depends_on_the_key_kind() -> None:
    raw = os.urandom(32)

    assert len(MasterKey(raw).key_id) == 16
    int(MasterKey(raw).key_id, 16)
    assert MasterKey(raw).key_id == MasterKey(raw).key_id
    assert MasterKey(raw).key_id != IndexKey(raw).key_id
    assert MasterKey(raw).key_id != MasterKey.generate().key_id


@pytest.mark.parametrize(
    "text", ["", "not base64 at all!", "QUJD", "Zm9v" * 12, "é" * 44, "Zm9v\x00" * 9]
)
def test_malformed_key_text_names_its_source_but_not_the_text(text: str) -> None:
    with pytest.raises(KeyFormatError) as caught:
        MasterKey.from_text(text, source="environment variable BAOMAT_MASTER_KEY")

    message = str(caught.value)
    assert "environment variable BAOMAT_MASTER_KEY" in message
    assert text.strip() == "" or text not in message
    assert caught.value.__suppress_context__ or caught.value.__context__ is None


def test_a_key_object_refuses_the_wrong_length() -> None:
    with pytest.raises(KeyFormatError):
        MasterKey(bytes(16))
    with pytest.raises(KeyFormatError):
        IndexKey(bytes(64))


def test_repr_and_str_never_show_key_material(master: MasterKey) -> None:
    index_key = IndexKey.generate()
    data_key = new_data_key()
    shown = " ".join(
        [
            repr(master),
            str(master),
            repr(index_key),
            repr(SubjectCipher(data_key, TENANT, SUBJECT)),
            repr(BlindIndex(index_key)),
        ]
    )

    for secret in (master.key, index_key.key, data_key):
        assert repr(secret) not in shown
        assert secret.hex() not in shown
    assert master.to_text() not in shown
    assert index_key.to_text() not in shown
    assert master.key_id in repr(master)


def test_error_messages_hold_no_plaintext_and_no_key(master: MasterKey) -> None:
    plaintext = b"Tran Thi Binh 0974063482"
    data_key = new_data_key()
    cipher = SubjectCipher(data_key, TENANT, SUBJECT)
    blob = cipher.encrypt("full_name", plaintext)
    wrapped = wrap_data_key(master, data_key, TENANT, SUBJECT)
    errors: list[CryptoError] = []
    for attempt in (
        lambda: cipher.decrypt("email", blob),
        lambda: SubjectCipher(new_data_key(), TENANT, SUBJECT).decrypt("full_name", blob),
        lambda: unwrap_data_key(MasterKey.generate(), wrapped, TENANT, SUBJECT),
        lambda: unwrap_data_key(master, wrapped, TENANT, "s-0002"),
        lambda: MasterKey.from_text(master.to_text()[:-2] + "!!"),
    ):
        with pytest.raises(CryptoError) as caught:
            attempt()
        errors.append(caught.value)

    for error in errors:
        text = f"{error} {error!r}"
        assert "Tran" not in text
        assert "0974063482" not in text
        assert data_key.hex() not in text
        assert master.to_text()[:20] not in text


# --- key files --------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_files_are_created_0600_in_a_0700_folder(tmp_path: Path) -> None:
    create_key_files(tmp_path)

    assert _mode(tmp_path / "keys") == 0o700
    assert _mode(tmp_path / "keys" / "master.key") == 0o600
    assert _mode(tmp_path / "keys" / "index.key") == 0o600
    masters = load_master_keys(tmp_path, {})
    assert len(masters) == 1
    assert load_index_key(tmp_path, {}).key != masters[0].key


def test_creating_key_files_refuses_to_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    create_key_files(tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "keys").iterdir()}

    with pytest.raises(KeyFileExists, match=r"master\.key"):
        create_key_files(tmp_path)

    assert {p.name: p.read_bytes() for p in (tmp_path / "keys").iterdir()} == before


def test_creating_key_files_refuses_when_only_the_index_key_exists(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "index.key").write_text(IndexKey.generate().to_text())

    with pytest.raises(KeyFileExists, match=r"index\.key"):
        create_key_files(tmp_path)
    assert not (tmp_path / "keys" / "master.key").exists()


def test_environment_keys_override_the_files(tmp_path: Path) -> None:
    create_key_files(tmp_path)
    write_master_key(tmp_path, MasterKey.generate(), next_=True)
    master, index_key = MasterKey.generate(), IndexKey.generate()
    env = {"BAOMAT_MASTER_KEY": master.to_text(), "BAOMAT_INDEX_KEY": index_key.to_text()}

    assert load_master_keys(tmp_path, env) == [master]
    assert load_index_key(tmp_path, env) == index_key


def test_environment_keys_need_no_files(tmp_path: Path) -> None:
    master = MasterKey.generate()

    assert load_master_keys(tmp_path, {"BAOMAT_MASTER_KEY": master.to_text()}) == [master]


def test_a_blank_environment_variable_falls_back_to_the_files(tmp_path: Path) -> None:
    create_key_files(tmp_path)

    assert load_master_keys(tmp_path, {"BAOMAT_MASTER_KEY": " "}) == load_master_keys(tmp_path, {})


def test_a_missing_master_key_names_the_file_and_the_variable(tmp_path: Path) -> None:
    with pytest.raises(KeyMissing) as caught:
        load_master_keys(tmp_path, {})

    assert str(tmp_path / "keys" / "master.key") in str(caught.value)
    assert "BAOMAT_MASTER_KEY" in str(caught.value)


def test_a_missing_index_key_names_the_file_and_the_variable(tmp_path: Path) -> None:
    with pytest.raises(KeyMissing) as caught:
        load_index_key(tmp_path, {})

    assert str(tmp_path / "keys" / "index.key") in str(caught.value)
    assert "BAOMAT_INDEX_KEY" in str(caught.value)


def test_a_malformed_key_file_names_the_file_but_not_its_content(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "master.key").write_bytes(b"s3cr\xe9t-not-a-key\n")

    with pytest.raises(KeyFormatError) as caught:
        load_master_keys(tmp_path, {})

    assert str(tmp_path / "keys" / "master.key") in str(caught.value)
    assert "s3cr" not in str(caught.value)


def test_a_rotation_in_progress_offers_both_master_keys_old_first(tmp_path: Path) -> None:
    create_key_files(tmp_path)
    [old] = load_master_keys(tmp_path, {})
    new = MasterKey.generate()
    write_master_key(tmp_path, new, next_=True)

    assert load_master_keys(tmp_path, {}) == [old, new]
    assert _mode(tmp_path / "keys" / "master.key.next") == 0o600
    with pytest.raises(KeyFileExists):
        write_master_key(tmp_path, MasterKey.generate(), next_=True)


def test_promoting_the_next_master_key_retires_the_old_one(tmp_path: Path) -> None:
    create_key_files(tmp_path)
    new = MasterKey.generate()
    write_master_key(tmp_path, new, next_=True)

    promote_next_master_key(tmp_path)

    assert load_master_keys(tmp_path, {}) == [new]
    assert not (tmp_path / "keys" / "master.key.next").exists()
    assert _mode(tmp_path / "keys" / "master.key") == 0o600


def test_promoting_without_a_rotation_under_way_is_refused(tmp_path: Path) -> None:
    create_key_files(tmp_path)

    with pytest.raises(KeyMissing, match=r"master\.key\.next"):
        promote_next_master_key(tmp_path)
