"""Text that came from a file, made safe to show on one line of a terminal."""


def printable(text: str, limit: int | None = None) -> str:
    """Control characters (newlines, escape codes) shown escaped; cut to `limit` characters."""
    if limit is not None:
        text = text[:limit]
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
