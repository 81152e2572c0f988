"""The default ruleset makes an interesting game, checked on 1000 doctrine games.

These are guard rails, wider than the design targets that bench/targets.py measures (no outcome
above 60%, nuclear exchange in 1-15%, ...), so that tuning can move the figures without the suite
failing on noise, while a ruleset that breaks the game (one outcome everywhere, no nuclear risk
at all, a flat ladder) still fails. Results do not depend on the number of worker processes.
"""

import pytest

from wargame.simulate import run_games, summarise

pytestmark = pytest.mark.slow  # 1000 games: `make test` runs them, `make test-fast` does not


@pytest.fixture(scope="module")
def thousand_games():
    results, elapsed = run_games(None, games=1000, seed=0, bots="doctrine", jobs=2)
    return summarise(results, elapsed)


def test_no_outcome_dominates(thousand_games):
    s = thousand_games
    assert s["games"] == 1000
    assert sum(s["outcomes"].values()) == 1000
    assert max(s["outcomes"].values()) <= 700, s["outcomes"]


def test_nuclear_exchange_happens_but_rarely(thousand_games):
    nuclear = thousand_games["outcomes"].get("nuclear_exchange", 0)
    assert 3 <= nuclear <= 250, thousand_games["outcomes"]


def test_peak_escalation_is_spread(thousand_games):
    peaks = thousand_games["peak_escalation"]
    assert sum(peaks.values()) == 1000
    assert len(peaks) >= 5, peaks


def test_results_do_not_depend_on_jobs():
    one, _ = run_games(None, games=30, seed=500, bots="doctrine", jobs=1)
    two, _ = run_games(None, games=30, seed=500, bots="doctrine", jobs=2)
    assert one == two
