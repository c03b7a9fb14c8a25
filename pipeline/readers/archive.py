"""Zip-based formats (DOCX, EPUB) read within bounds: a small file must not become gigabytes.

Before anything is parsed, the archive's directory is checked (how many members, how large
each says it is, how large all say they are together, how much they say they inflate), and
every member is then read through a bounded stream: never more than its limit plus one byte,
whatever its header says, so a member that lies about its size is caught as it is read, not
after it has filled the memory. Errors name the file and the limit.
"""

from __future__ import annotations

import io
import zipfile

from pipeline.errors import InputError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 48 * 1024 * 1024
"""A chapter or a ``document.xml`` this large is about 20,000 pages of text."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
"""Real documents' XML compresses 5 to 20 times; a member inflating more than this is a bomb."""


class BoundedZip:
    """An archive whose members are read within ``MAX_MEMBER_BYTES`` each and ``MAX_TOTAL_BYTES`` in all."""

    def __init__(self, data: bytes, label: str, kind: str) -> None:
        self.label, self.kind = label, kind
        self._zip = zipfile.ZipFile(io.BytesIO(data))  # BadZipFile is the reader's to word
        members = self._zip.infolist()
        if len(members) > MAX_MEMBERS:
            raise self._refuse(f"holds {len(members):,} files (at most {MAX_MEMBERS:,})")
        declared = sum(member.file_size for member in members)
        if declared > MAX_TOTAL_BYTES:
            raise self._refuse(f"would inflate to {declared / 2**20:,.0f} MB (at most {MAX_TOTAL_BYTES // 2**20} MB)")
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES:
                raise self._refuse(f"member {member.filename} would inflate to {member.file_size / 2**20:,.0f} MB "
                                   f"(at most {MAX_MEMBER_BYTES // 2**20} MB)")
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise self._refuse(f"member {member.filename} inflates {member.file_size // member.compress_size:,} "
                                   f"times (at most {MAX_RATIO}): a zip bomb")
        self._read = 0

    def _refuse(self, what: str) -> InputError:
        return InputError(f"{self.label}: {what}; refused, as no real {self.kind} is")

    def names(self) -> list[str]:
        return self._zip.namelist()

    def size(self, name: str) -> int:
        return self._zip.getinfo(name).file_size

    def read(self, name: str) -> bytes:
        """A member, read through a bounded stream (KeyError when there is no such member)."""
        info = self._zip.getinfo(name)
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self._read)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(limit + 1)
        except zipfile.BadZipFile as error:
            raise self._refuse(f"member {name} is damaged ({error})") from None
        if len(data) > limit:
            raise self._refuse(f"member {name} inflates past {limit // 2**20} MB although its header says "
                               f"{info.file_size:,} bytes")
        self._read += len(data)
        return data

    def repacked(self) -> bytes:
        """Every member, read within bounds, in a new archive: what python-docx is handed."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for info in self._zip.infolist():
                if not info.is_dir():
                    copy.writestr(info.filename, self.read(info.filename))
        return out.getvalue()
