"""`wargame briefing`: a seat's briefing on the terminal or into a Markdown or HTML file, with
one-line errors and no raw control characters."""

from wargame.cli import main
from wargame.client.briefing import make_briefing, to_markdown
from wargame.engine import new_game, player_view
from wargame.persist import branch, load_save, save_game, saves_home

HISTORY = saves_home() / "history-2022-2024.wgsave"


def test_a_scenarios_briefing_is_printed_as_markdown(capsys):
    assert main(["briefing", "--scenario", "spring2024", "--seat", "russia"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Briefing for Russia\n")
    assert "## The situation" in out and "## Your objectives" in out
    assert "\x1b" not in out


def test_a_saves_briefing_is_written_as_markdown_or_html(tmp_path, capsys):
    md, page = tmp_path / "ukraine.md", tmp_path / "ukraine.html"
    assert main(["briefing", str(HISTORY), "--seat", "ukraine", "--out", str(md)]) == 0
    assert main(["briefing", str(HISTORY), "--seat", "ukraine", "--out", str(page)]) == 0
    assert md.read_text().startswith("# Briefing for Ukraine")
    assert page.read_text().startswith("<!DOCTYPE html>") and "<h1>Briefing for Ukraine</h1>" in page.read_text()
    assert "wrote" in capsys.readouterr().out


def test_a_new_games_briefing_speaks_of_the_start(capsys):
    assert main(["briefing", "--scenario", "spring2024", "--seat", "ukraine"]) == 0
    out = capsys.readouterr().out
    assert "*Spring 2024: the grinding war, 2024-03*" in out
    assert "The game opens in 2024-03" in out and "Your stats at the start:" in out


def test_a_saves_briefing_names_the_turn_it_has_reached(tmp_path, capsys):
    mid = tmp_path / "mid.wgsave"
    save_game(mid, branch(load_save(HISTORY), 5))
    assert main(["briefing", str(mid), "--seat", "ukraine"]) == 0
    out = capsys.readouterr().out
    assert "at the start" not in out and "The game opens" not in out
    assert "The game is at turn 6 (2022-07), after 5 turns played" in out
    assert "Your stats at turn 6:" in out and ", turn 6 (2022-07)*" in out
    assert "## The situation when the game began (2022-02)" in out
    assert main(["briefing", str(HISTORY), "--seat", "ukraine"]) == 0  # a finished game: its end
    out = capsys.readouterr().out
    assert "The game ended in 2024-12, after 35 turns" in out and "Your stats at the end:" in out
    assert "at the start" not in out


def test_seed_chooses_the_new_game_of_a_scenario(rs, capsys):
    def expected(seed):
        st, _ = new_game(rs, seed=seed, scenario="seminar2024")
        return to_markdown(make_briefing(rs, player_view(rs, st, "russia"), "russia"))

    assert expected(5) != expected(0), "the seed draws the hidden resolve of the seat's own lines"
    assert main(["briefing", "--scenario", "seminar2024", "--seat", "russia", "--seed", "5"]) == 0
    assert capsys.readouterr().out == expected(5)
    assert main(["briefing", "--scenario", "seminar2024", "--seat", "russia"]) == 0
    assert capsys.readouterr().out == expected(0), "the seed is 0 unless given"


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert "\x1b" not in err
    return err


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    assert main(["briefing", str(HISTORY), "--seat", "ukrane"]) == 1
    assert "did you mean ukraine?" in one_line_error(capsys)
    assert main(["briefing", "--scenario", "nowhere", "--seat", "russia"]) == 1
    assert "no scenario 'nowhere'" in one_line_error(capsys)
    bad = tmp_path / "bad\x1b[31m.wgsave"
    bad.write_bytes(b"not a save")
    assert main(["briefing", str(bad), "--seat", "russia"]) == 1
    assert "not a wargame save" in one_line_error(capsys)
    assert main(["briefing", "--seat", "russia"]) == 1
    assert "give a save file or --scenario" in one_line_error(capsys)
    assert main(["briefing", str(HISTORY), "--scenario", "spring2024", "--seat", "russia"]) == 1
    one_line_error(capsys)
    assert main(["briefing", str(HISTORY), "--seat", "russia", "--out", str(tmp_path / "b.txt")]) == 1
    assert ".md or .html" in one_line_error(capsys)
    assert main(["briefing", str(HISTORY), "--seat", "russia", "--out", str(tmp_path)]) == 1
    one_line_error(capsys)
    assert main(["briefing", str(HISTORY), "--seat", "russia", "--seed", "3"]) == 1
    assert "--seed goes with --scenario" in one_line_error(capsys)
