"""The pygame_gui theme, built in code so that every font size follows the text scale.

Colours come from the palette module; the fonts are pygame_gui's bundled Noto Sans, so the
client looks the same on every machine.
"""

from __future__ import annotations

from typing import Any

from . import palette as P

BASE_FONT = 15  # at scale 1.0 (1280x800)
RESULTS_FONT = 18  # the turn's results, read across a room


def _hex(colour) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour[:3])


def font_size(scale: float, size: int = BASE_FONT) -> int:
    return max(9, round(size * scale))


def _font(scale: float, size: int = BASE_FONT, bold: bool = False) -> dict[str, Any]:
    return {"name": "noto_sans", "size": str(font_size(scale, size)), "bold": "1" if bold else "0"}


# pygame_gui reads only colours from "defaults": each widget type names its font itself
_WIDGETS = ("button", "label", "drop_down_menu", "selection_list", "text_entry_line", "text_box",
            "window", "horizontal_slider", "message_window", "confirmation_dialog")


def build_theme(scale: float) -> dict[str, Any]:
    """A pygame_gui theme dictionary for a UI scale factor (1.0 at 1280x800)."""
    theme = _theme(scale)
    for kind in _WIDGETS:
        theme.setdefault(kind, {}).setdefault("font", _font(scale))
    return theme


def _theme(scale: float) -> dict[str, Any]:
    panel, text, accent = _hex(P.PANEL), _hex(P.PANEL_TEXT), _hex(P.ACCENT)
    return {
        "defaults": {
            "colours": {
                "normal_bg": _hex(P.BUTTON), "hovered_bg": _hex(P.BUTTON_HOVER), "disabled_bg": _hex(P.BUTTON_DISABLED),
                "selected_bg": accent, "active_bg": accent, "dark_bg": panel,
                "normal_text": text, "hovered_text": text, "selected_text": _hex(P.ACCENT_TEXT),
                "active_text": _hex(P.ACCENT_TEXT), "disabled_text": _hex(P.MUTED_TEXT),
                "normal_border": _hex(P.BORDER), "hovered_border": accent, "selected_border": accent,
                "active_border": accent, "disabled_border": _hex(P.BORDER),
                "link_text": _hex(P.LINK), "link_hover": accent, "link_selected": accent,
                "text_cursor": text, "filled_bar": accent, "unfilled_bar": panel,
            },
            "font": _font(scale),
            "misc": {"border_width": "1", "shadow_width": "0", "shape": "rounded_rectangle",
                     "shape_corner_radius": "4", "tool_tip_delay": "0.6"},
        },
        "label": {"colours": {"dark_bg": "#00000000", "normal_text": text}, "misc": {"text_horiz_alignment": "left"}},
        "@heading": {"font": _font(scale, 22, bold=True)},
        "@title": {"font": _font(scale, 40, bold=True)},
        "@subtitle": {"font": _font(scale, 19)},
        "@small": {"font": _font(scale, 13)},
        "@primary": {"colours": {"normal_bg": accent, "normal_text": _hex(P.ACCENT_TEXT),
                                 "hovered_bg": _hex(P.ACCENT_HOVER), "hovered_text": _hex(P.ACCENT_TEXT)},
                     "font": _font(scale, 17, bold=True)},
        "@big": {"font": _font(scale, 20, bold=True)},
        "@drop_up": {"misc": {"expand_direction": "up"}},  # drop-downs at the bottom of a screen
        # the handover screen: light centred text on the dark title colour
        "@title_centre": {"font": _font(scale, 40, bold=True),
                          "colours": {"normal_text": _hex(P.TITLE_TEXT)}, "misc": {"text_horiz_alignment": "center"}},
        "@subtitle_centre": {"font": _font(scale, 20), "colours": {"normal_text": _hex(P.TITLE_TEXT)},
                             "misc": {"text_horiz_alignment": "center"}},
        "text_box": {"colours": {"dark_bg": panel, "normal_text": text}, "font": _font(scale),
                     "misc": {"padding": "6,4"}},
        # the turn's results, read from across a room: a size up
        "#results_text": {"font": _font(scale, RESULTS_FONT)},
        "selection_list.@selection_list_item": {"misc": {"text_horiz_alignment": "left",
                                                         "text_horiz_alignment_padding": "6"}},
        # an action the seat cannot order now: greyed in the orders list, still selectable to see why
        "#unavailable_action": {"colours": {"normal_text": _hex(P.MUTED_TEXT), "hovered_text": _hex(P.MUTED_TEXT),
                                            "normal_bg": panel, "hovered_bg": _hex(P.BUTTON_DISABLED)}},
        "selection_list": {"colours": {"dark_bg": panel}, "misc": {"list_item_height": str(round(26 * scale))}},
        "tool_tip": {"colours": {"dark_bg": _hex(P.TOOLTIP_BG), "normal_text": _hex(P.TOOLTIP_TEXT)},
                     "font": _font(scale, 14)},
        "panel": {"colours": {"dark_bg": panel}},
        # the title bar holds a line of the default font at any text scale
        "window": {"colours": {"dark_bg": panel},
                   "misc": {"title_bar_height": str(round(font_size(scale) * 1.45) + 4)}},
    }
