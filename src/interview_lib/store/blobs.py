"""Audio and other large artifacts, stored once by content (sha256) under ``<home>/audio``.

Tables keep the reference and the hash, never the bytes. On Databricks the same layout lives in a Unity
Catalog volume (``/Volumes/<catalog>/<schema>/audio``), which is also a plain path.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from interview_lib.errors import StoreError

_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


@dataclass(frozen=True)
class BlobRef:
    """Where a blob is and what it hashes to."""

    path: Path
    sha256: str


class BlobStore:
    """Content-addressed files: writing the same bytes twice stores them once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes, extension: str) -> BlobRef:
        """Store ``data`` as ``<sha256>.<extension>`` (atomically; an existing copy is kept)."""
        extension = extension.lower().lstrip(".")
        if not _EXTENSION.match(extension):
            raise StoreError(f"bad file extension {extension!r} for a stored blob")
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / f"{digest}.{extension}"
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{digest}.{os.getpid()}.partial")
            partial.write_bytes(data)
            partial.replace(path)
        return BlobRef(path, digest)

    def get(self, ref: str | Path, sha256: str | None = None) -> bytes:
        """The bytes at ``ref``; with ``sha256``, verified against it."""
        data = Path(ref).read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"stored blob {ref} does not match its sha256: it was changed or damaged")
        return data
