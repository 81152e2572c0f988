"""The `.wgsave` container: magic, a msgpack body, a checksum. Written atomically, read warily.

    MAGIC (8 bytes) | msgpack body | blake2b-256 of MAGIC + body (32 bytes)

The body is a map: format name and version, header, embedded ruleset (parsed TOML data), input
log, per-turn snapshots (each a msgpack document of its own, so one turn decodes alone) and
per-turn state hashes. Every file is untrusted: size checked, checksum checked before parsing,
msgpack limits set, no extension types, map keys strings only, then every field type-checked.
"""

from __future__ import annotations

import hashlib
import math
import os

import msgpack

from .. import files
from ..files import NotARegularFile, check_regular, read_regular

MAGIC = b"WGSAVE\r\n"  # the \r\n catches a file mangled by text-mode transfer
FORMAT_NAME = "wargame-save"
FORMAT_VERSION = 1
CHECKSUM_SIZE = 32
MAX_FILE_SIZE = 256 * 1024 * 1024  # far above any real game (a 200-turn game is well under 5 MB)
# No array or map in a save holds more items: the longest is the input log, and a busy 220-turn
# game logs 1,600 inputs. Decoding and checking 50,000 inputs takes well under a second; an
# unbounded log made a 10 MB file take seconds on every load.
MAX_ITEMS = 50_000
EXTENSION = ".wgsave"


class SaveError(Exception):
    """A save file that cannot be read or written; the message is one line."""


def checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=CHECKSUM_SIZE).digest()


def pack(body: dict) -> bytes:
    payload = MAGIC + msgpack.packb(body, use_bin_type=True)
    return payload + checksum(payload)


def _limits(size: int) -> dict:
    """msgpack limits scaled to the file (nothing can claim more items than it has bytes) and capped."""
    return dict(max_str_len=size, max_bin_len=size, max_array_len=min(size, MAX_ITEMS),
                max_map_len=min(size // 2 + 1, MAX_ITEMS), max_ext_len=0)


def _no_ext(code, data):
    raise ValueError("extension types are not allowed in a save file")


class NonFiniteNumber(ValueError):
    """NaN or infinity: no game value is one, and drawing or JSON output breaks on them."""


def _finite_items(items):
    for value in items:
        if type(value) is float and not math.isfinite(value):
            raise NonFiniteNumber(f"a number that is not finite ({value})")
    return items


def _finite_map(mapping: dict) -> dict:
    _finite_items(mapping.values())
    return mapping


def unpack_document(data: bytes):
    """Decode one msgpack document strictly (a body, or one snapshot inside it).

    msgpack calls the hooks for every array and map it builds, so a NaN or infinity anywhere
    (header, embedded ruleset, input log, snapshot) is refused while decoding.
    """
    doc = msgpack.unpackb(data, raw=False, strict_map_key=True, use_list=True, ext_hook=_no_ext,
                          list_hook=_finite_items, object_hook=_finite_map, **_limits(len(data)))
    _finite_items((doc,))
    return doc


def unpack(blob: bytes) -> dict:
    """Check magic and checksum, then decode the body; SaveError with a one-line reason."""
    if not blob:
        raise SaveError("the file is empty")
    if not MAGIC.startswith(blob[:len(MAGIC)]):
        raise SaveError("not a wargame save file (wrong magic bytes)")
    if len(blob) < len(MAGIC) + CHECKSUM_SIZE + 1:
        raise SaveError("the file is truncated")
    payload, digest = blob[:-CHECKSUM_SIZE], blob[-CHECKSUM_SIZE:]
    if checksum(payload) != digest:
        raise SaveError("the file is damaged or truncated (checksum mismatch)")
    try:
        body = unpack_document(payload[len(MAGIC):])
    except NonFiniteNumber as exc:
        raise SaveError(f"the file holds {exc}") from None
    except Exception as exc:  # msgpack raises several types for malformed data
        raise SaveError(f"the file's contents cannot be decoded ({type(exc).__name__})") from None
    if not isinstance(body, dict):
        raise SaveError("the file's contents are not a save body")
    return body


def read_file(path: os.PathLike | str) -> bytes:
    try:
        size = check_regular(path).st_size  # a FIFO or a device is refused before it is opened
        if size > MAX_FILE_SIZE:
            raise SaveError(f"file too large for a save ({size} bytes)")
        blob = read_regular(path, MAX_FILE_SIZE)
    except FileNotFoundError:
        raise SaveError("no such file") from None
    except NotARegularFile as exc:  # "is a folder, not a save file", "is a named pipe (FIFO), ..."
        raise SaveError(str(exc.strerror).replace("not a regular file", "not a save file")) from None
    except OSError as exc:
        raise SaveError(f"cannot read ({exc.strerror or exc})") from None
    if len(blob) > MAX_FILE_SIZE:  # it grew after the check
        raise SaveError(f"file too large for a save (over {MAX_FILE_SIZE} bytes)")
    return blob


def write_atomic(path: os.PathLike | str, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, rename over the target.

    A crash or a full disk leaves the previous file intact and no partial file behind.
    """
    try:
        files.write_atomic(path, data)
    except OSError as exc:
        raise SaveError(f"{path}: cannot write ({exc.strerror or exc})") from None
