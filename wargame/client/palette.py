"""Colours for the client. Presentation only: nothing here affects the game.

Control colours come from the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness: Ukrainian control is blue, Russian control vermillion, contested
ground yellow with a vermillion hatch. Foreign countries are pale tints so that the war reads
first. The escalation ladder runs from pale yellow (calm) through orange and red to near black
(central nuclear war), a sequence that differs in lightness as well as hue.
"""

from __future__ import annotations

Colour = tuple[int, int, int]

# Okabe-Ito base colours.
OI_BLACK: Colour = (0, 0, 0)
OI_ORANGE: Colour = (230, 159, 0)
OI_SKY_BLUE: Colour = (86, 180, 233)
OI_GREEN: Colour = (0, 158, 115)
OI_YELLOW: Colour = (240, 228, 66)
OI_BLUE: Colour = (0, 114, 178)
OI_VERMILLION: Colour = (213, 94, 0)
OI_PURPLE: Colour = (204, 121, 167)

# Control of a region on the war map.
RUSSIA: Colour = OI_VERMILLION
UKRAINE: Colour = OI_BLUE
CONTESTED: Colour = OI_YELLOW
CONTESTED_HATCH: Colour = OI_VERMILLION
NEUTRAL_LAND: Colour = (226, 222, 214)

CONTROL: dict[str, Colour] = {
    "russia": RUSSIA,
    "ukraine": UKRAINE,
    "contested": CONTESTED,
    "neutral": NEUTRAL_LAND,
}

# Countries outside the war, by the `country` field of a region.
NATO: Colour = (190, 222, 206)       # pale bluish green
BELARUS: Colour = (222, 200, 214)    # pale reddish purple
MOLDOVA: Colour = (243, 224, 178)    # pale orange
SEA: Colour = (204, 222, 234)
OFF_MAP: Colour = (236, 234, 228)    # land and water that is not part of the game

COUNTRY: dict[str, Colour] = {
    "nato": NATO,
    "belarus": BELARUS,
    "moldova": MOLDOVA,
    "sea": SEA,
    "russia": RUSSIA,
    "ukraine": UKRAINE,
}

# Lines.
REGION_BORDER: Colour = (70, 70, 70)
COUNTRY_BORDER: Colour = (30, 30, 30)
FRONT: Colour = (20, 20, 20)
FRONT_CORE: Colour = (240, 228, 66)
HOVER: Colour = (255, 255, 255)

# Text.
TEXT: Colour = (25, 25, 25)
TEXT_MUTED: Colour = (90, 90, 90)
TEXT_LIGHT: Colour = (250, 250, 250)
HALO: Colour = (255, 255, 255)
CITY_FILL: Colour = (255, 255, 255)
CITY_EDGE: Colour = (0, 0, 0)

# Panels.
BACKGROUND: Colour = (246, 244, 239)
PANEL: Colour = (250, 249, 246)
PANEL_EDGE: Colour = (160, 160, 160)
TITLE_BAR: Colour = (40, 44, 52)
TITLE_TEXT: Colour = (245, 245, 245)

# Widgets (pygame_gui theme): dark text on light panels, one dark slate accent.
PANEL_TEXT: Colour = (30, 32, 36)
MUTED_TEXT: Colour = (120, 120, 120)
BUTTON: Colour = (232, 230, 224)
BUTTON_HOVER: Colour = (214, 222, 232)
BUTTON_DISABLED: Colour = (238, 237, 234)
BORDER: Colour = (150, 150, 150)
ACCENT: Colour = (44, 62, 92)
ACCENT_HOVER: Colour = (64, 88, 128)
ACCENT_TEXT: Colour = (250, 250, 250)
LINK: Colour = (0, 90, 150)
TOOLTIP_BG: Colour = (40, 44, 52)
TOOLTIP_TEXT: Colour = (245, 245, 245)
SCRIM: tuple[int, int, int, int] = (20, 22, 26, 255)  # handover screen: covers everything

# Escalation ladder, rung 0 (calm) to rung 15 (central war): a sequential ramp.
_LADDER_STOPS: list[Colour] = [
    (255, 250, 205),
    (254, 217, 118),
    (253, 141, 60),
    (227, 26, 28),
    (128, 0, 38),
    (35, 0, 30),
]


def _lerp(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def rung_colour(level: float, top: int = 15) -> Colour:
    """The ladder colour of a rung, from pale (0) to near black (`top`)."""
    t = max(0.0, min(1.0, level / top if top else 0.0)) * (len(_LADDER_STOPS) - 1)
    i = min(int(t), len(_LADDER_STOPS) - 2)
    return _lerp(_LADDER_STOPS[i], _LADDER_STOPS[i + 1], t - i)


def text_on(bg: Colour) -> Colour:
    """Black or white, whichever reads better on `bg`."""
    r, g, b = bg
    return TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 140 else TEXT_LIGHT


# Red-line owners.
OWNER: dict[str, Colour] = {
    "russia": RUSSIA,
    "ukraine": UKRAINE,
    "nato_hawk": OI_GREEN,
    "nato_cautious": OI_SKY_BLUE,
}
OWNER_SHORT: dict[str, str] = {
    "russia": "RU",
    "ukraine": "UA",
    "nato_hawk": "NATO",
    "nato_cautious": "NATO",
}
CREDIBILITY_FILL: Colour = (60, 60, 60)
CREDIBILITY_EMPTY: Colour = (222, 222, 222)
RESOLVE_TICK: Colour = OI_PURPLE
