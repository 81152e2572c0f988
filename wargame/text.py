"""Text that came from a file, made safe to show on a terminal.

`printable` is for one line (a name, a caption, a path in a message); `SafeStream` is the
command line's choke point: `wargame` writes all its output through it, so no control character
or escape sequence from a ruleset, a save, a path or an argument ever reaches the terminal raw.
"""

from __future__ import annotations

import re
from typing import TextIO


def _escape(c: str) -> str:
    return repr(c)[1:-1] if not c.isprintable() else c


def printable(text: str, limit: int | None = None) -> str:
    """Control characters (newlines, escape codes) shown escaped; cut to `limit` characters."""
    if limit is not None:
        text = text[:limit]
    return text if text.isprintable() else "".join(_escape(c) for c in text)


LINE_LIMIT = 300  # an error line longer than this quotes too much of what it names
_LONG_WORD = re.compile(r"\S{61,}")


def shorten(line: str, limit: int = LINE_LIMIT) -> str:
    """A message line that quotes a huge id, path or value, with each over-long word cut in its
    middle ("first 40 ... (N characters) ... last 12"), so the message still reads to its end."""
    if len(line) <= limit:
        return line
    line = _LONG_WORD.sub(lambda m: f"{m[0][:40]}...({len(m[0])} characters)...{m[0][-12:]}", line)
    return line if len(line) <= 2 * limit else line[: 2 * limit] + f"...({len(line)} characters)"


def terminal_safe(text: str) -> str:
    """Like `printable`, but line breaks ("\\n") stay: output of several lines keeps its lines."""
    if text.isprintable():
        return text
    return "\n".join(printable(line) for line in text.split("\n"))


class SafeStream:
    """A text stream whose writes pass through `terminal_safe` on their way to `unfiltered`.

    Everything else (isatty, fileno, encoding, flush) is the wrapped stream's; code that draws
    on the terminal on purpose (the progress bar's carriage returns) writes to `unfiltered`.
    """

    def __init__(self, stream: TextIO):
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self.unfiltered.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.unfiltered, name)
