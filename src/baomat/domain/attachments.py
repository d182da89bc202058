"""Files a subject hands over (a seller's land-use certificate, a scanned ID): what is accepted.

    check_file(pdf_bytes, "application/pdf", max_bytes=10_485_760,
               media_types=["application/pdf", "image/png"]) -> "application/pdf"
    check_file(png_bytes, "application/pdf", ...) -> InvalidValue("file", "the content is not
                                                     application/pdf, as it was declared")

A file is accepted when it is not empty, within its field's `file.max_bytes`,
declared as one of its field's `file.media_types`, and its first bytes say it
is what it was declared to be. The content is never trusted by its name or its
declared type alone: a browser or a viewer that sniffs it would otherwise run
an HTML page uploaded as a "PDF". Errors name the rule, never the content
(docs/decisions/006-attachments.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from baomat.domain.normalise import InvalidValue

MAX_BYTES = 50 * 1024 * 1024
"""The largest `file.max_bytes` a policy may set (`policy.model.FileLimits`; a test pins both)."""

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),  # ISO 32000-1 §7.5.2: the header starts the file
    (b"\xff\xd8\xff", "image/jpeg"),  # SOI marker, then the first segment's marker
    (b"\x89PNG\r\n\x1a\n", "image/png"),  # PNG spec §5.2: the eight-byte signature
)
"""Leading bytes → the media type they begin. Only types listed here can be accepted."""

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
"""The file name extension each recognised type is given when downloaded or exported."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored file's description: everything but its content, which only the store holds."""

    id: str
    subject: str
    field: str
    media_type: str
    size: int
    sha256: str
    """SHA-256 of the content, hex: what a caller can check a download against."""
    created_at: dt.datetime

    @property
    def filename(self) -> str:
        """`legal_documents-<id>.pdf`: names nothing of the person or of the uploaded name."""
        return f"{self.field}-{self.id}.{EXTENSIONS.get(self.media_type, 'bin')}"


def detect_media_type(content: bytes) -> str | None:
    """The media type the content's first bytes announce (`SIGNATURES`), or None."""
    for magic, media_type in SIGNATURES:
        if content.startswith(magic):
            return media_type
    return None


def normalise_media_type(declared: str) -> str:
    """`"Application/PDF; name=x"` → `"application/pdf"`: parameters dropped, lower case."""
    return declared.split(";", 1)[0].strip().lower()


def check_file(
    content: bytes, declared: str | None, *, max_bytes: int, media_types: Collection[str]
) -> str:
    """The media type to store for this content, or `InvalidValue` naming the broken rule.

    `max_bytes` and `media_types` are the field's `file` limits in the policy.
    """
    if not content:
        raise InvalidValue("file", "the file is empty")
    if len(content) > max_bytes:
        raise InvalidValue("file", f"the file is over the field's limit of {max_bytes} bytes")
    allowed = sorted({normalise_media_type(m) for m in media_types})
    media_type = normalise_media_type(declared or "")
    if media_type not in allowed:
        # The declared text is the caller's: it is not repeated, the policy's list is.
        raise InvalidValue("file", f"the media type must be one of {', '.join(allowed)}")
    if media_type not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        raise InvalidValue("file", f"{media_type} files cannot be recognised; baomat knows {known}")
    if detect_media_type(content) != media_type:
        raise InvalidValue("file", f"the content is not {media_type}, as it was declared")
    return media_type
