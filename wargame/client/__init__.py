"""The pygame client: scenes (menu, game, handover, replay, game over) and the views they draw.

`render_game_screen` draws the game screen of a save at a turn, as one seat saw it, off screen
(the still scene, scenes/still.py: the game screen's layout and drawing, no controls).
"""

from __future__ import annotations

from . import palette
from .mapview import MapView
from .picture import layout, render_view
from .trackview import TrackView

__all__ = ["MapView", "TrackView", "layout", "palette", "render_game_screen", "render_view"]


def render_game_screen(game, turn: int, seat: str, size: tuple[int, int] = (1280, 800)):
    """The game screen after `turn` of a SavedGame as `seat` saw it, as a pygame Surface."""
    from ..engine import month_label, player_view
    from ..persist.game import turn_events
    from .app import App

    rs = game.ruleset
    st = game.state_at(turn)
    app = App(size, window=False)
    view = player_view(rs, st, seat)
    events = [e.shown_to(seat) for e in turn_events(game, turn) if e.visible_to(seat)] if turn >= 1 else []
    title = f"{month_label(rs, st, turn)}  End of turn {turn}" if turn >= 1 else f"{view['date']}  Start"
    orders = [li.input for li in game.inputs
              if li.turn == turn and type(li.input).__name__ == "Order" and seat in (li.input.faction, "umpire")]
    app.open("still", rs, view, title=title, events=events, orders=orders,
             month_of=lambda t: month_label(rs, st, t))
    app.tick(0.0)
    return app.screen
