"""Hostile-save benchmark: how long a load takes to answer the worst files the tests craft.

Every load of an untrusted file should answer (a SaveError or a game) within a second. The tests
check only what the answer is, because wall time on a shared machine is noise; the times are here.
The files are the named bad files of tests/test_save_fuzz.py plus the heaviest crafted ones of
tests/test_save_hostile.py (a log at the item cap, a turn with too many inputs, a ruleset with
thousands of bad entries).

    python bench/hostile.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import msgpack  # noqa: E402

import test_save_fuzz as fuzz  # noqa: E402
import test_save_hostile as hostile  # noqa: E402
from wargame.engine import Note  # noqa: E402
from wargame.persist import (  # noqa: E402
    SaveError,  # noqa: E402
    fileformat,
    load_bytes,
    validate,
)
from wargame.ruleset.loader import content_hash  # noqa: E402

GOAL_S = 1.0


def crafted() -> dict[str, bytes]:
    """The heaviest files the hostile tests build, by name."""
    out = {}
    b = hostile.body()
    room = fileformat.MAX_ITEMS - len(b["inputs"])
    b["inputs"] = b["inputs"] + [hostile.entry(1, "orders", Note("n"))] * room
    out["input log at the item cap"] = hostile.packed(b)

    b = hostile.body()
    b["inputs"] += [hostile.entry(hostile.turns(b) + 1, "orders", Note(f"note {i}"))
                    for i in range(validate.MAX_INPUTS_PER_TURN + 1)]
    out["a turn with too many inputs"] = hostile.packed(b)

    b = hostile.body()
    b["inputs"] += [hostile.entry(1, "orders", Note("n"))] * fileformat.MAX_ITEMS
    out["input log over the item cap"] = hostile.packed(b)

    body = fileformat.unpack(fuzz.base_save())
    ruleset = {**body["ruleset"], "actions.toml": {"action": [0] * 15_000}}
    bad = {**body, "ruleset": ruleset, "header": {**body["header"], "ruleset_hash": content_hash(ruleset)}}
    out["ruleset with 15,000 bad actions"] = fuzz.body_file(msgpack.packb(bad, use_bin_type=True))
    return out


def load_time(blob: bytes, repeat: int) -> tuple[float, str]:
    """Best time of `repeat` loads, and what the load answered."""
    times, answer = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            load_bytes(blob)
            answer = "loaded"
        except SaveError:
            answer = "SaveError"
        times.append(time.perf_counter() - start)
    return min(times), answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="loads per file; the best is shown (default 3)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    load_bytes(fuzz.base_save())  # warm up: the codec builds its structuring functions on first use
    files = {**fuzz.BAD_FILES, **crafted()}
    bests = []
    print(f"{'file':<48} {'bytes':>11} {'best ms':>9}  answer")
    for name, blob in files.items():
        best, answer = load_time(blob, args.repeat)
        bests.append(best)
        print(f"{name[:48]:<48} {len(blob):>11,} {best * 1000:>9.1f}  {answer}")
    median, worst = statistics.median(bests), max(bests)
    print(f"\n{len(files)} files; median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms "
          f"(goal: every file under {GOAL_S * 1000:.0f} ms: {'met' if worst < GOAL_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
