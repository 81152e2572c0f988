"""`wargame briefing`: a seat's briefing on the terminal or into a Markdown or HTML file, with
one-line errors and no raw control characters."""

from wargame.cli import main
from wargame.persist import saves_home

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
