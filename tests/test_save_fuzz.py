"""Every save file is untrusted: damaged, truncated, random or crafted files give SaveError, nothing else.

Two fuzzers, both run by hypothesis on a small valid save (tiny ruleset, saved mid-turn):

* raw bytes: bit flips, overwritten, deleted, inserted and duplicated bytes, truncation;
  half of the time the checksum is then recomputed, so the msgpack parser itself sees the damage
  instead of the checksum stopping it;
* the decoded body: a value anywhere (header, ruleset, input log, inside a snapshot) replaced
  with a random msgpack value, deleted, added to, or replaced by a container header claiming
  2**32-1 elements; re-packed with a valid checksum, so the parser limits, the codec and the
  validators are what stand in the way.

A file that still loads is then used the way the program uses it: every turn is seeked, every
seat's view of it built, and the game verified. Any exception other than SaveError fails.

Sizes: FUZZ_EXAMPLES mutated files per fuzzer (10,000 each, under a minute for both); the tests
marked slow add WARGAME_FUZZ_EXAMPLES more per fuzzer (default 3,000, about half a minute) on a
save of the default ruleset (bigger: ~150 kB, a richer state). For a soak, raise it
(WARGAME_FUZZ_EXAMPLES=25000 -m slow: about 7 minutes) or run it repeatedly: each run draws new
examples, and hypothesis keeps failing ones in .hypothesis/ to try first next time.
"""

from __future__ import annotations

import functools
import os
import random
import tracemalloc
from pathlib import Path

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wargame.bots import make_bots
from wargame.engine import UMPIRE, month_label, player_view, seats_to_act, state_hash
from wargame.persist import SavedGame, SaveError, fileformat, load_bytes, verify
from wargame.persist.game import turn_events
from wargame.ruleset import load_ruleset
from wargame.ruleset.loader import content_hash

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"
FUZZ_EXAMPLES = int(os.environ.get("WARGAME_FUZZ_BASE", "10000"))  # `make test-fast` lowers it
SLOW_EXAMPLES = int(os.environ.get("WARGAME_FUZZ_EXAMPLES", "3000"))
MEMORY = 32 * 1024 * 1024  # and allocates no more than this (the files are ~20-200 kB)


# --- the valid saves that get damaged -------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def base_save(ruleset: str = "tiny") -> bytes:
    """A bot game stopped in the middle of a turn: completed turns, snapshots and a turn in progress."""
    rs = load_ruleset(TINY if ruleset == "tiny" else ruleset)
    for seed in range(3, 40):  # the first seed whose game lasts long enough
        bots = make_bots(rs, "doctrine", seed)
        game, _ = SavedGame.new(rs, seed=seed, seats={f: "doctrine" for f in rs.factions}, turn_limit=5,
                                created="2024-01-01T00:00:00+00:00", game_id="f" * 32, title="fuzz base")
        extra = 0
        while game.state.outcome is None and extra < 3:
            if game.turns >= 3:
                extra += 1
            seat = seats_to_act(rs, game.state)[0]
            game.apply(bots[seat].choose(rs, game.state, seat))
        if game.turns >= 3 and game.state.outcome is None:
            return fileformat.pack(game.to_body())
    raise AssertionError(f"no bot game of {ruleset} lasts 3 turns")


@functools.lru_cache(maxsize=None)
def base_body(ruleset: str = "tiny") -> dict:
    """The body with every snapshot decoded (so mutations reach into them), decoded once."""
    body = fileformat.unpack(base_save(ruleset))
    body["snapshots"] = [msgpack.unpackb(s, raw=False) for s in body["snapshots"]]
    return body


def repack(payload: bytes) -> bytes:
    """A file with this payload (magic + body bytes) and a valid checksum."""
    return payload + fileformat.checksum(payload)


def body_file(body_bytes: bytes, magic: bytes = fileformat.MAGIC) -> bytes:
    return repack(magic + body_bytes)


# --- what counts as passing -----------------------------------------------------------------------

def use_like_the_program(game: SavedGame) -> None:
    """What the replay command does with a loaded file; only SaveError may come out of it."""
    rs = game.ruleset
    for turn in range(game.turns + 1):
        try:
            state = game.state_at(turn)
        except SaveError as exc:
            assert_one_line(exc)
            continue
        for seat in (*rs.factions, UMPIRE):
            player_view(rs, state, seat)
        month_label(rs, state, max(1, turn))
        rs.rungs[state.escalation].name
        state_hash(state)
        if turn:  # the turn's events, as the report, render and the client's replay recompute them
            try:
                turn_events(game, turn)
            except SaveError as exc:
                assert_one_line(exc)
    ok, first, message = verify(game)
    assert isinstance(ok, bool) and isinstance(message, str) and "\n" not in message
    assert ok or isinstance(first, int)


def assert_one_line(exc: SaveError) -> None:
    text = str(exc)
    assert text and text.isprintable() and len(text) < 400, text  # one line, no control characters


def load_or_error(blob: bytes):
    """load_bytes(blob), or the SaveError it raised. (How fast that is: bench/hostile.py.)"""
    try:
        return load_bytes(blob)
    except SaveError as exc:
        return exc


def check_file(blob: bytes, *, exercise: bool = True) -> str:
    """Load an untrusted file: SaveError or a usable game. Returns which."""
    result = load_or_error(blob)
    if isinstance(result, SaveError):
        assert_one_line(result)
        return "error"
    if exercise:
        use_like_the_program(result)
    return "loaded"


# --- named bad files ------------------------------------------------------------------------------

def _header_bomb(kind: str) -> bytes:
    """A msgpack container or string header claiming 2**32-1 elements (or bytes), and no elements."""
    return {"array32": b"\xdd", "map32": b"\xdf", "str32": b"\xdb", "bin32": b"\xc6"}[kind] + b"\xff\xff\xff\xff"


def _with_value(body: dict, key: str, raw_value: bytes) -> bytes:
    """The packed body with `key`'s value spliced in as raw msgpack bytes (possibly lying about its size)."""
    placeholder = "\x00PLACEHOLDER\x00"
    packed = msgpack.packb({**body, key: placeholder}, use_bin_type=True)
    marker = msgpack.packb(placeholder)
    assert packed.count(marker) == 1
    return packed.replace(marker, raw_value)


def _snapshot_bomb(kind: str) -> bytes:
    body = fileformat.unpack(base_save())
    snaps = list(body["snapshots"])
    snaps[-1] = _header_bomb(kind) + b"\x00" * 16
    return body_file(msgpack.packb({**body, "snapshots": snaps}, use_bin_type=True))


def bad_files() -> dict[str, bytes]:
    good = base_save()
    body = fileformat.unpack(good)
    rng = random.Random(2024)
    cases = {
        "empty": b"",
        "one byte": b"W",
        "magic only": fileformat.MAGIC,
        "magic and a few bytes": fileformat.MAGIC + b"\x80" + b"\x00" * 31,
        "truncated to half": good[: len(good) // 2],
        "truncated by one byte": good[:-1],
        "checksum only": good[-fileformat.CHECKSUM_SIZE:],
        "no checksum": good[: -fileformat.CHECKSUM_SIZE],
        "one flipped bit in the body": good[:100] + bytes([good[100] ^ 0x04]) + good[101:],
        "one flipped bit in the checksum": good[:-1] + bytes([good[-1] ^ 0x01]),
        "text-mode transfer (CRLF -> LF)": good.replace(b"\r\n", b"\n"),
        "wrong magic": b"PK\x03\x04" + good[4:],
        "wrong magic, checksummed": repack(b"WGSAVX\r\n" + good[len(fileformat.MAGIC):-fileformat.CHECKSUM_SIZE]),
        "a zip file": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(2000)),
        "a JSON file": b'{"format": "wargame-save", "version": 1}',
        "random bytes": bytes(rng.randrange(256) for _ in range(5000)),
        "random bytes after the magic, checksummed": body_file(bytes(rng.randrange(256) for _ in range(5000))),
        "newer format version": body_file(msgpack.packb({**body, "version": 2}, use_bin_type=True)),
        "far newer format version": body_file(msgpack.packb({**body, "version": 2**63 - 1}, use_bin_type=True)),
        "version as text": body_file(msgpack.packb({**body, "version": "1"}, use_bin_type=True)),
        "version as bool": body_file(msgpack.packb({**body, "version": True}, use_bin_type=True)),
        "no version": body_file(msgpack.packb({k: v for k, v in body.items() if k != "version"}, use_bin_type=True)),
        "other format name": body_file(msgpack.packb({**body, "format": "other"}, use_bin_type=True)),
        "body is a list": body_file(msgpack.packb(list(body.values()), use_bin_type=True)),
        "body is a number": body_file(msgpack.packb(7)),
        "two documents": body_file(msgpack.packb(body, use_bin_type=True) * 2),
        "extension type": body_file(msgpack.packb({**body, "title": msgpack.ExtType(1, b"x")}, use_bin_type=True)),
        "integer map keys": body_file(msgpack.packb({**body, "captions": {1: "x"}}, use_bin_type=True)),
        "deep nesting": body_file(b"\x91" * 200_000 + b"\xc0"),
        "no snapshots": body_file(msgpack.packb({**body, "snapshots": [], "hashes": []}, use_bin_type=True)),
        "more hashes than snapshots": body_file(msgpack.packb({**body, "hashes": body["hashes"] * 2},
                                                              use_bin_type=True)),
        "ruleset not matching its hash": body_file(msgpack.packb(
            {**body, "ruleset": {**body["ruleset"], "extra.toml": {}}}, use_bin_type=True)),
        "empty ruleset": body_file(msgpack.packb({**body, "ruleset": {}}, use_bin_type=True)),
    }
    # found by the fuzzers (each used to be slow, huge or accepted):
    cases["input log of 300,000 numbers"] = body_file(msgpack.packb({**body, "inputs": [0] * 300_000},
                                                                    use_bin_type=True))
    cases["input log is a long string"] = body_file(msgpack.packb({**body, "inputs": "x" * 100_000},
                                                                  use_bin_type=True))
    cases["a header list that is a string"] = body_file(msgpack.packb(
        {**body, "header": {**body["header"], "auto_react": "russia"}}, use_bin_type=True))
    cases["a snapshot that is a number"] = body_file(msgpack.packb(
        {**body, "snapshots": [2**32, *body["snapshots"][1:]]}, use_bin_type=True))  # bytes(2**32): 4 GB
    cases["damaged ruleset with 100,000 bad entries"] = body_file(msgpack.packb(
        {**body, "ruleset": {**body["ruleset"], "actions.toml": {"action": [0] * 100_000}}}, use_bin_type=True))
    for name, key in (("a newline", "bad\nkey"), ("a terminal escape", "\x1b[2J\x1b[31mkey")):
        ruleset = {**body["ruleset"], "actions.toml": {**body["ruleset"]["actions.toml"], key: 1}}
        cases[f"ruleset key with {name}, hash recomputed"] = body_file(msgpack.packb(
            {**body, "ruleset": ruleset, "header": {**body["header"], "ruleset_hash": content_hash(ruleset)}},
            use_bin_type=True))
    for kind in ("array32", "map32", "str32", "bin32"):
        cases[f"whole body claims 2**32-1 ({kind})"] = body_file(_header_bomb(kind))
        cases[f"input log claims 2**32-1 ({kind})"] = body_file(_with_value(body, "inputs", _header_bomb(kind)))
        cases[f"header claims 2**32-1 ({kind})"] = body_file(_with_value(body, "header", _header_bomb(kind)))
        cases[f"last snapshot claims 2**32-1 ({kind})"] = _snapshot_bomb(kind)
    cases["input log claims 2**32-1 and has a few"] = body_file(
        _with_value(body, "inputs", b"\xdd\xff\xff\xff\xff" + msgpack.packb(body["inputs"][0]) * 3))
    cases["a string claiming 4 GB"] = body_file(_with_value(body, "title", b"\xdb\xff\xff\xff\xff" + b"x" * 64))
    return cases


BAD_FILES = bad_files()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_save_error_and_allocates_little(name):
    blob = BAD_FILES[name]
    load_bytes(base_save())  # warm up: the codec builds its structuring functions on first use
    tracemalloc.start()
    try:
        with pytest.raises(SaveError) as info:
            load_bytes(blob)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_one_line(info.value)
    assert peak < MEMORY, f"{name}: {peak / 1e6:.1f} MB allocated"


def test_crafted_ruleset_with_many_bad_entries_is_refused():
    body = fileformat.unpack(base_save())
    ruleset = {**body["ruleset"], "actions.toml": {"action": [0] * 15_000}}
    crafted = {**body, "ruleset": ruleset, "header": {**body["header"], "ruleset_hash": content_hash(ruleset)}}
    result = load_or_error(body_file(msgpack.packb(crafted, use_bin_type=True)))
    assert isinstance(result, SaveError)


def test_newer_version_says_so():
    with pytest.raises(SaveError, match="newer"):
        load_bytes(BAD_FILES["newer format version"])


def test_memory_measure_sees_the_loader():
    """tracemalloc does see what loading allocates (a valid file: its body, states and ruleset)."""
    load_bytes(base_save())  # the built ruleset is cached from here on
    tracemalloc.start()
    try:
        load_bytes(base_save())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 20_000 < peak < MEMORY


def test_every_truncation_is_an_error():
    good = base_save()
    for size in range(len(good)):
        with pytest.raises(SaveError):
            load_bytes(good[:size])


def test_the_base_save_itself_loads():
    assert check_file(base_save()) == "loaded"
    game = load_bytes(base_save())
    assert verify(game)[0]
    assert game.inputs[-1].turn == game.turns + 1  # a turn in progress: the load replays it


# --- fuzzing raw bytes ------------------------------------------------------------------------------

def byte_mutation(size: int):
    pos = st.integers(0, size - 1)
    return st.one_of(
        st.tuples(st.just("flip"), pos, st.integers(0, 7)),
        st.tuples(st.just("set"), pos, st.integers(0, 255)),
        st.tuples(st.just("delete"), pos, st.integers(1, 64)),
        st.tuples(st.just("insert"), pos, st.binary(min_size=1, max_size=64)),
        st.tuples(st.just("truncate"), pos, st.just(0)),
        st.tuples(st.just("duplicate"), pos, st.integers(1, 256)),
        st.tuples(st.just("marker"), pos, st.sampled_from([b"\xdd\xff\xff\xff\xff", b"\xdf\xff\xff\xff\xff",
                                                           b"\xdb\xff\xff\xff\xff", b"\xc6\xff\xff\xff\xff",
                                                           b"\xc1", b"\xc7\x01\x01", b"\xd4\x00\x00"])),
    )


def apply_byte_mutations(blob: bytes, mutations) -> bytes:
    data = bytearray(blob)
    for op, pos, arg in mutations:
        pos = min(pos, max(0, len(data) - 1))
        if op == "flip" and data:
            data[pos] ^= 1 << arg
        elif op == "set" and data:
            data[pos] = arg
        elif op == "delete":
            del data[pos:pos + arg]
        elif op == "insert":
            data[pos:pos] = arg
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate":
            data[pos:pos] = data[pos:pos + arg]
        elif op == "marker":
            data[pos:pos + len(arg)] = arg
    return bytes(data)


def run_raw_fuzz(ruleset: str, examples: int) -> dict:
    blob = base_save(ruleset)
    seen = {"error": 0, "loaded": 0}

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mutations=st.lists(byte_mutation(len(blob)), min_size=1, max_size=4), rechecksum=st.booleans())
    def fuzz(mutations, rechecksum):
        damaged = apply_byte_mutations(blob, mutations)
        if rechecksum and len(damaged) > fileformat.CHECKSUM_SIZE:
            damaged = repack(damaged[:-fileformat.CHECKSUM_SIZE])
        seen[check_file(damaged)] += 1

    fuzz()
    return seen


def test_fuzz_raw_bytes():
    seen = run_raw_fuzz("tiny", FUZZ_EXAMPLES)
    assert sum(seen.values()) >= FUZZ_EXAMPLES, seen
    assert seen["error"] > FUZZ_EXAMPLES // 2, seen


@pytest.mark.slow
def test_fuzz_raw_bytes_default_ruleset_slow():
    seen = run_raw_fuzz("default", SLOW_EXAMPLES)
    assert sum(seen.values()) >= SLOW_EXAMPLES, seen


# --- fuzzing the decoded body -------------------------------------------------------------------------

BOMB = "\x00BOMB\x00"  # stands for raw msgpack bytes spliced in after packing
BOMBS = [b"\xdd\xff\xff\xff\xff", b"\xdf\xff\xff\xff\xff", b"\xdb\xff\xff\xff\xff", b"\xc6\xff\xff\xff\xff",
         b"\xdc\xff\xff", b"\xde\xff\xff", b"\xdd\x00\x01\x00\x00\xc0\xc0", b"\xc1", b"\xd6\x01abcd"]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.sampled_from([0, 1, -1, 2, 3, 4, 5, 100, 2**31, 2**32 - 1, 2**63 - 1, 2**64 - 1, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "orders", "consensus", "reaction", "over", "russia", "ukraine", "nato_hawk",
                     "nato_cautious", "umpire", "order", "end_orders", "vote", "react", "tiny", "spring2024",
                     "turn_limit", "x" * 70_000]),
    st.binary(max_size=20),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=5)


def _children(node):
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _reaches(root, path) -> bool:
    node = root
    for key in path:
        if not (isinstance(node, dict) and key in node or isinstance(node, list) and isinstance(key, int)
                and key < len(node)):
            return False
        node = node[key]
    return True


def _copy_path(root, path):
    """A copy of root with fresh containers along path (everything else shared); returns (copy, parent)."""
    root = type(root)(root)
    node = root
    for key in path[:-1]:
        node[key] = type(node[key])(node[key])
        node = node[key]
    return root, node


@functools.lru_cache(maxsize=None)
def _index(size: int):
    return st.integers(0, size - 1)


STOP = st.integers(0, 3)  # 0: change this node, else go deeper
OPERATIONS = st.sampled_from(["replace", "replace", "delete", "add", "bomb", "empty"])
NEW_KEYS = st.text(max_size=10) | st.sampled_from(["kind", "turn", "zz", "version"])


@st.composite
def body_mutations(draw, body):
    """One change somewhere in the body: (path, operation, value)."""
    path = []
    node = body
    while True:
        keys = _children(node)
        if not keys or (path and draw(STOP) == 0):
            break
        key = keys[draw(_index(len(keys)))]
        path.append(key)
        node = node[key]
    op = draw(OPERATIONS)
    value = draw(values) if op in ("replace", "add") else None
    if op == "add":
        value = (draw(NEW_KEYS), value)
    return tuple(path), op, value


def apply_body_mutation(body, mutation):
    path, op, value = mutation
    if not path or not _reaches(body, path):  # an earlier mutation took the place away
        return body
    new, parent = _copy_path(body, path)
    key = path[-1]
    if op == "replace":
        parent[key] = value
    elif op == "bomb":
        parent[key] = BOMB
    elif op == "empty":
        parent[key] = type(parent[key])() if isinstance(parent[key], (dict, list, str, bytes)) else None
    elif op == "delete":
        del parent[key]
    elif op == "add":
        target = parent[key]
        if isinstance(target, dict):
            parent[key] = {**target, value[0]: value[1]}
        elif isinstance(target, list):
            parent[key] = [*target, value[1]]
        else:
            parent[key] = value[1]
    return new


def pack_with_bombs(doc, bomb: bytes) -> bytes:
    packed = msgpack.packb(doc, use_bin_type=True)
    return packed.replace(msgpack.packb(BOMB), bomb)


def encode_body(body: dict, bomb: bytes) -> bytes:
    """Re-pack snapshots that were decoded (and maybe changed), then the body; bombs become raw bytes."""
    snaps = body.get("snapshots")
    if isinstance(snaps, list):
        body = {**body, "snapshots": [pack_with_bombs(s, bomb) if isinstance(s, (dict, list)) else s for s in snaps]}
    return body_file(pack_with_bombs(body, bomb))


def fix_ruleset_hash(body: dict) -> dict:
    """Let a changed ruleset past the header's hash check, so what it does to the rest is tested."""
    header, ruleset = body.get("header"), body.get("ruleset")
    if isinstance(header, dict) and isinstance(ruleset, dict):
        try:
            return {**body, "header": {**header, "ruleset_hash": content_hash(ruleset)}}
        except Exception:
            return body
    return body


def run_body_fuzz(ruleset: str, examples: int) -> dict:
    body = base_body(ruleset)
    seen = {"error": 0, "loaded": 0}

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def fuzz(data):
        mutations = data.draw(st.lists(body_mutations(body), min_size=1, max_size=3), label="mutations")
        mutated = body
        for mutation in mutations:
            mutated = apply_body_mutation(mutated, mutation)
        if data.draw(st.booleans(), label="fix ruleset hash"):
            mutated = fix_ruleset_hash(mutated)
        seen[check_file(encode_body(mutated, data.draw(st.sampled_from(BOMBS), label="bomb")))] += 1

    fuzz()
    return seen


def test_fuzz_decoded_body():
    seen = run_body_fuzz("tiny", FUZZ_EXAMPLES)
    assert sum(seen.values()) >= FUZZ_EXAMPLES, seen
    assert seen["error"] > 0 and seen["loaded"] > 0, seen


@pytest.mark.slow
def test_fuzz_decoded_body_default_ruleset_slow():
    seen = run_body_fuzz("default", SLOW_EXAMPLES)
    assert sum(seen.values()) >= SLOW_EXAMPLES, seen


def test_body_fuzz_reaches_every_part():
    """Sanity of the fuzzer: an unchanged body still loads; a change in each part is noticed or harmless."""
    body = base_body()
    assert check_file(encode_body(body, BOMBS[0])) == "loaded"
    for part in ("header", "ruleset", "inputs", "snapshots", "hashes", "captions"):
        damaged = apply_body_mutation(body, ((part,), "bomb", None))
        assert check_file(encode_body(damaged, BOMBS[0])) == "error", part
    inside_snapshot = apply_body_mutation(body, (("snapshots", 1, "lines"), "replace", {"nope": 1}))
    game = load_bytes(encode_body(inside_snapshot, BOMBS[0]))  # only turn 1 is damaged
    with pytest.raises(SaveError, match="turn 1"):
        game.state_at(1)
    assert not verify(game)[0]
