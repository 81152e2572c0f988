"""The game-over scene and the escalation chart, headless (SDL's dummy drivers)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402
import pytest  # noqa: E402

from wargame.client import palette as P  # noqa: E402
from wargame.client.app import App  # noqa: E402
from wargame.client.chart import LINE, draw_escalation_chart  # noqa: E402
from wargame.client.scenes import gameover as G  # noqa: E402
from wargame.client.scenes.gameover import GameOverScene  # noqa: E402
from wargame.client.session import Session  # noqa: E402
from wargame.engine import final_scores  # noqa: E402
from wargame.persist import SavedGame, load_save  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402


@pytest.fixture(scope="module")
def rs():
    return load_ruleset("default")


def finished(rs, kind="doctrine", seed=11, title="Spring 2024: seed/11"):
    game, events = SavedGame.new(rs, seed=seed, seats={f: kind for f in rs.factions}, title=title)
    session = Session.start(game, events)
    session.play_bots()
    assert session.over
    return session


@pytest.fixture(scope="module")
def session(rs):
    return finished(rs)


@pytest.fixture
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def show(app, session):
    scene = GameOverScene(app, session)
    app.switch(scene)
    app.pump()
    return scene


def press(app, key):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    app.pump()


def test_debrief_reveals_every_tolerance_and_resolve(app, session):
    scene = show(app, session)
    html = scene.debrief_box.html_text
    for lid, line in session.state.lines.items():
        assert session.rs.red_lines[lid].name in html
        assert f"true tolerance <b>{line.tolerance}</b>" in html
        assert f"true resolve <b>{G.pct(line.resolve)}</b>" in html
        assert f"crossed {line.crossed}, unanswered {line.unanswered}" in html
    rule = next(o for o in session.rs.outcomes if o.id == session.state.outcome)
    assert scene.headline == rule.name  # the headline is ruleset data


def test_scores_match_final_scores(app, session):
    scene = show(app, session)
    scores = final_scores(session.rs, session.state)
    assert {fid: text for fid, _, _, text, _ in scene.rows} == {f: str(v) for f, v in scores.items()}
    winners = [fid for fid, _, _, _, win in scene.rows if win]
    assert winners == [f for f, v in scores.items() if v == max(scores.values())]
    for (_, _, parts, total, _) in scene.rows:  # ending + objectives - penalty = the payoff shown
        assert sum(int(x) for x in parts.rstrip(" =").split()) == int(total)


def test_trigger_names(rs):
    assert G.trigger_text(rs, "inadvertent").startswith("inadvertent")
    assert G.trigger_text(rs, "russia") == rs.factions["russia"].name


def test_nuclear_game_reads_all_lose(app, rs):
    # random bots end about a fifth of games in a nuclear exchange; seed 3 is one today
    s = next((g for g in (finished(rs, "random", seed) for seed in range(30))
              if g.state.outcome == "nuclear_exchange"), None)
    assert s is not None, "none of the first 30 random-bot games ended in a nuclear exchange"
    scene = show(app, s)
    nuclear = next(o for o in rs.outcomes if o.id == "nuclear_exchange")
    assert [text for _, _, _, text, _ in scene.rows] == [str(nuclear.payoffs[f]) for f in rs.factions]
    assert "every side loses" in scene.headline


def test_save_key_writes_a_loadable_file(app, session, tmp_path):
    scene = show(app, session)
    press(app, pygame.K_s)
    path = tmp_path / "Spring-2024-seed-11-final.wgsave"
    assert scene.saved_path == path and path.is_file()
    assert str(path) in scene.notice and scene.notice_box is not None
    again = load_save(path)
    assert again.state.outcome == session.state.outcome
    assert again.state.history == session.state.history


def test_save_name_is_sanitised():
    class H:
        title, game_id = "../../etc/pass wd: <final>", "abc"

    name = G.save_name(H)
    assert name == "etc-pass-wd-final-final.wgsave" and "/" not in name
    H.title = ""
    assert G.save_name(H) == "abc-final.wgsave"


def test_escape_goes_to_the_menu(app, session):
    from wargame.client.scenes.menu import MenuScene

    show(app, session)
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, MenuScene)


def test_quit_key(app, session):
    show(app, session)
    press(app, pygame.K_q)
    assert not app.running


def test_page_down_scrolls_the_debrief_and_survives_a_resize(app, session):
    scene = show(app, session)
    assert scene.debrief_box.scroll_bar is not None  # fifteen red lines do not fit
    press(app, pygame.K_PAGEDOWN)
    assert scene._scroll > 0
    app.resize((1000, 700))
    app.pump()
    assert scene.debrief_box.scroll_bar.start_percentage == pytest.approx(scene._scroll, abs=0.02)


def test_draw_does_not_change_the_game(app, session):
    scene = show(app, session)
    before = (session.state, list(scene.view["history"]))
    scene.draw(app.screen)
    assert (session.state, scene.view["history"]) == before


def test_screenshot_is_sane(app, session):
    show(app, session)
    app.draw()
    pygame.image.save(app.screen, "/tmp/gameover_shot.png")
    colours = {tuple(app.screen.get_at((x, y)))[:3] for x in range(0, 1280, 37) for y in range(0, 800, 29)}
    assert len(colours) > 12
    assert tuple(app.screen.get_at((5, 5)))[:3] == P.rung_colour(session.state.peak)  # the banner's stripe


# --- the chart ----------------------------------------------------------------------------------

def test_chart_dots_sit_on_their_levels(rs):
    surf = pygame.Surface((700, 420))
    surf.fill((0, 0, 0))
    history = [2, 5, 9, 12, 7]
    pts = draw_escalation_chart(surf, (0, 0, 700, 420), rs, history, start_level=1, peak=12)
    pygame.image.save(surf, "/tmp/chart_shot.png")
    assert len(pts) == len(history)
    assert [p[0] for p in pts] == sorted(p[0] for p in pts)  # turns run left to right
    for level, (x, y) in zip(history, pts):
        assert tuple(surf.get_at((x, y)))[:3] == P.rung_colour(level)  # each dot in its rung's colour
    ys = [y for _, y in pts]
    assert ys[3] < ys[2] < ys[4] < ys[1] < ys[0]  # higher rung, higher on screen
    # the line between two dots is drawn in the series colour
    mid = ((pts[0][0] + pts[1][0]) // 2, (pts[0][1] + pts[1][1]) // 2)
    assert tuple(surf.get_at(mid))[:3] == LINE


def test_chart_handles_empty_and_single_histories(rs):
    surf = pygame.Surface((400, 260))
    assert draw_escalation_chart(surf, surf.get_rect(), rs, []) == []
    assert len(draw_escalation_chart(surf, surf.get_rect(), rs, [6], peak=9)) == 1
    assert len(draw_escalation_chart(surf, surf.get_rect(), rs, [6], start_level=4)) == 1


def test_chart_compare_series_and_inputs_untouched(rs):
    surf = pygame.Surface((800, 400))
    history, parent = [4, 5, 8, 11], [4, 5, 6, 6, 5]
    copy = (list(history), list(parent))
    pts = draw_escalation_chart(surf, (10, 10, 780, 380), rs, history, compare=parent, start_level=3,
                                compare_start=3, labels={3: "airfields"}, month_of=lambda t: f"M{t}",
                                name="branch", compare_name="parent")
    assert len(pts) == 4 and (history, parent) == copy
    # the chart stays inside its rectangle
    assert tuple(surf.get_at((5, 5)))[:3] == (0, 0, 0)


def test_replay_key_opens_the_replay_viewer(app, session):
    replay = pytest.importorskip("wargame.client.scenes.replay")
    show(app, session)
    press(app, pygame.K_r)
    assert isinstance(app.scene, replay.ReplayScene)


def test_report_key_saves_the_game_and_writes_its_report(app, session, tmp_path):
    scene = show(app, session)
    press(app, pygame.K_w)
    html = scene.report_path
    assert html.name == "report.html" and html.is_file() and html.parent.parent == tmp_path / "reports"
    assert scene.saved_path is not None and scene.saved_path.is_file()
    text = html.read_text(encoding="utf-8")
    assert session.game.header.title in text and "data:image/png;base64," in text
    assert (html.parent / "report.md").is_file()
    assert str(html) in scene.notice
    app.draw()  # the notice fits on the screen without errors
