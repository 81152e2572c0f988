"""Write the save-file fixture of the current format version: tests/data/saves/v<N>.wgsave.

Run it ONCE per new format version, right after FORMAT_VERSION is raised, and commit the file:

    .venv/bin/python tests/data/saves/make_fixtures.py

Never regenerate an old version: those files are what earlier releases wrote, and
tests/test_persist.py keeps loading and verifying every one of them forever (through
wargame/persist/upgrades.py). The script refuses to overwrite an existing fixture. When an
engine change makes an old fixture fail to verify, that is a compatibility break to deal with
in the engine or the upgrades, not a reason to rewrite the fixture.

The game: the tiny test ruleset, scenario tiny, doctrine bots in every seat (the engine rolls
nato_cautious's reactions), seed 7, a turn limit of 6; saved in the middle of turn 5, so the file
has completed turns 0-4, the inputs of the turn in progress, and one caption. Game id and
creation time are fixed so the file is reproducible. The facts the tests check are printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from wargame.bots import make_bots  # noqa: E402
from wargame.engine import seats_to_act  # noqa: E402
from wargame.persist import FORMAT_VERSION, SavedGame, load_save, save_game, verify  # noqa: E402
from wargame.persist.game import Caption  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402

SEED = 7
TURN_LIMIT = 6
STOP_AFTER_TURN = 4  # completed turns in the file
INPUTS_INTO_NEXT_TURN = 3  # then a few inputs of the turn in progress


def build() -> SavedGame:
    rs = load_ruleset(REPO / "tests" / "data" / "rulesets" / "tiny")
    bots = make_bots(rs, "doctrine", SEED)
    game, _ = SavedGame.new(rs, seed=SEED, seats={f: "doctrine" for f in rs.factions},
                            auto_react=("nato_cautious",), turn_limit=TURN_LIMIT,
                            title=f"format {FORMAT_VERSION} fixture", created="2024-01-01T00:00:00+00:00",
                            game_id=f"fixture-v{FORMAT_VERSION}".ljust(32, "0"))
    game.captions[1] = Caption(date="2024-03", caption="Fixture caption for turn 1", sources=["tests/data/saves"])
    extra = 0
    while game.state.outcome is None:
        if game.turns >= STOP_AFTER_TURN:
            if extra == INPUTS_INTO_NEXT_TURN:
                break
            extra += 1
        seat = seats_to_act(rs, game.state)[0]
        game.apply(bots[seat].choose(rs, game.state, seat))
    return game


def main() -> int:
    out = HERE / f"v{FORMAT_VERSION}.wgsave"
    if out.exists():
        print(f"{out} exists: fixtures of shipped versions are never regenerated", file=sys.stderr)
        return 1
    game = build()
    save_game(out, game)
    loaded = load_save(out)
    ok, _, message = verify(loaded)
    print(f"wrote {out.relative_to(REPO)} ({out.stat().st_size} bytes): verify {ok} ({message})")
    print(f"facts: turns={loaded.turns} inputs={len(loaded.inputs)} state.turn={loaded.state.turn} "
          f"phase={loaded.state.phase} outcome={loaded.state.outcome} escalation={loaded.state.escalation}")
    print(f"hashes[-1]={loaded.hashes[-1]} header={loaded.header}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
