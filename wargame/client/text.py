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


def scroll_by_page(box, step: int) -> None:
    """Move a text box's scroll bar by `step` pages (PageDown +1, PageUp -1), staying in range;
    a box short enough to need no bar is left alone."""
    bar = getattr(box, "scroll_bar", None)
    if bar is not None:
        bar.set_scroll_from_start_percentage(
            max(0.0, min(1.0 - bar.visible_percentage, bar.start_percentage + step * bar.visible_percentage)))
