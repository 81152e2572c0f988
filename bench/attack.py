"""Attack harness: hostile input of every class of issue 12, tried case by case, counted per class.

Each class generates its cases from real material (a save of a bot game on the tiny ruleset, the
tiny ruleset copied into a temporary folder, the default ruleset's bot games) and checks how the
program answers. A case passes when the answer is clean: a game, or an error of one line each
(exit code 1 or 2, no traceback), no raw control character in any output, no NaN or Infinity in
JSON, an answer within the time bound, and no temporary or partial file left behind.

    python bench/attack.py [--quick] [--json] [--class NAME] [--seed N]

The classes: save (saves with a valid checksum but bogus content), condition (hostile conditions
in rulesets), values (hostile ruleset values and files), escape (control characters from files,
ids and arguments), secret (what each seat's view and events show), disk (stray temporary files,
a full disk, a writer killed mid-write), cli (hostile command-line arguments, FIFOs, devices).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

TINY = REPO / "tests" / "data" / "rulesets" / "tiny"
TIMEOUT_S = 10.0  # per command: a hostile file must be answered, not chewed on
MAX_LINE = 500  # an error line longer than this is not a message any more
# every C0 and C1 control character but the newline and the tab, and DEL
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CLASSES = ("save", "condition", "values", "escape", "secret", "disk", "cli")
BUDGET = {"quick": 6, "full": 80}  # cases per class

Check = Callable[[], "str | None"]  # None: passed; else the first line of what went wrong


@dataclass
class Ctx:
    """What every class draws on: the random generator, the budget, a scratch folder."""

    rng: random.Random
    budget: int
    tmp: Path
    python: str = sys.executable
    _count: int = 0

    def folder(self) -> Path:
        """A fresh folder for one case (so leftovers are the case's own)."""
        self._count += 1
        path = self.tmp / f"case{self._count}"
        path.mkdir()
        return path


@dataclass
class Result:
    cls: str
    name: str
    ok: bool
    why: str = ""


@dataclass
class Run:
    rc: int | None
    out: str
    err: str
    seconds: float
    hung: bool = False


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    def per_class(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for r in self.results:
            tried, passed = out.get(r.cls, (0, 0))
            out[r.cls] = (tried + 1, passed + r.ok)
        return out


# --- running commands and judging answers ----------------------------------------------------


def run_cli(args: list[str], *, cwd: Path, timeout: float = TIMEOUT_S, command: list[str] | None = None,
            preexec: Callable[[], None] | None = None) -> Run:
    """`python -m wargame ARGS` in its own process group (a hang is killed whole, children too)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = (command or [sys.executable, "-m", "wargame"]) + [str(a) for a in args]

    def start() -> None:
        os.setpgrp()
        if preexec is not None:
            preexec()

    start_t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=start)
    try:
        out, err = proc.communicate(timeout=timeout)
        hung = False
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        hung = True
    return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.perf_counter() - start_t, hung)


def _first(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "(no output)")[:160]


def _reject_constant(name: str):
    raise ValueError(f"JSON holds {name}")


def judge(run: Run, expect: str = "either", json_out: bool = False) -> str | None:
    """Whether a command's answer is clean. expect: "ok", "error" or "either"."""
    if run.hung:
        return f"no answer within {TIMEOUT_S:.0f} s"
    if run.rc is not None and run.rc < 0:
        return f"killed by signal {-run.rc}: {_first(run.err)}"
    for name, text in (("stdout", run.out), ("stderr", run.err)):
        if "Traceback (most recent call last)" in text:
            return f"traceback on {name}: {_first(text)}"
        found = RAW.search(text)
        if found:
            return f"raw control character {found.group()!r} on {name}: {text[max(0, found.start() - 40):][:80]!r}"
    if run.rc == 0:
        if expect == "error":
            return f"accepted where an error was expected: {_first(run.out)}"
        if json_out:
            try:
                json.loads(run.out, parse_constant=_reject_constant)
            except ValueError as exc:
                return f"bad JSON on stdout: {exc}"
        return None
    if expect == "ok":
        return f"failed (exit {run.rc}) where a game was expected: {_first(run.err)}"
    if run.rc == 1 and not run.err.strip():  # a verdict on stdout (replay --verify: FAILED ...)
        return _verdict(run.out, json_out)
    return error_shape(run)


def _verdict(out: str, json_out: bool) -> str | None:
    if json_out:
        try:
            json.loads(out, parse_constant=_reject_constant)
        except ValueError as exc:
            return f"exit 1, and bad JSON on stdout: {exc}"
        return None
    lines = [line for line in out.splitlines() if line.strip()]
    if len(lines) != 1 or len(lines[0]) > MAX_LINE:
        return f"exit 1 without a message on stderr, and {len(lines)} line(s) on stdout"
    return None


def error_shape(run: Run) -> str | None:
    """An error is one line (argparse: usage lines, then one `error:` line), or a header line ending
    in ':' and one indented line per problem (a ruleset's problems), each of sane length."""
    if run.rc not in (1, 2):
        return f"exit code {run.rc}: {_first(run.err)}"
    lines = [line for line in run.err.splitlines() if line.strip()]
    if not lines:
        return f"exit {run.rc} without a message"
    long = next((line for line in lines + run.out.splitlines() if len(line) > MAX_LINE), None)
    if long is not None:
        return f"an error line of {len(long)} characters: {long[:80]}..."
    if run.rc == 2:  # argparse: usage (maybe wrapped), then "wargame ...: error: ..."
        return None if "error:" in lines[-1] else f"usage error without an error line: {lines[-1][:120]}"
    if len(lines) == 1:
        return None
    head, rest = lines[0], lines[1:]
    if head.endswith(":") and all(line.startswith("  ") for line in rest):
        return None
    if all(line.startswith(("note:", "warning:")) for line in lines[:-1]):
        return None
    return f"an error of {len(lines)} lines: {' / '.join(lines[:3])[:160]}"


def leftovers(folder: Path, also: tuple[str, ...] = ()) -> str | None:
    """Temporary files (and the named partial outputs) left anywhere under `folder`."""
    for path in folder.rglob("*"):
        if path.name.endswith(".tmp") or path.name in also:
            return f"left behind: {path.relative_to(folder)}"
    return None


def cli_case(args: list[str], cwd: Path, expect: str = "either", **kw) -> str | None:
    run = run_cli(args, cwd=cwd, **kw)
    return judge(run, expect, json_out="--json" in args) or leftovers(cwd)


# --- material ---------------------------------------------------------------------------------


_BASE: dict[str, bytes] = {}


def base_save() -> bytes:
    """A save of a bot game on the tiny ruleset: turns 1-3 completed, turn 4 under way."""
    if "tiny" not in _BASE:
        import test_save_fuzz

        _BASE["tiny"] = test_save_fuzz.base_save()
    return _BASE["tiny"]


def tiny_copy(folder: Path) -> Path:
    dest = folder / "rs"
    shutil.copytree(TINY, dest)
    return dest


def toml_str(text: str) -> str:
    """A TOML basic string of `text` (JSON's escapes are TOML's, for the BMP)."""
    return json.dumps(text, ensure_ascii=True)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{path.name}: no {old!r} to replace")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- class 1: saves with a valid checksum but bogus content ------------------------------------

SAVE_COMMANDS = [
    ["replay", "{f}"], ["replay", "{f}", "--verify", "--json"], ["replay", "{f}", "--at", "2", "--json"],
    ["replay", "{f}", "--at", "3", "--as", "ukraine", "--json"], ["replay", "{f}", "--umpire-log", "--json"],
    ["render", "{f}", "--turn", "2", "--out", "{d}/x.png", "--size", "320x240"],
    ["report", "{f}", "--out", "{d}/report", "--size", "320x240"],
    ["briefing", "{f}", "--seat", "ukraine", "--out", "{d}/b.md"],
]
HOSTILE_VALUES = [math.nan, math.inf, -math.inf, 10**30, -(2**63), 2**64 + 1, -1, 0, "", "\x1b[2J", "x" * 5000,
                  None, [], {}, True, 1.5, b"\x00\xff"]


def _leaves(value, path=()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path


def _set(node, path, value) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def save_mutations(rng: random.Random) -> Iterator[tuple[str, Callable[[dict], bool]]]:
    """(name, mutate(body) -> whether the embedded ruleset changed) for every kind of lie."""
    import msgpack

    def in_input(field_name, value, kinds=("order", "vote", "react", "end_orders")):
        def mutate(b):
            done = len(b["snapshots"]) - 1
            picks = [e for e in b["inputs"] if e["turn"] <= done and e["input"].get("kind") in kinds]
            picks = [e for e in picks if field_name in e["input"]] or picks  # a field it has, mostly
            entry = rng.choice(picks)
            entry["input"][field_name] = value
            return False
        return mutate

    def in_snapshot(value, last=False):
        def mutate(b):
            turn = len(b["snapshots"]) - 1 if last else rng.randrange(len(b["snapshots"]))
            snap = msgpack.unpackb(b["snapshots"][turn], raw=False, strict_map_key=False)
            paths = [p for p in _leaves(snap) if p]
            _set(snap, rng.choice(paths), value)
            b["snapshots"][turn] = msgpack.packb(snap, use_bin_type=True)
            return False
        return mutate

    def in_ruleset(file, finder, value):
        def mutate(b):
            doc = b["ruleset"][file]
            paths = [p for p in _leaves(doc) if finder(p)]
            _set(doc, rng.choice(paths), value)
            return True
        return mutate

    def seats(change):
        def mutate(b):
            change(b["header"]["seats"])
            return False
        return mutate

    def header(key, value):
        def mutate(b):
            b["header"][key] = value
            return False
        return mutate

    def damaged_snapshot(b):
        turn = len(b["snapshots"]) - 1
        b["snapshots"][turn] = b["snapshots"][turn][: len(b["snapshots"][turn]) // 2]
        return False

    def long_log(b):
        from wargame.engine import Note
        from wargame.persist.codec import input_to_data

        note = {"turn": len(b["snapshots"]), "phase": "orders", "input": input_to_data(Note("n"))}
        b["inputs"] += [note] * rng.choice([10_000, 200_000])
        return False

    def random_leaf(b):
        paths = [p for p in _leaves(b) if p and p[0] not in ("ruleset",)]
        _set(b, rng.choice(paths), rng.choice(HOSTILE_VALUES))
        return False

    bogus = ["no_such_action", "martians", "\x1b]0;x\x07", 10**20, -1, None, math.nan, [], "umpire"]
    for name in ("action", "faction", "target", "index", "response", "red_line", "approve"):
        for value in bogus:
            yield f"completed-turn input {name}={value!r:.12}", in_input(name, value)
    for value in (math.nan, math.inf, -math.inf, 10**30, -5, "bogus", None):
        yield f"snapshot value {value!r:.12}", in_snapshot(value)
    for phase in ("bogus", "over", "", "reaction"):
        yield f"impossible phase {phase!r}", _phase(phase, rng)
    yield "damaged last snapshot", damaged_snapshot
    for value in (math.nan, math.inf, -math.inf, 1e308):
        yield f"settings float {value!r}", in_ruleset("ruleset.toml", lambda p: p[0] == "settings", value)
        yield f"map geometry {value!r}", in_ruleset("map.toml", lambda p: "polygon" in p or "label" in p, value)
    yield "map without regions", lambda b: bool(b["ruleset"]["map.toml"].update(region=[])) or True
    yield "seat of unknown controller", seats(lambda s: s.update({next(iter(s)): "martian"}))
    yield "seat missing", seats(lambda s: s.pop(next(iter(s))))
    yield "extra seat", seats(lambda s: s.update(extra="human"))
    yield "umpire as bot", seats(lambda s: s.update(umpire="doctrine"))
    yield "seats not a map", seats(lambda s: s.clear())
    for key, value in (("turn_limit", -1), ("turn_limit", 10**12), ("seed", -1), ("seed", 2**70),
                       ("scenario", "nowhere"), ("title", "\x1b[2J" * 100), ("branch_turn", 99)):
        yield f"header {key}={value!r:.14}", header(key, value)
    yield "long input log", long_log
    while True:
        yield "random leaf", random_leaf


def _phase(phase: str, rng: random.Random) -> Callable[[dict], bool]:
    import msgpack

    def mutate(b):
        turn = rng.randrange(len(b["snapshots"]))
        snap = msgpack.unpackb(b["snapshots"][turn], raw=False, strict_map_key=False)
        state = snap.get("state", snap)
        if "phase" in state:
            state["phase"] = phase
        b["snapshots"][turn] = msgpack.packb(snap, use_bin_type=True)
        return False
    return mutate


def attack_saves(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Lies a valid checksum does not catch: loading answers a game or one SaveError line, and
    every command that reads saves (replay, render, report, briefing) answers cleanly."""
    import copy

    from wargame.persist import fileformat
    from wargame.ruleset.loader import content_hash

    base = fileformat.unpack(base_save())
    mutations = save_mutations(ctx.rng)
    named = []
    for name, mutate in mutations:
        named.append((name, mutate))
        if name == "random leaf" or len(named) >= 200:
            break
    picks = named if len(named) <= ctx.budget else [named[-1], *ctx.rng.sample(named[:-1], ctx.budget - 1)]
    if ctx.budget > len(named):
        picks += [(f"random leaf {i}", named[-1][1]) for i in range(ctx.budget - len(named))]
    for i, (name, mutate) in enumerate(picks):
        command = SAVE_COMMANDS[i % len(SAVE_COMMANDS)]

        def check(mutate=mutate, command=command) -> str | None:
            body = copy.deepcopy(base)
            try:
                if mutate(body):
                    body["header"]["ruleset_hash"] = content_hash(body["ruleset"])
                blob = fileformat.pack(body)
            except (TypeError, ValueError, OverflowError):
                return None  # msgpack cannot even write it: no such file can exist
            problem = exercise_in_process(blob)
            if problem:
                return problem
            folder = ctx.folder()
            path = folder / "game.wgsave"
            path.write_bytes(blob)
            return cli_case([a.format(f=path, d=folder) for a in command], folder)

        yield f"{name} | {command[0]}", check


def exercise_in_process(blob: bytes) -> str | None:
    """Load and use like the commands and the client do (test_save_hostile.exercise): only a
    SaveError of one printable line may come out."""
    import test_save_hostile
    from wargame.persist import SaveError

    try:
        test_save_hostile.exercise(blob)
    except SaveError as exc:
        text = str(exc)
        if not text or not text.isprintable() or len(text) > 400:
            return f"SaveError not one clean line: {text[:100]!r}"
    except Exception as exc:  # noqa: BLE001 - anything else is the bug being looked for
        return f"{type(exc).__name__} in process: {str(exc)[:120]}"
    return None


# --- class 2: conditions ----------------------------------------------------------------------

CONDITION_SLOTS = [  # (file, the condition as the tiny ruleset has it)
    ("outcomes.toml", 'condition = "cohesion <= 0"'),
    ("factions.toml", 'condition = "cohesion <= 3"'),
    ("factions.toml", "condition = \"ukraine.ammunition >= 6\""),
    ("outcomes.toml", "when = \"ukraine.support <= 0\""),
    ("scenarios/tiny.toml", 'condition = "not flags.hard_winter"'),
]


def hostile_conditions(rng: random.Random) -> list[tuple[str, str]]:
    """(name, expression): type errors, huge numbers, long chains, repetition, nesting, code."""
    out = [
        ("string vs number", 'russia.support > "a"'), ("string plus number", '"a" + 1 > 0'),
        ("number plus string", 'cohesion + "x" > 0'), ("not a string", 'not "x"'),
        ("control vs number", "regions.kyiv.control > 3"), ("call with a number", "executed(3) >= 1"),
        ("call result vs string", 'cities("ukraine") == "two"'), ("bare string", '"yes"'),
        ("bare number", "3"), ("string repetition", '"x" * 1000000000 == "y"'),
        ("nested repetition", '("ab" * 99999) * 99999 == ""'), ("list repetition", "[1] * 10**9 == []"),
        ("power tower", "2 ** 2 ** 2 ** 2 ** 2 ** 2 > 0"), ("huge power", "9 ** 999999 > 0"),
        ("huge shift", "1 << 10**9 > 0"), ("division by zero", "cohesion / 0 > 1"),
        ("modulo by zero", "cohesion % 0 == 1"), ("import", '__import__("os").system("id") == 0'),
        ("dunder", "cohesion.__class__ == 0"), ("lambda", "(lambda: 1)() == 1"),
        ("comprehension", "[x for x in range(10**9)] == []"), ("open", 'open("/etc/passwd") == 0'),
        ("walrus", "(x := 3) > 0"), ("f-string", 'f"{cohesion}" == "1"'), ("empty", ""),
        ("dangling operator", "cohesion >"), ("escape in name", "cohes\x1b[2Jion > 1"),
        ("null byte", "cohesion\x00 > 1"), ("unknown name", "martians > 1"),
        ("subscript", "regions[0] == 1"), ("dict", "{} == {}"), ("ternary", "cohesion if 1 else 0"),
        ("float nan", 'cohesion > float("nan")'), ("huge float", "cohesion > 1e999"),
        ("starred", "*cohesion"), ("bytes", "b'x' == 1"), ("set", "{1} == {1}"),
    ]
    for n in (30, 400, 4300, 5000, 50_000):
        out.append((f"integer of {n} digits", "cohesion > 1" + "0" * n))
    for n in (100, 5000, 20_000):
        out.append((f"sum of {n} terms", " + ".join(["cohesion"] * n) + " > 0"))
        out.append((f"and of {n} terms", " and ".join(["cohesion > 0"] * n)))
        out.append((f"comparison chain of {n}", " < ".join(["cohesion"] * n)))
    for n in (50, 200, 1000, 100_000):
        out.append((f"{n} parentheses", "(" * n + "cohesion" + ")" * n + " > 0"))
        out.append((f"{n} nots", "not " * n + "cohesion > 0"))
        out.append((f"{n} minus signs", "-" * n + "cohesion > 0"))
        out.append((f"{n} nested lists", "[" * n + "]" * n + " == 0"))
    out.append(("long identifier", "c" * 100_000 + " > 0"))
    rng.shuffle(out)
    return out


def attack_conditions(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """A hostile condition must be refused by `ruleset check` with one line per problem (never a
    RecursionError or MemoryError); one it accepts must survive a game (simulate) cleanly."""
    exprs = hostile_conditions(ctx.rng)
    slots = [(name, expr, slot) for name, expr in exprs for slot in CONDITION_SLOTS]
    ctx.rng.shuffle(slots)
    first = [(name, expr, CONDITION_SLOTS[i % len(CONDITION_SLOTS)]) for i, (name, expr) in enumerate(exprs)]
    picks = (first + slots)[: ctx.budget]
    for name, expr, (file, old) in picks:
        def check(expr=expr, file=file, old=old) -> str | None:
            folder = ctx.folder()
            rs = tiny_copy(folder)
            key = old.split(" = ")[0]
            edit(rs / file, old, f"{key} = {toml_str(expr)}")
            problem = ruleset_in_process(rs)
            if problem:
                return problem
            run = run_cli(["ruleset", "check", rs], cwd=folder)
            problem = judge(run)
            if problem or run.rc != 0:
                return problem
            return cli_case(["simulate", "--ruleset", rs, "--games", "2", "--json"], folder)

        yield f"{name} in {file}", check


def ruleset_in_process(folder: Path) -> str | None:
    """load_ruleset answers a Ruleset or a RulesetError of one-line problems, nothing else."""
    from wargame.ruleset import RulesetError, load_ruleset

    try:
        load_ruleset(folder)
    except RulesetError as exc:
        for line in exc.problems:
            if "\n" in line or len(line) > MAX_LINE:
                return f"a problem not on one line: {line[:100]!r}"
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__} in process: {str(exc)[:120]}"
    return None


# --- class 3: ruleset values and files ---------------------------------------------------------


def value_cases() -> list[tuple[str, str, Callable[[Path], None]]]:
    """(name, expect, break(folder)) over the tiny ruleset's settings, scenario, factions, map, files."""
    cases: list[tuple[str, str, Callable[[Path], None]]] = []

    def sub(file, old, new, expect="error", name=None):
        cases.append((name or f"{file}: {new[:40]}", expect, lambda rs: edit(rs / file, old, new)))

    bad_numbers = ["0", "-1", "16000", "1000000", "1" + "0" * 30, '"15"', "1.5", "nan", "inf", "-inf", "true",
                   "[]", "{}"]
    for v in bad_numbers:
        sub("ruleset.toml", "escalation_max = 15", f"escalation_max = {v}")
        sub("scenarios/tiny.toml", "turn_limit = 12", f"turn_limit = {v}")
    for v in ["0", "-3", "1000000", "nan"]:
        expect = "either" if v == "0" else "error"  # a zero may be a sane start: then a game must play
        sub("ruleset.toml", "cohesion_max = 10", f"cohesion_max = {v}", expect)
        sub("ruleset.toml", "dice_sides = 6", f"dice_sides = {v}", expect)
        sub("ruleset.toml", "inadvertent_base = 0.05", f"inadvertent_base = {v}", expect)
        sub("factions.toml", "capacity = 2", f"capacity = {v}", expect)
        sub("scenarios/tiny.toml", "escalation = 3", f"escalation = {v}", expect)
        sub("scenarios/tiny.toml", "cohesion = 6", f"cohesion = {v}", expect)
    sub("scenarios/tiny.toml", 'start = "2024-03"', 'start = "2024-13"')
    sub("scenarios/tiny.toml", 'start = "2024-03"', 'start = "99999-01"')
    for fid in ("umpire", "Umpire", "public", "PUBLIC", "", "a b", "x" * 5000):
        sub("factions.toml", 'id = "russia"', f"id = {toml_str(fid)}", name=f"faction named {fid[:12]!r}")
    cases.append(("map without regions", "error", lambda rs: (rs / "map.toml").write_text("", encoding="utf-8")))
    cases.append(("map with region = []", "error",
                  lambda rs: (rs / "map.toml").write_text("region = []\n", encoding="utf-8")))
    cases.append(("labels left out", "ok", lambda rs: _drop_lines(rs / "map.toml", "label = ")))
    sub("map.toml", "label = [32.0, 50.0]", "label = []", expect="ok", name="an empty label")
    sub("map.toml", "label = [32.0, 50.0]", "label = [nan, 50.0]")
    sub("map.toml", "[[30.0, 49.0]", "[[inf, 49.0]")
    sub("map.toml", "[[30.0, 49.0]", "[[1e308, 49.0]")
    sub("map.toml", 'adjacent = ["kharkiv", "zaporizhzhia"]', 'adjacent = ["kyiv"]', name="region next to itself")
    cases.append(("file over the size limit", "error", lambda rs: _pad(rs / "actions.toml", 3 * 1024 * 1024)))
    cases.append(("file far over the size limit", "error", lambda rs: _pad(rs / "map.toml", 40 * 1024 * 1024)))
    cases.append(("two problems in two files", "error", _two_problems))
    cases.append(("structural and reference errors", "error", _structural_and_reference))
    cases.append(("invalid TOML", "error", lambda rs: _append(rs / "actions.toml", "this is = = not toml\n")))
    cases.append(("duplicate key", "error", lambda rs: _append(rs / "ruleset.toml", "[ruleset]\nid = 'x'\n")))
    cases.append(("not UTF-8", "error", lambda rs: (rs / "factions.toml").write_bytes(b"\xff\xfe\x00id = 1\n")))
    cases.append(("missing file", "error", lambda rs: (rs / "redlines.toml").unlink()))
    cases.append(("empty folder", "error", lambda rs: [p.unlink() for p in rs.glob("*.toml")]))
    cases.append(("unknown key", "error", lambda rs: _append(rs / "ruleset.toml", "[surprise]\nx = 1\n")))
    cases.append(("deep TOML arrays", "error",
                  lambda rs: _append(rs / "ruleset.toml", "[extra]\nx = " + "[" * 5000 + "]" * 5000 + "\n")))
    cases.append(("deep TOML tables", "error",
                  lambda rs: _append(rs / "ruleset.toml", "[" + ".".join(["a"] * 3000) + "]\n")))
    cases.append(("a FIFO for a file", "error", lambda rs: ((rs / "bots.toml").unlink(), os.mkfifo(rs / "bots.toml"))))
    cases.append(("a device for a file", "error",
                  lambda rs: ((rs / "combat.toml").unlink(), os.symlink("/dev/zero", rs / "combat.toml"))))
    cases.append(("a folder for a file", "error", lambda rs: ((rs / "outcomes.toml").unlink(),
                                                               (rs / "outcomes.toml").mkdir())))
    cases.append(("10,000 actions", "error", lambda rs: _append(rs / "actions.toml", "[[action]]\n" * 10_000)))
    return cases


def _drop_lines(path: Path, prefix: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(True) if not line.startswith(prefix)), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def _pad(path: Path, size: int) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("# padding " + "x" * 100 + "\n") * (size // 111 + 1))


def _two_problems(rs: Path) -> None:
    edit(rs / "ruleset.toml", "escalation_max = 15", "escalation_max = -1")
    edit(rs / "scenarios/tiny.toml", "turn_limit = 12", "turn_limit = 0")


def _structural_and_reference(rs: Path) -> None:
    edit(rs / "factions.toml", "capacity = 2", 'capacity = "lots"')  # a type error
    edit(rs / "outcomes.toml", 'condition = "cohesion <= 0"', 'condition = "cohesoin <= 0"')  # a bad name


def attack_values(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Hostile values and files: `ruleset check` names every problem, one line each (both of two
    problems in one run), in bounded time; what it accepts plays a game."""
    cases = value_cases()
    picks = cases if ctx.budget >= len(cases) else ctx.rng.sample(cases, ctx.budget)
    for name, expect, breaker in picks:
        def check(breaker=breaker, expect=expect, name=name) -> str | None:
            folder = ctx.folder()
            rs = tiny_copy(folder)
            breaker(rs)
            problem = ruleset_in_process(rs)
            if problem:
                return problem
            run = run_cli(["ruleset", "check", rs], cwd=folder)
            problem = judge(run, expect)
            if problem:
                return problem
            if name in ("two problems in two files", "structural and reference errors"):
                found = [line for line in run.out.splitlines() if line.strip()]
                if len(found) < 2:
                    return f"only {len(found)} problem(s) named of two: {' / '.join(found)[:120]}"
            if run.rc == 0:
                return cli_case(["simulate", "--ruleset", rs, "--games", "2", "--json"], folder, "ok")
            return None

        yield name, check


# --- class 4: control characters and escape sequences -----------------------------------------

ESCAPES = ["\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\r", "\x00", "\x08\x08", "\x7f", "\x0b\x0c", "\x85", "\x1b"]
ESCAPE_COMMANDS = [
    ["ruleset", "check", "{rs}"], ["simulate", "--ruleset", "{rs}", "--games", "2"],
    ["play", "--terminal", "--ruleset", "{rs}", "--seed", "3", "--no-autosave"],
    ["replay", "{save}"], ["replay", "{save}", "--at", "2", "--as", "ukraine"], ["replay", "{save}", "--umpire-log"],
    ["briefing", "{save}", "--seat", "russia"], ["briefing", "--ruleset", "{rs}", "--scenario", "tiny", "--seat",
                                                  "ukraine"],
    ["report", "{save}", "--out", "{d}/report", "--size", "320x240"],
    ["simulate", "--ruleset", "{rs}", "--scenario", "no{e}"], ["replay", "{save}", "--as", "seat{e}"],
    ["briefing", "{save}", "--seat", "x{e}"], ["replay", "{d}/missing{e}.wgsave"],
    ["render", "{save}", "--turn", "1", "--out", "{d}/pic{e}.bmp", "--size", "320x240"],
    ["ruleset", "check", "{d}/no{e}where"], ["simulate", "--games", "1{e}"],
]


def attack_escapes(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Control characters in every name and description of a ruleset, in the save's title and file
    name, in ids and in arguments: no command prints one raw (nor writes one into a report)."""
    cases = [(e, c) for e in ESCAPES for c in ESCAPE_COMMANDS]
    ctx.rng.shuffle(cases)
    seen: set[int] = set()
    ordered = []
    for e, c in cases:  # one case of each command first (quick runs try them all), then the rest
        if ESCAPE_COMMANDS.index(c) not in seen:
            seen.add(ESCAPE_COMMANDS.index(c))
            ordered.append((e, c))
    ordered += [ec for ec in cases if ec not in ordered]
    made: dict[str, tuple[Path, Path]] = {}
    for e, command in ordered[: ctx.budget]:
        def check(e=e, command=command) -> str | None:
            folder = ctx.folder()
            rs, save = made.get(e) or made.setdefault(e, hostile_material(ctx.folder(), e))
            # a command line cannot hold a NUL: "\0" stands for it in arguments
            args = [a.format(rs=rs, save=save, d=folder, e=e.replace("\x00", "\\0")) for a in command]
            run = run_cli(args, cwd=folder)
            problem = judge(run) or leftovers(folder)
            if problem or command[0] != "report" or run.rc != 0:
                return problem
            for name in ("report.md", "report.html"):
                found = RAW.search((folder / "report" / name).read_text(encoding="utf-8"))
                if found:
                    return f"raw control character {found.group()!r} in {name}"
            return None

        yield f"{e!r} | {' '.join(command[:2])}", check


def hostile_material(folder: Path, evil: str) -> tuple[Path, Path]:
    """The tiny ruleset with `evil` in every name and description, and a bot game's save of it
    under a hostile file name with a hostile title."""
    from test_cli_hostile import bot_game
    from wargame.persist import save_game
    from wargame.ruleset import load_ruleset

    rs_dir = folder / "evil"
    shutil.copytree(TINY, rs_dir)
    escaped = toml_str(evil)[1:-1]
    for path in [*rs_dir.glob("*.toml"), *rs_dir.glob("scenarios/*.toml")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^(\s*(?:name|description) = ")', lambda m: m[1] + escaped, text, flags=re.M)
        text = re.sub(r'(\{ id = "\w+", (?:name|description) = ")', lambda m: m[1] + escaped, text)
        path.write_text(text, encoding="utf-8")
    rs = load_ruleset(rs_dir)
    name = "game" + evil.replace("/", "").replace("\x00", "0") + ".wgsave"
    save = folder / name
    save_game(save, bot_game(rs, title=f"title{evil}end"))
    return rs_dir, save


# --- class 5: secrets -------------------------------------------------------------------------


def attack_secrets(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Whole bot games on the default ruleset, every seat's view and visible events at every step:
    no other seat's orders, spending, capacity, hidden line values or P(respond), no schedule of
    injects, and nothing in the view changes when another seat's secrets do."""
    kinds = ["random", "doctrine"]
    for i in range(ctx.budget):
        seed, kind = ctx.rng.randrange(10**6), kinds[i % 2]

        def check(seed=seed, kind=kind) -> str | None:
            return secret_game(seed, kind, random.Random(seed))

        yield f"{kind} game seed {seed}", check


_RS: list = []


def default_ruleset():
    if not _RS:
        from wargame.ruleset import load_ruleset

        _RS.append(load_ruleset())
    return _RS[0]


def secret_game(seed: int, kind: str, rng: random.Random, max_steps: int = 600) -> str | None:
    from test_net_secrets import others_secrets_changed
    from wargame.bots import make_bots
    from wargame.engine import UMPIRE, FireInject, apply, new_game, player_view, seats_to_act, visible_events
    from wargame.engine.state import PHASE_ORDERS
    from wargame.engine.views import PUBLIC

    rs = default_ruleset()
    bots = make_bots(rs, kind, seed)
    st, events = new_game(rs, seed=seed)
    seats = [*rs.factions, PUBLIC]
    turn_start = None
    scenario_injects = [inj.id for inj in rs.scenarios[st.scenario].injects]
    for step in range(max_steps):
        if st.outcome is not None:
            return None
        if st.phase == PHASE_ORDERS and not st.orders:
            turn_start = (st.turn, {f: dict(s) for f, s in st.stats.items()}, dict(st.capacity))
        for seat in seats:
            problem = view_secrets(rs, st, seat, player_view(rs, st, seat), turn_start)
            problem = problem or event_secrets(rs, seat, visible_events(events, seat), st)
            if problem:
                return f"turn {st.turn} {st.phase}, seat {seat}: {problem}"
            if seat != PUBLIC and player_view(rs, others_secrets_changed(rs, st, seat, rng), seat) != \
                    player_view(rs, st, seat):
                return f"turn {st.turn} {st.phase}, seat {seat}: its view changes with another seat's secrets"
            if seat != PUBLIC:  # what a bot of this seat reads (and a remote bot is sent)
                problem = seat_state_secrets(rs, st, seat, turn_start)
                if problem:
                    return f"turn {st.turn} {st.phase}, seat {seat}: its seat state {problem}"
        if scenario_injects and rng.random() < 0.05:  # the umpire schedules an inject: nobody is told
            inject = rng.choice(scenario_injects)
            try:
                st, events = apply(rs, st, FireInject(inject, st.turn + rng.randint(1, 3), "a surprise"))
            except Exception:  # noqa: BLE001 - not every inject may be scheduled at every moment
                pass
            else:
                for seat in seats:
                    told = [e for e in visible_events(events, seat) if seat != UMPIRE]
                    if told:
                        return f"scheduling inject {inject!r} told {seat}: {told[0].text[:80]}"
                continue
        seat = seats_to_act(rs, st)[0]
        st, events = apply(rs, st, bots[seat].choose(rs, st, seat))
    return None


def view_secrets(rs, st, seat, view, turn_start) -> str | None:
    from wargame.engine.state import PHASE_CONSENSUS, PHASE_ORDERS

    if "rng" in view:
        return "the view carries the RNG"
    if view["scheduled_injects"]:
        return "the view lists scheduled injects"
    if any(not n["published"] for n in view["notes"]):
        return "the view shows an unpublished note"
    for lid, entry in view["red_lines"].items():
        own = rs.red_lines[lid].owner == seat
        for secret in ("tolerance", "resolve", "pressure"):
            if (secret in entry) != own:
                return f"red line {lid}: {secret} {'shown' if not own else 'missing'}"
    for order in view["orders"]:
        if order["faction"] != seat:
            return f"shows an order of {order['faction']}"
    for c in view["pending_reactions"]:
        if c["owner"] != seat and ("probability" in c or "severity" in c):
            return f"shows P(respond) of {c['owner']}'s line {c['red_line']}"
    if st.phase in (PHASE_ORDERS, PHASE_CONSENSUS) and turn_start and turn_start[0] == st.turn:
        _, stats, capacity = turn_start
        for fid, shown in view["factions"].items():
            if fid == seat:
                continue
            if shown["capacity_left"] != capacity[fid] or shown["stats"] != stats[fid]:
                return f"shows what {fid} spent on its orders this turn"
    return None


def seat_state_secrets(rs, st, seat, turn_start) -> str | None:
    """The state a bot of `seat` decides from: no other seat's orders, odds, notes or RNG, and no
    spending of theirs while orders are secret."""
    from wargame.engine.redact import seat_state
    from wargame.engine.state import PHASE_CONSENSUS, PHASE_ORDERS

    mine = seat_state(rs, st, seat)
    if mine.rng or mine.seed or mine.scheduled or any(not n.published for n in mine.notes):
        return "carries the RNG, the seed, the schedule or an unpublished note"
    for o in mine.orders:
        if o.faction != seat and o.rationale:
            return f"carries the rationale of an order of {o.faction}"
    for c in mine.crossings:
        if rs.red_lines[c.red_line].owner != seat and c.probability:
            return f"carries P(respond) of {c.red_line}"
    if st.phase in (PHASE_ORDERS, PHASE_CONSENSUS) and turn_start and turn_start[0] == st.turn:
        _, stats, capacity = turn_start
        for fid in rs.factions:
            if fid != seat and (mine.stats[fid] != stats[fid] or mine.capacity[fid] != capacity[fid]):
                return f"shows what {fid} spent on its orders this turn"
    return None


def event_secrets(rs, seat, events, st) -> str | None:
    for e in events:
        data = e.data or {}
        line = data.get("red_line")
        if "probability" in data and line in rs.red_lines and rs.red_lines[line].owner != seat:
            return f"event {e.kind} carries P(respond) of {rs.red_lines[line].owner}'s line {line}"
        if e.audience is not None and seat not in e.audience:
            return f"event {e.kind} shown outside its audience"
    return None


# --- class 6: crash and disk ------------------------------------------------------------------

WRITERS = [  # (name, command, the files it writes relative to the case folder)
    ("render", ["render", "{save}", "--turn", "1", "--out", "{d}/out/x.png", "--size", "320x240"], ["out/x.png"]),
    ("report", ["report", "{save}", "--out", "{d}/out", "--size", "320x240"], ["out/report.md", "out/report.html"]),
    ("briefing", ["briefing", "{save}", "--seat", "ukraine", "--out", "{d}/out/b.md"], ["out/b.md"]),
    ("simulate --out", ["simulate", "--ruleset", str(TINY), "--games", "3", "--out", "{d}/out/r.jsonl"],
     ["out/r.jsonl"]),
    ("simulate --save-dir", ["simulate", "--ruleset", str(TINY), "--games", "3", "--save-dir", "{d}/out"],
     ["out/game-0.wgsave"]),
    ("play --terminal", ["play", "--terminal", "--ruleset", str(TINY), "--seed", "1", "--save-dir", "{d}/out"], []),
]
DEAD_PID = 2_000_000_000  # above any pid the kernel hands out


def _limit_file_size(limit: int) -> Callable[[], None]:
    def preexec() -> None:  # a disk with `limit` bytes left, per file: EFBIG, not a kill by SIGXFSZ
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def attack_disk(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Stray temporary files a killed writer left are swept on the next run of each writer; on a
    full disk a writer fails in one line and leaves no partial file; a writer killed at a random
    moment leaves nothing the next run does not sweep."""
    kinds = ["stray", "full", "kill"]
    for i in range(ctx.budget):
        kind = kinds[i % 3]
        name, command, files = WRITERS[(i // 3) % len(WRITERS)]
        limit = ctx.rng.choice([0, 1, 100, 4096, 30_000, 200_000])
        delay = ctx.rng.uniform(0.3, 2.5)

        def check(kind=kind, command=command, files=files, limit=limit, delay=delay) -> str | None:
            folder = ctx.folder()
            save = folder / "game.wgsave"
            save.write_bytes(base_save())
            out = folder / "out"
            out.mkdir()
            args = [a.format(save=save, d=folder) for a in command]
            if kind == "stray":
                targets = [Path(f).name for f in files] or ["autosave.wgsave"]
                for target in targets:
                    (out / f".{target}.{DEAD_PID}-abcdefgh.tmp").write_bytes(b"half a file")
                    stale = out / f".{target}.{os.getpid()}-zyxwvuts.tmp"  # a live pid, but an old file
                    stale.write_bytes(b"half")
                    os.utime(stale, (time.time() - 3600, time.time() - 3600))
                return cli_case(args, folder, "ok")
            if kind == "full":
                run = run_cli(args, cwd=folder, preexec=_limit_file_size(limit))
                problem = judge(run) or leftovers(folder)
                if problem or run.rc == 0:
                    return problem
                partial = [f for f in files if (folder / f).exists()]
                return f"failed but left {partial[0]}" if partial else None
            proc = subprocess.Popen([ctx.python, "-m", "wargame", *args], cwd=folder, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
            time.sleep(delay)
            proc.kill()
            proc.wait()
            return cli_case(args, folder, "ok")

        yield f"{kind} | {name}" + (f" | {limit} bytes" if kind == "full" else ""), check


# --- class 7: the command line ----------------------------------------------------------------


def cli_arguments() -> list[tuple[str, list[str], str]]:
    """(name, argv with {save}/{d}/{fifo}, expect) of hostile numbers, sizes and special files."""
    big = "9" * 5000
    cases = []
    for cmd in (["simulate", "--ruleset", "{tiny}"], ["sweep", "--ruleset", "{tiny}", "--set",
                                                      "settings.inadvertent_base=0.1"],
                ["balance", "--ruleset", "{tiny}", "--probe", "russia:*"], ["history", "calibrate"]):
        games = "--seeds" if cmd[0] == "history" else "--games"
        for v in ("0", "-1", "10000001", "1" + "0" * 100, big, "1e3", "abc", "", "0x10"):
            cases.append((f"{cmd[0]} {games} {v[:12]}", cmd + [games, v], "error"))
        for v in ("-1", str(2**64), "1" + "0" * 40, big, "nan"):
            cases.append((f"{cmd[0]} --seed {v[:12]}", cmd + ["--seed", v], "error"))
        cases.append((f"{cmd[0]} last seed past 64 bits", cmd + ["--seed", str(2**64 - 1), games, "2"], "error"))
        for v in ("0", "-4", str(10**6), big):
            cases.append((f"{cmd[0]} --jobs {v[:12]}", cmd + ["--jobs", v], "error"))
    cases.append(("simulate --jobs 1000 (capped)", ["simulate", "--ruleset", "{tiny}", "--games", "2", "--jobs",
                                                     "1000", "--json"], "ok"))
    cases.append(("simulate --seed 2**64-1", ["simulate", "--ruleset", "{tiny}", "--games", "1", "--seed",
                                               str(2**64 - 1), "--json"], "ok"))
    for v in ("-1", "100001", big, "x"):
        cases.append((f"replay --at {v[:12]}", ["replay", "{save}", "--at", v], "error"))
        cases.append((f"render --turn {v[:12]}", ["render", "{save}", "--turn", v, "--out", "{d}/x.png"], "error"))
    cases.append(("replay --at past the save", ["replay", "{save}", "--at", "99"], "error"))
    for v in ("0x0", "100000x100000", "-5x5", "axb", "1x1", "99999999999999999999x2", "1280x800x3", ""):
        cases.append((f"render --size {v}", ["render", "{save}", "--turn", "1", "--out", "{d}/x.png", "--size", v],
                      "either"))
        cases.append((f"report --size {v}", ["report", "{save}", "--out", "{d}/rep", "--size", v], "either"))
    specials = {"FIFO": "{fifo}", "/dev/zero": "/dev/zero", "a link to /dev/null": "{null}", "a folder": "{d}",
                "an empty file": "{empty}", "a sparse 1 GB file": "{sparse}", "a missing file": "{d}/nothing.wgsave",
                "a ruleset folder": "{tiny}"}
    for what, path in specials.items():
        cases.append((f"replay {what}", ["replay", path], "error"))
        cases.append((f"replay --verify {what}", ["replay", path, "--verify", "--json"], "error"))
        cases.append((f"render {what}", ["render", path, "--turn", "0", "--out", "{d}/x.png"], "error"))
        cases.append((f"report {what}", ["report", path, "--out", "{d}/rep"], "error"))
        cases.append((f"briefing {what}", ["briefing", path, "--seat", "ukraine"], "error"))
        cases.append((f"report --parent {what}", ["report", "{save}", "--parent", path, "--out", "{d}/rep"], "error"))
    # never a device itself as an output: a bug that renamed a file over it would replace the
    # machine's /dev/null (as root); a link to it in the case's folder shows the same bug safely
    for what, path in (("FIFO", "{fifo}"), ("a link to /dev/null", "{null}"), ("a folder", "{d}")):
        cases.append((f"render --out {what}", ["render", "{save}", "--turn", "0", "--out", path], "error"))
        cases.append((f"simulate --out {what}", ["simulate", "--ruleset", "{tiny}", "--games", "1", "--out", path],
                      "error"))
        cases.append((f"history build --history {what}", ["history", "build", "--history", path], "error"))
        cases.append((f"ruleset check {what}", ["ruleset", "check", path], "error"))
    cases.append(("unknown command", ["conquer"], "error"))
    cases.append(("an option of 100,000 characters", ["simulate", "--scenario", "s" * 100_000], "error"))
    cases.append(("--as nobody", ["replay", "{save}", "--at", "1", "--as", "nobody"], "error"))
    cases.append(("briefing both file and scenario", ["briefing", "{save}", "--scenario", "tiny", "--seat", "russia"],
                  "error"))
    return cases


def attack_cli(ctx: Ctx) -> Iterator[tuple[str, Check]]:
    """Hostile arguments: huge or impossible numbers, FIFOs, devices, folders, sparse files as saves
    or outputs: a clean error (or a sane cap), never a traceback or a hang."""
    cases = cli_arguments()
    picks = cases if ctx.budget >= len(cases) else ctx.rng.sample(cases, ctx.budget)
    for name, argv, expect in picks:
        def check(argv=argv, expect=expect) -> str | None:
            folder = ctx.folder()
            places = {"save": folder / "game.wgsave", "d": folder, "fifo": folder / "pipe", "tiny": TINY,
                      "empty": folder / "empty.wgsave", "sparse": folder / "sparse.wgsave", "null": folder / "null"}
            places["null"].symlink_to("/dev/null")
            places["save"].write_bytes(base_save())
            os.mkfifo(places["fifo"])
            places["empty"].write_bytes(b"")
            with places["sparse"].open("wb") as fh:
                fh.truncate(1 << 30)
            return cli_case([a.format(**places) for a in argv], folder, expect)

        yield name, check


# --- the harness --------------------------------------------------------------------------------

ATTACKS: dict[str, Callable[[Ctx], Iterator[tuple[str, Check]]]] = {
    "save": attack_saves, "condition": attack_conditions, "values": attack_values, "escape": attack_escapes,
    "secret": attack_secrets, "disk": attack_disk, "cli": attack_cli,
}


def run_checks(cls: str, cases: Iterator[tuple[str, Check]], report: Report, progress=None) -> None:
    """Run each case; a check that itself raises counts as a failure (the harness saw a crash)."""
    for name, check in cases:
        try:
            why = check()
        except Exception as exc:  # noqa: BLE001
            why = f"{type(exc).__name__}: {str(exc)[:140]}"
        report.results.append(Result(cls, name, why is None, (why or "").splitlines()[0] if why else ""))
        if progress:
            progress(report.results[-1])


def attack(classes=CLASSES, *, quick: bool = False, seed: int = 0, budget: int | None = None,
           progress=None, attacks=None) -> Report:
    """Try every class's cases; returns the per-case results."""
    attacks = attacks or ATTACKS
    report = Report()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wargame-attack-") as tmp:
        for cls in classes:
            ctx = Ctx(random.Random(f"{seed}:{cls}"), budget or BUDGET["quick" if quick else "full"],
                      Path(tmp) / cls)
            ctx.tmp.mkdir()
            run_checks(cls, attacks[cls](ctx), report, progress)
    report.seconds = time.perf_counter() - start
    return report


def as_json(report: Report) -> dict:
    return {"classes": {c: {"tried": t, "passed": p} for c, (t, p) in report.per_class().items()},
            "tried": len(report.results), "passed": sum(r.ok for r in report.results),
            "failures": [{"class": r.cls, "case": r.name, "why": r.why} for r in report.results if not r.ok],
            "seconds": round(report.seconds, 1)}


def print_table(report: Report) -> None:
    print(f"{'class':<10} {'tried':>6} {'passed':>7}")
    for cls, (tried, passed) in report.per_class().items():
        print(f"{cls:<10} {tried:>6} {passed:>7}")
    tried, passed = len(report.results), sum(r.ok for r in report.results)
    print(f"{'total':<10} {tried:>6} {passed:>7}   ({report.seconds:.0f} s)")
    failures = [r for r in report.results if not r.ok]
    if failures:
        print(f"\n{len(failures)} failing case(s):")
        for r in failures:
            print(f"  [{r.cls}] {r.name!r:.70}: {r.why}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit code 0 when every case passed, 1 otherwise.")
    parser.add_argument("--quick", action="store_true",
                        help=f"a small budget: {BUDGET['quick']} cases per class (default {BUDGET['full']})")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--class", dest="classes", action="append", choices=CLASSES, metavar="NAME",
                        help=f"only this class (repeatable): {', '.join(CLASSES)}")
    parser.add_argument("--seed", type=int, default=0, help="seed of the cases drawn at random (default 0)")
    parser.add_argument("--budget", type=int, default=None, help="cases per class, overriding --quick")
    parser.add_argument("--verbose", action="store_true", help="print each case as it finishes (to stderr)")
    args = parser.parse_args(argv)
    if args.budget is not None and args.budget < 1:
        parser.error("--budget must be at least 1")

    def progress(r: Result) -> None:
        print(f"{'ok  ' if r.ok else 'FAIL'} [{r.cls}] {r.name[:80]!r} {r.why}", file=sys.stderr, flush=True)

    report = attack(args.classes or CLASSES, quick=args.quick, seed=args.seed, budget=args.budget,
                    progress=progress if args.verbose else None)
    if args.json:
        print(json.dumps(as_json(report)))
    else:
        print_table(report)
    return 0 if all(r.ok for r in report.results) else 1


if __name__ == "__main__":
    sys.exit(main())
