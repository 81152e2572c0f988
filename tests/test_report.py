"""The after-action report: what it tells about a save, its pictures, branches, escaping and the command."""

import base64
import html
import re
import shutil
import struct
import subprocess
import sys

import pytest
from attrs import evolve

from wargame.bots import make_bots
from wargame.cli import main
from wargame.engine import EndOrders, Order, final_scores, legal_inputs, month_label, seats_to_act
from wargame.engine.inputs import UMPIRE_TYPES, React
from wargame.engine.state import PHASE_ORDERS
from wargame.persist import SavedGame, branch, load_save, save_game, saves_home
from wargame.persist.game import turn_events
from wargame.report import images, make_report, write_report
from wargame.report.collect import collect

SHIPPED = saves_home() / "history-2022-2024.wgsave"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC, "not a PNG"
    return struct.unpack(">II", data[16:24])  # the IHDR chunk's width and height


def embedded_pngs(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def section(page: str, anchor: str) -> str:
    """The HTML from one h2 section's heading to the next h2."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start + 1)
    return page[start:end if end > 0 else len(page)]


def play_out(game: SavedGame, seed: int, until_turn: int | None = None, orders: bool = True) -> None:
    """Doctrine bots play the game on; with `orders` false every seat hands in no orders."""
    bots = make_bots(game.ruleset, "doctrine", seed=seed)
    while game.state.outcome is None and (until_turn is None or game.state.turn <= until_turn):
        seat = seats_to_act(game.ruleset, game.state)[0]
        if not orders and game.state.phase == PHASE_ORDERS:
            game.apply(EndOrders(seat))
        else:
            game.apply(bots[seat].choose(game.ruleset, game.state, seat))


@pytest.fixture(scope="module")
def history():
    return load_save(SHIPPED)


@pytest.fixture(scope="module")
def history_report(tmp_path_factory, history):
    out = tmp_path_factory.mktemp("history-report")
    report, paths = make_report(SHIPPED, out, game=history)
    return {"out": out, "report": report, "paths": paths,
            "html": (out / "report.html").read_text("utf-8"), "md": (out / "report.md").read_text("utf-8")}


# --- the history save ----------------------------------------------------------------------------

def test_the_report_names_the_outcome_the_seats_and_the_scores(history, history_report):
    page, st = history_report["html"], history.state
    assert st.outcome is not None
    summary = section(page, "summary")
    rule = next(o for o in history.ruleset.outcomes if o.id == st.outcome)
    assert html.escape(rule.name) in summary
    for fid, score in final_scores(history.ruleset, st).items():
        assert f">{score}<" in summary  # each faction's final score is in the table
        assert html.escape(history.ruleset.factions[fid].name) in summary
    assert summary.count(">history<") == len(history.ruleset.factions)  # who played each seat
    assert html.escape(history.header.title) in page


def test_every_crossing_and_its_answer_is_listed(history, history_report):
    rs, crossings = history.ruleset, section(history_report["html"], "crossings")
    events = [e for t in range(1, history.turns + 1) for e in turn_events(history, t)]
    crossed = [e for e in events if e.kind == "crossing"]
    assert crossed, "the history save has crossings"
    for e in crossed:
        assert html.escape(rs.red_lines[e.data["red_line"]].name) in crossings
    # one row per crossing, and every answer chosen is named with its rung
    assert crossings.count("<tr>") == len(crossed) + 1  # plus the header row
    for li in history.inputs:
        if isinstance(li.input, React) and li.input.response:
            line = rs.red_lines[li.input.red_line]
            response = next(r for r in line.responses if r.id == li.input.response)
            assert f"{html.escape(response.name)} (rung {response.rung})" in crossings
    unanswered = sum(e.kind == "unanswered" for e in events)
    assert crossings.count("let it pass") == unanswered


def test_rationales_from_the_log_are_shown(history, history_report):
    page, md = history_report["html"], history_report["md"]
    orders = [li.input for li in history.inputs if isinstance(li.input, Order) and li.input.rationale]
    for order in (orders[0], orders[len(orders) // 2], orders[-1]):
        assert html.escape(order.rationale) in section(page, "orders")
    umpire = [li.input for li in history.inputs if isinstance(li.input, UMPIRE_TYPES)]
    assert umpire, "the history save has umpire inputs"
    umpire_part = section(page, "umpire")
    for inp in umpire:
        assert html.escape(inp.rationale) in umpire_part
        # in the orders, only on rows marked as forced by the umpire, never as a player's argument
        rows = [r for r in section(page, "orders").split("<tr>") if html.escape(inp.rationale) in r]
        assert all(">Umpire<" in r and "forced by the umpire" in r for r in rows)
    assert history.captions[1].caption.split(".")[0] in html.unescape(page)
    assert "Kharkiv city is held" in md


def test_each_rise_is_labelled_with_the_action_that_reached_the_new_rung(history, history_report):
    rs, rises = history.ruleset, history_report["report"].rises
    levels = [history.state_at(0).escalation, *history.state.history]
    turns_rising = [t for t in range(1, len(levels)) if levels[t] > levels[t - 1]]
    assert [r.turn for r in rises] == turns_rising
    for rise in rises:
        reached = [e for e in turn_events(history, rise.turn)
                   if e.kind in ("executed", "response") and e.data.get("rung") == rise.after]
        assert reached, f"turn {rise.turn}: nothing reached rung {rise.after}"
        first = reached[0]
        name = rs.actions[first.data["action"]].name if first.kind == "executed" else next(
            r.name for line in rs.red_lines.values() for r in line.responses if r.id == first.data["response"])
        assert rise.label.startswith(name), (rise.label, name)
        assert html.escape(rise.cause) in section(history_report["html"], "escalation")


def test_hidden_numbers_are_revealed_beside_the_public_ones(history, history_report):
    rs, hidden = history.ruleset, section(history_report["html"], "hidden")
    for lid, ls in history.state.lines.items():
        name = html.escape(rs.red_lines[lid].name)
        row = hidden[hidden.index(name):]
        row = row[:row.index("</tr>")]
        assert f">{ls.tolerance}<" in row
        assert f">{round(ls.resolve * 100)}%<" in row
        assert f"{round(ls.credibility * 100)}%<" in row


def test_three_maps_and_the_chart_are_embedded_as_pngs(history, history_report):
    pictures = embedded_pngs(history_report["html"])
    sizes = [png_size(p) for p in pictures]
    assert sizes.count(images.MAP_SIZE) == 3
    assert sizes.count(images.CHART_SIZE) == 1
    assert len(pictures) == 4
    maps = history_report["report"].maps
    peak = history.state.peak
    assert [m.turn for m in maps] == [0, next(t for t in range(history.turns + 1)
                                              if history.state_at(t).peak == peak), history.turns]
    assert len({p for p in pictures}) == 4  # start, peak and end differ


def test_the_page_is_self_contained(history_report):
    page = history_report["html"]
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from elsewhere
    assert "<script" not in page and "@import" not in page and "@font-face" not in page
    assert "@media print" in page and "<thead>" in page


def test_markdown_pictures_are_files_beside_it(history_report):
    out, md = history_report["out"], history_report["md"]
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(links) == 4
    for link in links:
        data = (out / link).read_bytes()
        png_size(data)
    assert {p.name for p in history_report["paths"]} >= {"report.html", "report.md"}
    assert all(p.exists() for p in history_report["paths"])
    assert not list(out.rglob("*.tmp"))  # atomic writes leave no temporary files


# --- branches ------------------------------------------------------------------------------------

def test_a_branch_is_compared_with_its_parent_found_next_to_it(tmp_path, history):
    turn = 30
    child = branch(history, turn)
    play_out(child, seed=5)
    shutil.copy(SHIPPED, tmp_path / "parent.wgsave")
    save_game(tmp_path / "child.wgsave", child)
    out = tmp_path / "report"
    report, paths = make_report(tmp_path / "child.wgsave", out, search_dirs=())  # only the save's own folder
    cmp = report.comparison
    assert cmp is not None and cmp.found and cmp.branch_turn == turn
    assert cmp.parent_history == tuple(history.state.history)
    page = (out / "report.html").read_text("utf-8")
    month = month_label(history.ruleset, history.state_at(turn), turn)
    assert f"after turn {turn} ({month})" in section(page, "branch")
    assert html.escape(history.header.title) in section(page, "branch")
    both = (out / "images" / "comparison.png").read_bytes()
    alone = (out / "images" / "escalation.png").read_bytes()
    assert png_size(both) == png_size(alone) and both != alone
    assert len(embedded_pngs(page)) == 5  # the comparison chart is in the page too
    # the parent's line is drawn (dashed grey) in the comparison chart only
    import pygame

    from wargame.client.chart import COMPARE

    def grey_pixels(name: str) -> int:
        surf = pygame.image.load(out / "images" / name)
        return pygame.mask.from_threshold(surf, (*COMPARE, 255), (2, 2, 2, 255)).count()

    assert grey_pixels("comparison.png") > grey_pixels("escalation.png") + 500


def test_a_branch_whose_parent_is_missing_says_so(tmp_path, rs, capsys):
    game, _ = SavedGame.new(rs, seed=7, seats={f: "doctrine" for f in rs.factions}, title="tiny")
    play_out(game, seed=7, until_turn=2)
    child = branch(game, 1)  # its parent is never saved
    play_out(child, seed=8, until_turn=2)
    save_game(tmp_path / "child.wgsave", child)
    assert main(["report", str(tmp_path / "child.wgsave"), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "note:" in err and "not found" in err and len(err.strip().splitlines()) == 1
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "was not found" in section(page, "branch")
    assert not (tmp_path / "out" / "images" / "comparison.png").exists()


# --- escaping ------------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> | [link](javascript:alert(1)) & more'


def test_text_from_the_save_is_escaped(tmp_path, rs):
    game, _ = SavedGame.new(rs, seed=3, seats={f: "human" for f in rs.factions}, title="<b>bold</b> | title")
    seat = seats_to_act(rs, game.state)[0]
    order = next(i for i in legal_inputs(rs, game.state, seat) if isinstance(i, Order))
    game.apply(evolve(order, rationale=HOSTILE))
    play_out(game, seed=3, until_turn=1)  # bots finish the first turn
    save_game(tmp_path / "hostile.wgsave", game)
    write_report(tmp_path / "hostile.wgsave", tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    md = (tmp_path / "out" / "report.md").read_text("utf-8")
    assert "<script" not in page and "<b>bold" not in page
    assert html.escape(HOSTILE) in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "\\|" in md and "\\[link\\]" in md
    # the hostile rationale's row still has as many cells as the header
    row = next(line for line in md.splitlines() if "alert" in line)
    header = next(line for line in md.splitlines() if line.startswith("| Faction | Order"))
    assert row.count(" | ") == header.count(" | ")


# --- the command ---------------------------------------------------------------------------------

def test_the_command_writes_the_report(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", str(SHIPPED), "--out", str(out), "--size", "960x600"]) == 0
    said = capsys.readouterr().out
    assert "report.html" in said and "report.md" in said
    page = (out / "report.html").read_text("utf-8")
    assert [png_size(p) for p in embedded_pngs(page)].count((960, 600)) == 3
    assert sorted(p.name for p in (out / "images").iterdir()) == [
        "escalation.png", "map-end.png", "map-peak.png", "map-start.png"]
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


@pytest.mark.parametrize("content", [None, b"not a save at all", b"WGSAVE\x00garbage"])
def test_the_command_refuses_a_missing_or_corrupt_save_in_one_line(tmp_path, capsys, content):
    path = tmp_path / "game.wgsave"
    if content is not None:
        path.write_bytes(content)
    assert main(["report", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_failure_while_rendering_writes_nothing(tmp_path, monkeypatch):
    import wargame.report.html as writer

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "render", broken)
    with pytest.raises(RuntimeError):
        write_report(SHIPPED, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))


def test_crowded_chart_notes_do_not_cover_each_other(rs):
    import pygame

    from wargame.client.chart import _free_spot

    plot = pygame.Rect(0, 0, 400, 300)
    taken = [pygame.Rect(100, 200, 120, 20)]
    for _ in range(5):  # five notes wanted at the same spot
        box = _free_spot(pygame.Rect(110, 205, 120, 20), taken, plot, 10)
        assert box.collidelist(taken) < 0 and plot.contains(box)
        taken.append(box)


def test_collect_reads_a_game_in_progress(rs):
    game, _ = SavedGame.new(rs, seed=11, seats={f: "random" for f in rs.factions})
    play_out(game, seed=11, until_turn=1)
    seat = seats_to_act(rs, game.state)[0]
    game.apply(next(i for i in legal_inputs(rs, game.state, seat) if isinstance(i, Order)))  # turn 2 under way
    report = collect(game)
    assert report.outcome is None and report.headline == "The game has not ended"
    assert report.turns == game.turns == 1 and len(report.turn_logs) == 2  # the turn under way too
    assert [r.result for r in report.turn_logs[-1].rows] == ["turn not finished"]


def test_rises_by_the_umpire_and_by_a_scheduled_inject_are_put_down_to_them(rs):
    # the umpire lifts the track to 11 (no easing from there) and schedules an inject that adds a
    # rung at the start of turn 3: its event is told at the end of turn 2, its rise is turn 3's.
    # Nobody orders anything, so only the umpire, the inject and chance move the track.
    from wargame.engine import FireInject, SetTrack

    by_umpire = by_inject = 0
    for seed in range(1, 6):
        game, _ = SavedGame.new(rs, seed=seed, seats={**{f: "human" for f in rs.factions}, "umpire": "human"})
        game.apply(SetTrack("escalation", 11, "the seminar wants the crisis at its height"))
        game.apply(FireInject("nuclear_plant_fighting", 3, "as the scenario foresaw"))
        play_out(game, seed, until_turn=3, orders=False)
        rises = {r.turn: r for r in collect(game).rises}
        if rises[1].after == 11:  # no chance roll added a rung after the umpire's
            assert rises[1].label == "umpire" and rises[1].cause == "the umpire set the track", rises[1]
            by_umpire += 1
        if 3 in rises:
            if not _reached(game, 3, rises[3].after):  # nothing else took the track that high: the inject did
                assert rises[3].label.startswith("Fighting near a nuclear plant"), rises[3]
                by_inject += 1
    assert by_umpire and by_inject


def _reached(game, turn: int, rung: int) -> bool:
    """Whether an order or answer of `turn` had a rung of `rung` or more."""
    return any(e.kind in ("executed", "response") and e.data["rung"] >= rung for e in turn_events(game, turn))


def test_gathering_the_facts_needs_no_pygame():
    code = ("import sys, wargame.report.collect, wargame.report.parent, wargame.report.document, "
            "wargame.report.html, wargame.report.markdown; print('pygame' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_orders_mark_what_the_umpire_forced(history, history_report):
    from wargame.engine import Note, Publish
    from wargame.report.collect import FORCED

    forced = [li for li in history.umpire_log() if not isinstance(li.input, (Note, Publish))]
    report = history_report["report"]
    rows = [(log.turn, row) for log in report.turn_logs for row in log.rows if row.kind == "umpire"]
    assert len(rows) == len(forced)
    assert [t for t, _ in rows] == [li.turn for li in forced]
    assert all(row.result == FORCED and row.rationale == li.input.rationale for (_, row), li in zip(rows, forced))
    assert section(history_report["html"], "orders").count(f">{FORCED}<") == len(forced)
