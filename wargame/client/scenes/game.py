"""The hot-seat game scene: one computer passed between the seats (and the umpire).

The screen itself (map, track, dashboard, log, the phase panel, picking and handing in) is the
GameScreen it shares with a networked seat (game_screen.py); this scene holds the hot-seat flow.
Whose screen it is: the person the session waits for (`session.human_to_act()`), after bots have
moved. When the next person is someone else, a handover screen covers everything first; a seat
new to the game reads its briefing; a turn that has just resolved shows its results to the room.
"""

from __future__ import annotations

from ..app import register
from ..game_screen import GameScreen
from ..results import track_change


@register("game")
class GameScene(GameScreen):
    def _advance(self, first: bool = False) -> None:
        """Let bots move, then show the next person's screen (after a handover if needed). A turn
        that has just resolved shows its results to the room first (with one person against bots,
        a notice on the game screen says how the track moved, and R shows the results)."""
        moves = self.session.play_bots()
        if moves:
            self.notice = f"Bots made {len(moves)} move(s); their visible effects are in the log."
        if self.session.autosave_problem:
            self.notice = self.session.autosave_problem
        resolved = self.session.newly_resolved()
        if self.session.over:
            end = self.app.make("gameover", self.session)
            self.app.switch(self.app.make("results", self.session, resolved, then=end) if resolved else end)
            return
        nxt = self.session.human_to_act()
        if nxt is None:  # cannot happen while the game runs: someone must be waiting
            raise RuntimeError("the game waits for nobody")
        changed = nxt != self.seat
        self.seat = nxt
        self.picks, self.selected, self.target_index, self.list_cursor = [], None, 0, None
        if changed:
            self.argument = ""
        self._refresh()
        many_people = len(self.session.people()) > 1
        if resolved and not self.session.has_a_room():
            # one person against bots: no screen to pass every turn, the game screen says what moved
            # (its log has the seat's news) and R shows the whole results
            game = self.session.game
            moved = track_change(game.state_at(resolved - 1).escalation, game.state_at(resolved).escalation)
            self.notice = (self.session.autosave_problem
                           or f"Turn {resolved} resolved: escalation {moved}. The turn's results: R.")
            resolved = 0
        if resolved:
            after = self.app.make("handover", self) if many_people and (changed or first) else self
            self.app.open("results", self.session, resolved, then=after)
        elif many_people and (changed or first):
            self.app.open("handover", self)
        elif self.app.scene is not self or self.needs_briefing():
            self.app.switch(self.seat_screen())
        else:
            self.app.rebuild()
