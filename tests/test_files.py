"""wargame/files.py and its users: regular files only, all-or-nothing writes on a full disk,
and the temporary files of a killed writer swept up on the next start."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wargame import files
from wargame.cli import main
from wargame.persist import Autosaver, clean_saves_folder, load_save, save_game, saves_home

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"
HISTORY = saves_home() / "history-2022-2024.wgsave"


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def _age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


# --- reading ---------------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no FIFOs")
def test_read_regular_refuses_a_fifo_without_opening_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(files.NotARegularFile, match=r"named pipe \(FIFO\)"):
        files.read_regular(fifo)  # opening it would block: the test would hang instead
    with pytest.raises(files.NotARegularFile, match="a folder"):
        files.read_regular(tmp_path)
    with pytest.raises(files.NotARegularFile, match="character device"):
        files.read_regular("/dev/null")
    with pytest.raises(FileNotFoundError):
        files.read_regular(tmp_path / "missing")


def test_read_regular_and_read_text(tmp_path):
    path = tmp_path / "f.toml"
    path.write_bytes(b"a = 1\r\nb = 2\rc = 3\n")
    assert files.read_regular(path) == b"a = 1\r\nb = 2\rc = 3\n"
    assert files.read_regular(path, limit=3) == b"a = 1"[:4]  # limit + 1 bytes: the caller sees it is long
    assert files.read_text(path) == path.read_text(encoding="utf-8") == "a = 1\nb = 2\nc = 3\n"
    (tmp_path / "bad").write_bytes(b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        files.read_text(tmp_path / "bad")


# --- all-or-nothing writes -------------------------------------------------------------------------

class _FullDisk:
    """os.fdopen's file, which writes half of what it is given and then finds the disk full,
    from the `after`-th file on (counting from 0)."""

    def __init__(self, monkeypatch, after: int = 0):
        self.calls = 0
        self.after = after
        real = os.fdopen

        def fdopen(fd, *args, **kwargs):
            fh = real(fd, *args, **kwargs)
            if "w" not in (args[0] if args else kwargs.get("mode", "r")):
                return fh  # reading is not touched
            self.calls += 1
            return fh if self.calls <= self.after else _HalfThenFull(fh)

        monkeypatch.setattr(files.os, "fdopen", fdopen)


class _HalfThenFull:
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[:len(data) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def _all_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_all_atomic_writes_all_or_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    items = [(out / "images" / "a.png", b"A" * 100), (out / "b.md", b"B" * 100), (out / "c.html", b"C" * 100)]
    for after in range(3):  # the disk fills while writing the first, the second, the third file
        with monkeypatch.context() as m:
            _FullDisk(m, after)
            with pytest.raises(OSError) as info:
                files.write_all_atomic(items)
        assert info.value.errno == errno.ENOSPC
        assert not out.exists(), after  # the folders it made are gone too: nothing partial
        assert list(tmp_path.iterdir()) == []
    files.write_all_atomic(items)
    assert _all_files(out) == {"images/a.png": b"A" * 100, "b.md": b"B" * 100, "c.html": b"C" * 100}
    # a failed rewrite leaves the previous files as they were, and no temporary file
    newer = [(p, data.lower()) for p, data in items]
    with monkeypatch.context() as m:
        _FullDisk(m, 2)
        with pytest.raises(OSError):
            files.write_all_atomic(newer)
    assert _all_files(out) == {"images/a.png": b"A" * 100, "b.md": b"B" * 100, "c.html": b"C" * 100}


def _one_error_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize("after", [0, 2, 5])
def test_report_on_a_full_disk_leaves_nothing_partial(tmp_path, monkeypatch, capsys, after):
    out = tmp_path / "report"
    _FullDisk(monkeypatch, after)  # the first, the third or the sixth file finds the disk full
    code = main(["report", str(HISTORY), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    line = _one_error_line(captured.err)
    assert line.startswith("error: cannot write the report into") and "No space left on device" in line
    assert captured.out == ""
    assert not out.exists()  # the folder it would have made is gone as well
    assert list(tmp_path.iterdir()) == []


def test_report_on_a_full_disk_keeps_the_previous_report(tmp_path, monkeypatch, capsys):
    out = tmp_path / "report"
    assert main(["report", str(HISTORY), "--out", str(out)]) == 0
    before = _all_files(out)
    assert "report.html" in before and any(name.startswith("images/") for name in before)
    (out / "notes.txt").write_text("mine")
    with monkeypatch.context() as m:
        _FullDisk(m, 3)
        assert main(["report", str(HISTORY), "--out", str(out)]) == 1
    assert _all_files(out) == {**before, "notes.txt": b"mine"}  # nothing changed, nothing left over


def test_render_on_a_full_disk_leaves_nothing_partial(tmp_path, monkeypatch, capsys):
    png = tmp_path / "turn.png"
    with monkeypatch.context() as m:
        _FullDisk(m)
        code = main(["render", str(HISTORY), "--turn", "3", "--out", str(png)])
    captured = capsys.readouterr()
    assert code == 1
    line = _one_error_line(captured.err)
    assert line.startswith(f"error: cannot write {png}") and "No space left on device" in line
    assert list(tmp_path.iterdir()) == []
    # an earlier picture stays as it was
    assert main(["render", str(HISTORY), "--turn", "3", "--out", str(png)]) == 0
    before = png.read_bytes()
    assert before.startswith(b"\x89PNG")
    with monkeypatch.context() as m:
        _FullDisk(m)
        assert main(["render", str(HISTORY), "--turn", "5", "--out", str(png)]) == 1
    assert png.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["turn.png"]


def test_render_keeps_choosing_the_format_by_the_name(tmp_path, capsys):
    assert main(["render", str(HISTORY), "--turn", "1", "--out", str(tmp_path / "t.bmp")]) == 0
    assert (tmp_path / "t.bmp").read_bytes().startswith(b"BM")
    assert main(["render", str(HISTORY), "--turn", "1", "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


# --- stray temporary files -------------------------------------------------------------------------

def _crash_mid_save(path: Path) -> None:
    """A process that dies between writing its temporary file and renaming it (os._exit)."""
    script = textwrap.dedent("""
        import os, sys
        from wargame.persist import load_save, save_game
        game = load_save(sys.argv[1])
        os.replace = lambda *a: os._exit(17)
        save_game(sys.argv[1], game)
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 17, proc.stderr


@pytest.fixture
def crashed(tmp_path):
    """A saves folder after a save was killed mid-write, beside files that only look like ours."""
    folder = tmp_path / "saves"
    folder.mkdir()
    save = folder / "autosave-aaaa-0001.wgsave"
    save.write_bytes(HISTORY.read_bytes())
    _crash_mid_save(save)
    stray = [p for p in folder.iterdir() if p != save]
    assert len(stray) == 1 and files.is_our_temp(stray[0].name, (".wgsave",))
    assert stray[0].name.startswith(f".{save.name}.")
    old_style = folder / f".{save.name}.ab12cd_9.tmp"  # no pid, two minutes old
    old_style.write_bytes(b"x")
    _age(old_style, 120)
    dead = folder / f".other.wgsave.{_dead_pid()}-zzzzzzzz.tmp"
    dead.write_bytes(b"x")
    keep = {
        "live": folder / f".live.wgsave.{os.getpid()}-abcdefgh.tmp",  # a writer that is still at it
        "fresh old-style": folder / ".fresh.wgsave.abcdefgh.tmp",  # no pid, just written
        "user's tmp": folder / ".notes.tmp",
        "not hidden": folder / "game.wgsave.12345-abcdefgh.tmp",
        "other target": folder / f".picture.png.{_dead_pid()}-abcdefgh.tmp",
        "other suffix": folder / f".game.wgsave.{_dead_pid()}-abcdefgh.txt",
    }
    for path in keep.values():
        path.write_bytes(b"keep")
    # "live" and "fresh old-style" were just written: too young to be stray
    _age(keep["user's tmp"], 3600)
    _age(keep["not hidden"], 3600)
    folder_like = folder / f".dir.wgsave.{_dead_pid()}-abcdefgh.tmp"
    folder_like.mkdir()
    link = folder / f".link.wgsave.{_dead_pid()}-abcdefgh.tmp"
    target = tmp_path / "precious"
    target.write_text("precious")
    link.symlink_to(target)
    _age(target, 3600)
    return folder, save, [stray[0], old_style, dead], [*keep.values(), folder_like, link, target]


def test_clean_saves_folder_removes_only_our_stray_temporary_files(crashed):
    folder, save, stray, keep = crashed
    before = save.read_bytes()
    removed = clean_saves_folder(folder)
    assert sorted(removed) == sorted(stray)
    assert not any(p.exists() for p in stray)
    assert all(p.exists() or p.is_symlink() for p in keep)
    assert (folder.parent / "precious").read_text() == "precious"
    assert save.read_bytes() == before and load_save(save).turns > 0
    assert clean_saves_folder(folder) == []  # nothing more to do
    assert clean_saves_folder(folder / "missing") == []


def test_an_autosaver_cleans_its_folder_when_it_starts(crashed):
    folder, _, stray, keep = crashed
    Autosaver(folder)
    assert not any(p.exists() for p in stray) and all(p.exists() or p.is_symlink() for p in keep)


def test_the_client_cleans_its_saves_folder_when_it_starts(crashed):
    from wargame.client.app import App

    folder, _, stray, keep = crashed
    app = App((1280, 800), saves_dir=folder, window=False)
    try:
        assert not any(p.exists() for p in stray) and all(p.exists() or p.is_symlink() for p in keep)
    finally:
        import pygame

        pygame.quit()
        del app


@pytest.mark.parametrize("command", [
    ["play", "--terminal", "--ruleset", str(TINY), "--seed", "1", "--save-dir", "{folder}"],
    ["simulate", "--ruleset", str(TINY), "--games", "1", "--save-dir", "{folder}", "--json"],
    ["history", "build", "--out", "{folder}/history.wgsave"],
], ids=lambda c: " ".join(c[:2]))
def test_commands_that_write_saves_clean_the_folder_first(crashed, capsys, command):
    folder, _, stray, keep = crashed
    assert main([a.format(folder=folder) for a in command]) == 0
    assert not any(p.exists() for p in stray) and all(p.exists() or p.is_symlink() for p in keep)
    capsys.readouterr()


def test_report_cleans_what_a_killed_report_left(tmp_path, capsys):
    out = tmp_path / "r"
    (out / "images").mkdir(parents=True)
    strays = [out / f".report.html.{_dead_pid()}-abcdefgh.tmp", out / "images" / ".map-end.png.ab_cdefg.tmp"]
    for p in strays:
        p.write_bytes(b"half")
    _age(strays[1], 300)
    mine = out / "images" / ".map-end.png.keep"
    mine.write_bytes(b"mine")
    assert main(["report", str(HISTORY), "--out", str(out)]) == 0
    assert not any(p.exists() for p in strays) and mine.read_bytes() == b"mine"
    assert not list(out.rglob("*.tmp"))


@pytest.mark.parametrize("command, target", [
    (["briefing", str(HISTORY), "--seat", "ukraine", "--out", "{out}/b.md"], "b.md"),
    (["simulate", "--ruleset", str(TINY), "--games", "2", "--out", "{out}/r.jsonl"], "r.jsonl"),
    (["render", str(HISTORY), "--turn", "1", "--out", "{out}/x.png", "--size", "640x480"], "x.png"),
])
def test_every_writer_sweeps_what_a_killed_writer_of_its_file_left(tmp_path, capsys, command, target):
    """write_atomic itself sweeps the stray temporary files of its target: every --out writer does."""
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f".{target}.{_dead_pid()}-abcdefgh.tmp"
    dead.write_bytes(b"half")
    busy = out / f".{target}.{os.getpid()}-abcdefgh.tmp"  # a live writer's fresh file: left alone
    busy.write_bytes(b"writing")
    assert main([a.format(out=out) for a in command]) == 0, capsys.readouterr().err
    assert not dead.exists() and busy.exists() and (out / target).exists()
    capsys.readouterr()


def test_the_temporary_name_carries_the_pid(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    save_game(tmp_path / "g.wgsave", load_save(HISTORY))
    assert len(seen) == 1 and seen[0].startswith(f".g.wgsave.{os.getpid()}-") and seen[0].endswith(".tmp")
    assert files.is_our_temp(seen[0], (".wgsave",)) and not files.is_our_temp(seen[0], (".png",))


def test_write_atomic_never_puts_a_file_in_place_of_a_fifo_or_device(tmp_path):
    """The rename would replace the special file itself (run as root, `--out /dev/null` replaced
    the null device): a FIFO, a folder or a link to a device is refused, and stays what it was."""
    import stat as stat_

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "null"
    link.symlink_to(fifo)
    for target in (fifo, link, tmp_path):
        with pytest.raises(files.NotARegularFile):
            files.write_atomic(target, b"data")
    assert stat_.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pipe"]


@pytest.mark.parametrize("command", [
    ["render", str(HISTORY), "--turn", "1", "--out", "{target}"],
    ["briefing", str(HISTORY), "--seat", "ukraine", "--out", "{target}"],
    ["simulate", "--ruleset", str(TINY), "--games", "1", "--out", "{target}"],
])
def test_an_output_that_is_a_fifo_is_one_clean_line(tmp_path, capsys, command):
    import stat as stat_

    suffix = {"render": ".png", "briefing": ".md", "simulate": ".csv"}[command[0]]
    target = tmp_path / f"pipe{suffix}"
    os.mkfifo(target)
    assert main([a.format(target=target) for a in command]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not a regular file" in err, err
    assert stat_.S_ISFIFO(os.stat(target).st_mode)
