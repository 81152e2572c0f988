"""Text helpers for widgets: pygame_gui text boxes read a small HTML subset."""

from __future__ import annotations

import html

from ..text import printable


def esc(text: str, limit: int = 4000) -> str:
    """Plain text made safe for a pygame_gui text box (no markup, no control characters)."""
    lines = str(text)[:limit].split("\n")
    return "<br>".join(html.escape(printable(line), quote=False) for line in lines)


def title_case_id(ident: str) -> str:
    return ident.replace("_", " ").capitalize()
