"""A seat's briefing, played through real pygame events: shown after the handover before each
person's first turn (and not again), again with B; P writes it as Markdown and HTML, both or
neither; it holds the seat's objectives and payoffs from the ruleset and no other seat's secret."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import errno

import pygame
import pytest
from attrs import evolve

from test_client_game import SEATS, new_session, press, sane, widget_texts
from wargame.client.app import App
from wargame.client.briefing import make_briefing, to_html, to_markdown, write_briefing
from wargame.client.scenes.briefing import BriefingScene
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.handover import HandoverScene
from wargame.engine import new_game, player_view


@pytest.fixture
def app(tmp_path):
    a = App((1366, 768), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def test_each_person_is_briefed_once_after_the_handover(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("russia", "ukraine"), seed=2)
    app.switch(GameScene(app, session))
    app.pump()
    briefed = []
    while session.game.turns == 0:
        scene = app.scene
        if isinstance(scene, HandoverScene):
            seat = scene.seat
            assert "Briefing" not in widget_texts(app), "the handover is for the room"
            press(app, pygame.K_RETURN)
            if seat not in briefed:
                assert isinstance(app.scene, BriefingScene) and app.scene.briefing.seat == seat
                text = widget_texts(app)
                assert f"Briefing for {rs.factions[seat].name}" in text
                for o in rs.factions[seat].objectives:
                    assert o.description in text
                press(app, pygame.K_RETURN)
                briefed.append(seat)
            assert isinstance(app.scene, GameScene), "a seat is briefed once"
            continue
        if isinstance(scene, GameScene):
            if scene.phase == "orders":
                press(app, pygame.K_f)
                press(app, pygame.K_RETURN)  # hand in nothing, confirmed
            elif scene.phase == "consensus":
                press(app, pygame.K_a)
            else:
                press(app, pygame.K_0)
        else:
            press(app, pygame.K_RETURN)
    assert sorted(briefed) == ["russia", "ukraine"]


def briefed_scene(app, rs, tmp_path, seat="ukraine"):
    session = new_session(rs, tmp_path, humans=(seat,), seed=2)
    app.switch(GameScene(app, session))
    app.pump()
    app.pump()
    assert isinstance(app.scene, BriefingScene), "one person: the briefing comes first, with no handover"
    return app.scene


def test_p_prints_the_briefing_and_b_shows_it_again(app, rs, tmp_path):
    briefed_scene(app, rs, tmp_path)
    press(app, pygame.K_p)
    md = sorted(tmp_path.glob("briefing-ukraine-*.md"))
    page = sorted(tmp_path.glob("briefing-ukraine-*.html"))
    assert len(md) == 1 and len(page) == 1
    text, html = md[0].read_text(), page[0].read_text()
    assert text.startswith("# Briefing for Ukraine") and "## What each ending is worth to you" in text
    for o in rs.outcomes:
        assert f"{o.payoffs['ukraine']:+d}" in text
    assert "<h1>Briefing for Ukraine</h1>" in html and "<ul>" in html
    assert md[0].name in widget_texts(app), "where it was written is said on screen"
    press(app, pygame.K_RETURN)
    game = app.scene
    assert isinstance(game, GameScene)
    press(app, pygame.K_b)
    assert isinstance(app.scene, BriefingScene) and app.scene.again
    assert "Back to the game [Enter]" in widget_texts(app)
    press(app, pygame.K_ESCAPE)
    assert app.scene is game


def test_the_briefing_opened_later_names_the_turn(app, rs, tmp_path):
    briefed_scene(app, rs, tmp_path)
    assert "at the start" in widget_texts(app) and "The game opens in" in widget_texts(app)
    press(app, pygame.K_RETURN)
    game = app.scene
    press(app, pygame.K_f)
    press(app, pygame.K_RETURN)  # hand in nothing, confirmed: the bots play, the turn resolves
    app.pump()
    assert app.scene is game and game.session.game.turns == 1
    date = game.view["date"]
    press(app, pygame.K_b)
    assert isinstance(app.scene, BriefingScene)
    text = widget_texts(app)
    assert "at the start" not in text and "The game opens" not in text
    assert f"The game is at turn 2 ({date}), after 1 turn played" in text and "Your stats at turn 2:" in text
    assert f"turn 2 ({date})" in app.scene.briefing.subtitle
    sane(app.screen)


def test_a_failed_write_leaves_neither_file(app, rs, tmp_path, monkeypatch):
    scene = briefed_scene(app, rs, tmp_path)
    import wargame.files as files

    real = files._stage
    calls = []

    def full_disk(path, data):
        calls.append(path)
        if len(calls) == 2:  # the second file does not fit
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "_stage", full_disk)
    press(app, pygame.K_p)
    assert len(calls) == 2
    assert list(tmp_path.glob("briefing-*")) == [] and not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert "Could not write the briefing: No space left on device" in widget_texts(app)
    assert app.scene is scene


def test_the_briefing_holds_no_other_seats_secret(rs):
    """Other seats' hidden resolve and tolerance change nothing in a seat's briefing; its own
    lines' resolve is there, marked secret."""
    st, _ = new_game(rs, seed=1)
    for seat in SEATS:
        other = evolve(st, lines={lid: (evolve(ls, resolve=1 - ls.resolve, tolerance=ls.tolerance + 2)
                                        if rs.red_lines[lid].owner != seat else ls)
                                  for lid, ls in st.lines.items()})
        assert make_briefing(rs, player_view(rs, st, seat), seat) == make_briefing(rs, player_view(rs, other, seat),
                                                                                    seat)
    own = make_briefing(rs, player_view(rs, st, "russia"), "russia")
    secrets = [i for p in own.parts for i in p.items if "true resolve" in i]
    assert len(secrets) == sum(1 for lid, ls in st.lines.items() if rs.red_lines[lid].owner == "russia" and ls.active)


def test_markup_from_a_ruleset_is_escaped_in_both_files(rs, tmp_path):
    st, _ = new_game(rs, seed=1)
    factions = dict(rs.factions)
    factions["ukraine"] = evolve(factions["ukraine"], description="<script>alert(1)</script> *bold* \x1b[31m")
    hostile = evolve(rs, factions=factions)
    b = make_briefing(hostile, player_view(hostile, st, "ukraine"), "ukraine")
    assert "<script>" not in to_html(b) and "&lt;script&gt;" in to_html(b)
    assert "\x1b" not in to_markdown(b) and "\\*bold\\*" in to_markdown(b)
    md, page = write_briefing(tmp_path, b, "../../x")
    assert md.parent == tmp_path and page.parent == tmp_path
