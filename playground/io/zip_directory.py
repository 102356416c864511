"""How big a ZIP file says its directory is, read before ZipFile parses it.

ZipFile turns the whole directory into ZipInfo objects as it opens a file, so
a hostile file can make it build millions of them.  zipfile has no public way
to learn the directory's size first, so the end records that state it are
read here, from the ZIP spec (APPNOTE.TXT 4.3.14 to 4.3.16).
"""

from __future__ import annotations

import re
import struct
from typing import BinaryIO

# The directory's size is field 5 of the end record and field 8 of the ZIP64 one.
_END, _END_SIGNATURE = struct.Struct("<4s4H2LH"), b"PK\x05\x06"
_ZIP64_LOCATOR, _ZIP64_LOCATOR_SIGNATURE = struct.Struct("<4sLQL"), b"PK\x06\x07"
_ZIP64_END, _ZIP64_END_SIGNATURE = struct.Struct("<4sQ2H2L4Q"), b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF


def claimed_directory_sizes(handle: BinaryIO, size: int) -> list[int]:
    """Every directory size the end of a `size`-byte ZIP file claims where ZipFile may look.

    ZipFile takes the end record in the last 22 bytes when the file has no
    comment, else the last record within the final 64 KiB; a comment may hold
    anything, so then every record found there counts.  So does a ZIP64 end
    record just before a record's locator.  A file with no end record claims
    nothing (ZipFile then says it is not a ZIP file).
    """
    start = max(0, size - _END.size - _MAX_COMMENT - _ZIP64_LOCATOR.size - _ZIP64_END.size)
    handle.seek(start)
    tail = handle.read(size - start)
    last = len(tail) - _END.size
    if last >= 0 and tail.startswith(_END_SIGNATURE, last) and tail.endswith(b"\0\0"):
        ends = [last]  # no comment: ZipFile takes this record and looks no further
    else:
        found = re.finditer(re.escape(_END_SIGNATURE), tail)
        ends = [m.start() for m in found if m.start() <= last]
    claims = []
    for at in ends:
        claims.append(_END.unpack_from(tail, at)[5])
        locator = at - _ZIP64_LOCATOR.size
        record = locator - _ZIP64_END.size
        if (
            record >= 0
            and tail.startswith(_ZIP64_LOCATOR_SIGNATURE, locator)
            and tail.startswith(_ZIP64_END_SIGNATURE, record)
        ):
            claims.append(_ZIP64_END.unpack_from(tail, record)[8])
    return claims
