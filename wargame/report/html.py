"""Render the report's blocks as one self-contained HTML page (inline CSS, images as data URIs).

Every text from a save (titles, rationales, captions, names from the embedded ruleset) is
escaped here; the page loads nothing from outside, so it works offline and from a USB stick.
"""

from __future__ import annotations

import base64
import html

from ..text import printable
from .document import Block, Callout, Contents, Figure, Heading, Para, Quote, Table

CSS = """
:root { color-scheme: light; }
html { font-size: 20px; }
body { margin: 0; background: #fff; color: #111; line-height: 1.5;
       font-family: system-ui, "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.6rem; margin: 2.6rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 3px solid #2a2f3a; }
h3 { font-size: 1.2rem; margin: 1.6rem 0 0.4rem; }
p { margin: 0.5rem 0; max-width: 62rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-weight: 700; color: #444; margin: 0; }
.lead { font-size: 1.15rem; color: #333; }
.note { color: #444; font-size: 0.9rem; }
nav { border: 2px solid #2a2f3a; padding: 0.6rem 1.2rem; margin: 1rem 0 0; max-width: 30rem; }
nav ol { margin: 0.3rem 0; padding-left: 1.4rem; }
nav a { color: #0b4f8a; }
.callout { border: 2px solid #2a2f3a; border-left-width: 14px; padding: 0.8rem 1.2rem; margin: 1rem 0 1.2rem; }
.callout .label { font-weight: 700; text-transform: uppercase; letter-spacing: 0.08em; margin: 0; color: #333; }
.callout .headline { font-size: 1.5rem; font-weight: 700; margin: 0.1rem 0 0.4rem; }
.callout.alarm { border-color: #8b0c23; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 700; padding: 0.2rem 0; font-size: 1rem; }
th, td { border: 1px solid #9a9a9a; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #e4e2dc; color: #111; }
tbody tr:nth-child(even) { background: #f5f4f0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.keep { white-space: nowrap; }
td.wide { min-width: 14rem; }
td.name { min-width: 8rem; }
tr.strong td { font-weight: 700; }
table.facts, table.compact { width: auto; min-width: 50%; }
table.facts td:first-child { font-weight: 700; white-space: nowrap; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #9a9a9a; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.3rem; }
blockquote { margin: 0.4rem 0 0.6rem; padding: 0.2rem 0 0.2rem 1rem; border-left: 5px solid #8a8a8a;
             color: #222; max-width: 62rem; }
a.top { font-size: 0.8rem; font-weight: 400; color: #444; }
@media print {
  html { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav, a.top { display: none; }
  h2.new-page { break-before: page; margin-top: 0; }
  h2, h3 { break-after: avoid; }
  figure, tr, blockquote, .callout { break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even), th { background: none; }
  th { border-bottom: 2px solid #000; }
  figure img { max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(text: str) -> str:
    """Plain text made safe inside HTML elements and attributes; line breaks kept, other control
    characters (not allowed in HTML) shown escaped."""
    return "<br>".join(html.escape(printable(line), quote=True) for line in str(text).split("\n"))


def _table(t: Table) -> str:
    facts = t.headers and not any(t.headers)
    out = ['<table class="facts">' if facts else '<table class="compact">' if t.compact else "<table>"]
    if t.caption:
        out.append(f"<caption>{esc(t.caption)}</caption>")
    if not facts:
        cells = "".join(('<th scope="col" class="num">' if i in t.numeric else '<th scope="col">') + f"{esc(h)}</th>"
                        for i, h in enumerate(t.headers))
        out.append(f"<thead><tr>{cells}</tr></thead>")
    out.append("<tbody>")
    for n, row in enumerate(t.rows):
        cls = ' class="strong"' if n in t.strong_rows else ""
        row_cells = []
        for i, cell in enumerate(row):
            kind = " ".join(k for k, cols in (("num", t.numeric), ("wide", t.wide), ("keep", t.nowrap),
                                              ("name", t.names)) if i in cols)
            tag = "th" if facts and i == 0 else "td"
            attrs = (' scope="row"' if tag == "th" else "") + (f' class="{kind}"' if kind else "")
            row_cells.append(f"<{tag}{attrs}>{esc(cell)}</{tag}>")
        out.append(f"<tr{cls}>{''.join(row_cells)}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _block(b: Block, pictures: dict[str, bytes]) -> str:
    if isinstance(b, Heading):
        cls = ' class="new-page"' if b.new_page else ""
        anchor = f' id="{esc(b.anchor)}"' if b.anchor else ""
        back = ' <a class="top" href="#top">(contents)</a>' if b.level == 2 else ""
        return f"<h{b.level}{anchor}{cls}>{esc(b.text)}{back}</h{b.level}>"
    if isinstance(b, Para):
        cls = f' class="{b.style}"' if b.style else ""
        return f"<p{cls}>{esc(b.text)}</p>"
    if isinstance(b, Quote):
        return f"<blockquote>{esc(b.text)}</blockquote>"
    if isinstance(b, Callout):
        lines = "".join(f"<p>{esc(x)}</p>" for x in b.lines)
        return (f"<div class=\"callout{' alarm' if b.alarm else ''}\"><p class=\"label\">{esc(b.label)}</p>"
                f"<p class=\"headline\">{esc(b.headline)}</p>{lines}</div>")
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        data = base64.b64encode(pictures[b.image]).decode("ascii")
        caption = f"<figcaption>{esc(b.caption)}</figcaption>" if b.caption else ""
        return f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{esc(b.alt)}\">{caption}</figure>"
    if isinstance(b, Contents):
        items = "".join(f"<li><a href=\"#{esc(a)}\">{esc(t)}</a></li>" for a, t in b.entries)
        return f"<nav aria-label=\"Contents\"><strong>Contents</strong><ol>{items}</ol></nav>"
    raise TypeError(f"unknown block {type(b).__name__}")


def render(blocks: list[Block], pictures: dict[str, bytes], title: str) -> str:
    body = "\n".join(_block(b, pictures) for b in blocks)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>After-action report: {esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
