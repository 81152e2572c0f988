"""The attack harness (bench/attack.py): every class of hostile input is tried and answered cleanly,
and the harness itself sees a dirty answer when one is given (it can fail)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import attack  # noqa: E402


@pytest.mark.slow
def test_every_class_of_attack_is_tried_and_answered_cleanly():
    report = attack.attack(quick=True, seed=12)
    per_class = report.per_class()
    assert set(per_class) == set(attack.CLASSES)
    for cls, (tried, _) in per_class.items():
        assert tried >= 5, (cls, tried)
    failures = [f"[{r.cls}] {r.name}: {r.why}" for r in report.results if not r.ok]
    assert not failures, "\n".join(failures)


def fake_command(tmp_path: Path, body: str) -> list[str]:
    """A stand-in for `python -m wargame`: a script that answers the way `body` says."""
    script = tmp_path / "fake.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.mark.parametrize("body, expect, why", [
    ("raise RuntimeError('boom')", "either", "traceback"),
    ("print('\\x1b[2Jhello')", "either", "raw control character"),
    ("import sys; print('line one', file=sys.stderr); print('line two', file=sys.stderr); sys.exit(1)",
     "either", "an error of 2 lines"),
    ("import sys; print('error: ' + 'x' * 2000, file=sys.stderr); sys.exit(1)", "either", "an error line of"),
    ("print('{\"a\": NaN}')", "either", "bad JSON"),
    ("import time; time.sleep(30)", "either", "no answer within"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "either", "killed by signal"),
    ("print('fine')", "error", "accepted where an error was expected"),
    ("import sys; print('error: no', file=sys.stderr); sys.exit(1)", "ok", "where a game was expected"),
    ("import sys; sys.exit(3)", "either", "exit code 3"),
])
def test_the_judge_sees_a_dirty_answer(tmp_path, monkeypatch, body, expect, why):
    monkeypatch.setattr(attack, "TIMEOUT_S", 2.0)
    run = attack.run_cli(["--json"], cwd=tmp_path, timeout=2.0, command=fake_command(tmp_path, body))
    problem = attack.judge(run, expect, json_out=True)
    assert problem is not None and why in problem, problem


def test_the_judge_passes_a_clean_answer(tmp_path):
    for body, expect in [("print('{\"ok\": 1}')", "ok"),
                         ("import sys; print('error: one line', file=sys.stderr); sys.exit(1)", "error"),
                         ("import sys; print('error: bad ruleset:', file=sys.stderr); "
                          "print('  a.toml: x', file=sys.stderr); sys.exit(1)", "error")]:
        run = attack.run_cli([], cwd=tmp_path, command=fake_command(tmp_path, body))
        assert attack.judge(run, expect, json_out=True) is None, body


def test_leftover_temporary_files_fail_a_case(tmp_path):
    (tmp_path / "out").mkdir()
    assert attack.leftovers(tmp_path) is None
    (tmp_path / "out" / ".x.png.123-abcdefgh.tmp").write_bytes(b"half")
    assert "left behind" in attack.leftovers(tmp_path)


def test_a_broken_case_is_counted_as_failed(tmp_path, monkeypatch, capsys):
    """A class whose checks crash, print a traceback or pass: tried and passed are counted apart."""

    def broken(ctx):
        yield "passes", lambda: None
        yield "prints a traceback", lambda: attack.cli_case(
            [], ctx.folder(), command=fake_command(ctx.tmp, "raise ValueError('x')"))
        yield "the check itself raises", lambda: 1 / 0

    report = attack.attack(["save"], budget=3, attacks={"save": broken})
    assert report.per_class() == {"save": (3, 1)}
    whys = {r.name: r.why for r in report.results}
    assert "traceback" in whys["prints a traceback"]
    assert "ZeroDivisionError" in whys["the check itself raises"]
    monkeypatch.setitem(attack.ATTACKS, "save", broken)  # the command line counts the same way
    assert attack.main(["--class", "save", "--budget", "3", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["classes"] == {"save": {"tried": 3, "passed": 1}} and len(out["failures"]) == 2
