"""Render the report's blocks as Markdown (GitHub flavour), its pictures as PNG files beside it.

Text from a save is escaped so it can neither break a table (pipes, line breaks) nor turn into
markup or raw HTML that a Markdown viewer would run.
"""

from __future__ import annotations

import re

from ..text import printable
from .document import Block, Callout, Contents, Figure, Heading, Para, Quote, Table

IMAGE_DIR = "images"
_SPECIAL = re.compile(r"([\\`*_\[\]#|<>!])")


def esc(text: str) -> str:
    """Plain text for one Markdown line: markup characters escaped, HTML made inert, no line breaks."""
    text = " ".join(str(text).split())  # a newline would end a table row or a paragraph
    text = printable(text)  # an escape sequence would run when the file is shown in a terminal
    text = text.replace("&", "&amp;")
    return _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), text)


def slug(title: str) -> str:
    """The anchor GitHub gives a heading (the section titles are ours, so this is enough)."""
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def image_name(key: str) -> str:
    return f"{IMAGE_DIR}/{key}.png"


def _table(t: Table) -> list[str]:
    out = [f"**{esc(t.caption)}**", ""] if t.caption else []
    headers = [esc(h) or " " for h in t.headers]
    out.append("| " + " | ".join(headers) + " |")
    out.append("|" + "|".join("---:" if i in t.numeric else "---" for i in range(len(headers))) + "|")
    for n, row in enumerate(t.rows):
        cells = [esc(c) for c in row]
        if n in t.strong_rows:
            cells = [f"**{c}**" if c else c for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return [f"{'#' * b.level} {esc(b.text)}"]
    if isinstance(b, Para):
        text = esc(b.text)
        return [f"*{text}*" if b.style in ("note", "kicker") else text]
    if isinstance(b, Quote):
        return [f"> {esc(b.text)}"]
    if isinstance(b, Callout):
        out = [f"> **{esc(b.label)}: {esc(b.headline)}**"]
        for line in b.lines:
            out += [">", f"> {esc(line)}"]
        return out
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        return [f"![{esc(b.alt)}]({image_name(b.image)})"] + (["", f"*{esc(b.caption)}*"] if b.caption else [])
    if isinstance(b, Contents):
        return [f"{i}. [{esc(t)}](#{slug(t)})" for i, (_, t) in enumerate(b.entries, 1)]
    raise TypeError(f"unknown block {type(b).__name__}")


def render(blocks: list[Block]) -> str:
    parts = ["\n".join(_block(b)) for b in blocks]
    return "\n\n".join(parts) + "\n"
