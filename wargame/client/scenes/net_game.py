"""The game screen of one networked seat, or of the projector (`wargame play --join`).

The GameScreen the hot-seat game scene shows too (game_screen.py), over a NetSession: the same
map, track, dashboard, log and phase panels. What differs is the flow: there is no handover (one
seat per screen), other seats move on the server, so the scene polls for updates, and while the
server waits for others the phase panel says whom. The projector's screen is the public view,
with each turn's results (the results scene, from what the seat was sent) as it resolves.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UIPanel, UITextBox

from ...engine import IllegalInput
from ...engine.views import PUBLIC
from .. import describe as D
from ..app import register
from ..board import seat_name
from ..game_screen import GameScreen
from ..net_session import RECONNECT_EVERY, NetSession
from ..session import UMPIRE
from ..text import esc


@register("net_game")
class NetGameScene(GameScreen):
    def __init__(self, app, session: NetSession):
        super().__init__(app, session, seat=session.seat)
        self.net: NetSession = session
        self.acting = False
        self.stage: tuple = ()  # (turn, phase) the picks belong to
        self.panel_key: tuple = ()
        self.retry_in = 0.0
        self.draft_sent: tuple = ()  # the picks last sent to the server as this seat's draft
        self.draft_restored = False
        self.shown_title = ""  # the title bar as last seen by update, to redraw when it changes

    def update(self, dt: float) -> None:
        super().update(dt)  # the first call shows the seat's screen
        net = self.net
        if net.client.closed:
            self.retry_in -= dt
            if self.retry_in <= 0:
                self.retry_in = RECONNECT_EVERY
                net.try_reconnect()
                self.notice = net.problem or "Reconnected to the server."
                self.app.dirty = True
            return
        if net.poll():
            self._advance()
        self._send_draft()
        title = self.title_text()
        if title != self.shown_title:  # the timer counts down on screen between updates
            self.shown_title = title
            self.app.dirty = True

    def _send_draft(self) -> None:
        """The picks so far go to the server as the seat's draft whenever they change, so that a
        phase timer running out hands them in instead of losing them."""
        from ...net.client import NetError

        picks = tuple(self.picks) if self.acting and self.phase == "orders" else ()
        if picks == self.draft_sent or self.seat not in self.rs.factions:
            return
        try:
            self.net.client.send_draft(picks)
        except NetError:
            return  # the loop reconnects; the draft goes again then
        self.draft_sent = picks

    def _restore_draft(self, phase: str) -> None:
        """Back at the table (a reconnect, a restarted client): the picks the server kept."""
        from ...engine import IllegalInput

        self.draft_restored = True
        mine = self.acting and phase == "orders" and self.net.seat in self.rs.factions
        kept = self.net.client.draft() if mine else []
        picks: list = []
        for order in kept:
            try:
                self.net.preview(picks + [order])
            except IllegalInput:
                continue
            picks.append(order)
        if picks:
            self.picks, self.draft_sent = picks, tuple(picks)
            self.notice = f"Your {len(picks)} picked order(s) were kept by the server."

    def _panel_key(self, view: dict) -> tuple:
        """What the phase panel is built from: when it changes, the widgets are built again."""
        own = view["factions"].get(self.seat, {})
        hold = self.net.client.holds()
        return (self.acting, view["turn"], view["phase"], view["outcome"], len(view["pending_votes"]),
                len(view["pending_reactions"]), own.get("capacity_left"), own.get("done"), len(view["notes"]),
                hold.get("on"), hold.get("at"), tuple(hold.get("unreviewed", ())))

    def title_text(self) -> str:
        """The date, turn and phase, and the phase timer's time left."""
        v = self.view
        if not v:
            return ""
        text = super().title_text()
        left = self.net.client.timer_left()
        if left is not None and v["outcome"] is None:
            paused = " (paused)" if self.net.client.timer().get("paused") else ""
            text += f"  Timer {int(left) // 60}:{int(left) % 60:02d}{paused}"
        return text

    def _advance(self, first: bool = False) -> None:
        net = self.net
        net.poll()
        view = net.view(net.seat)
        stage = (view["turn"], view["phase"])
        was_acting = self.acting
        self.acting = net.human_to_act() == net.seat
        if stage != self.stage or (was_acting and not self.acting):
            self.picks, self.selected, self.target_index, self.list_cursor = [], None, 0, None
            self.draft_sent = ()  # the server drops a draft when its turn is over
        self.stage = stage
        self.seat = net.seat
        if not self.draft_restored:
            self._restore_draft(view["phase"])
        panel = self._panel_key(view)
        same_panel, self.panel_key = panel == self.panel_key, panel
        if first and net.seat == UMPIRE:
            self.notice = ("The umpire's desk: F6 pauses or resumes the phase timer; F7 holds the game at the "
                           "checkpoints (turn start, red-line crossings) or stops holding; Save exports the room.")
        self._refresh()
        if net.over:
            self.notice = f"The game is over ({view['outcome'].replace('_', ' ')}). The umpire can export the room."
        resolved = net.newly_resolved()
        if net.over and self._game_over(resolved):
            return
        if resolved:
            self.app.open("results", net, resolved, then=self)  # from what the seat was sent
        elif self.app.scene is not self or self.needs_briefing():
            self.app.switch(self.seat_screen())  # a seat's briefing before its first turn, as at a hot seat
        elif same_panel and self.acting and not first:
            # another seat moved while this one is choosing: the map and title follow at once, but the
            # widgets are kept (a rebuild would drop the focus from a half-typed argument)
            self.app.dirty = True
        else:
            self.app.rebuild()

    def is_person(self, seat: str) -> bool:
        return seat == self.net.seat  # the server's other seats are people or bots elsewhere

    def _game_over(self, resolved: int) -> bool:
        """At the end every screen opens the game-over scene (scores, chart, debrief) on the whole
        game the server sends then, after the last turn's results; False if it has not arrived."""
        from ...persist import SaveError

        try:
            final = self.net.final_session()
        except SaveError as exc:
            self.notice = f"The server's final game did not load: {exc}"
            return False
        if final is None:
            return False
        end = self.app.make("gameover", final)
        self.app.switch(self.app.make("results", final, resolved, then=end) if resolved else end)
        return True

    def build(self) -> None:
        super().build()
        if self.view is not None and self.seat == PUBLIC:
            self.dashboard.set_text(public_dashboard_html(self.rs, self.view))
        if self.seat == UMPIRE:
            self.bind(pygame.K_F6, self.toggle_timer)
            self.bind(pygame.K_F7, self.toggle_holds)

    def toggle_holds(self) -> None:
        """The umpire holds the game at the checkpoints, as a hot-seat umpire does, or stops (F7)."""
        on = not self.net.has_umpire
        try:
            self.net.set_holds(on)
        except IllegalInput as exc:
            self.notice = f"The checkpoints did not change: {exc.message}"
        else:
            self.notice = ("The game now waits for you at each turn's start and each red-line crossing."
                           if on else "The game no longer waits at the checkpoints.")
        self._advance()

    def toggle_timer(self) -> None:
        """The umpire pauses or resumes the server's phase timer (F6)."""
        from ...net.client import NetError

        paused = self.net.client.timer().get("paused", False)
        try:
            self.net.client.set_timer("resume" if paused else "pause")
        except NetError as exc:
            self.notice = f"The timer did not change: {exc}"
        else:
            self.notice = "Phase timer resumed." if paused else "Phase timer paused."
        self.app.dirty = True

    def _build_phase_panel(self, rect: pygame.Rect) -> None:
        if self.acting and self.seat != PUBLIC:
            super()._build_phase_panel(rect)
            return
        self.umpire_panel = None
        panel = UIPanel(rect, manager=self.manager)
        view = self.view
        names = [seat_name(self.rs, s) for s in view["waiting_for"]]
        if view["outcome"] is not None:
            text = "<b>The game is over.</b> The debrief opens once the server has sent the whole game."
        elif self.net.checkpoint() is not None:
            text = "<b>The umpire holds the game.</b> It goes on when the umpire releases it."
        elif names:
            text = f"<b>{esc(view['phase'].capitalize())} phase.</b> Waiting for: {esc(', '.join(names))}."
        else:
            text = "Waiting for the server."
        pad = self.app.px(8)
        UITextBox(text, pygame.Rect(pad, pad, rect.width - 2 * pad, rect.height - 2 * pad), self.manager,
                  container=panel)


def public_dashboard_html(rs, view: dict) -> str:
    """What the projector shows of each faction: public stats and capacity, no payoffs or objectives."""
    parts = ["<b>Projector</b> (public information only)"]
    for fid, faction in rs.factions.items():
        f = view["factions"][fid]
        stats = ", ".join(f"{D.stat_name(s).lower()} {v}" for s, v in f["stats"].items())
        done = " (done)" if f["done"] else ""
        parts += ["", f"<b>{esc(faction.name)}</b>: capacity {f['capacity_left']}{done}",
                  f"<font color='{D.MUTED}'>{esc(stats)}</font>"]
    return "<br>".join(parts)
