"""An action's `out_of_reach` regions are never valid targets, though their country is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from attrs import evolve

from helpers import rich
from wargame.engine import Order, new_game
from wargame.engine.errors import IllegalInput
from wargame.engine.legal import check_input, legal_orders, targets_for
from wargame.ruleset import load_ruleset

TINY = Path(__file__).parent / "data" / "rulesets" / "tiny"
COUNTRIES = 'target_countries = ["ukraine", "russia"]\n'


def _tiny_with_rostov_out_of_reach(tmp_path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    actions = folder / "actions.toml"
    text = actions.read_text(encoding="utf-8")
    assert text.count(COUNTRIES) == 1  # the Ukrainian counterattack, which may enter Russia
    actions.write_text(text.replace(COUNTRIES, COUNTRIES + 'out_of_reach = ["rostov"]\n'), encoding="utf-8")
    return folder


def _rostov_in_reach(rs):
    """A start where Ukrainian forces stand next to Rostov and can pay for anything."""
    st, _ = new_game(rs, seed=0)
    kharkiv = evolve(st.regions["kharkiv"], control="ukraine", ukraine=5)
    return rich(rs, evolve(st, regions={**st.regions, "kharkiv": kharkiv}), "ukraine")


def test_a_region_out_of_reach_is_never_a_target(tmp_path):
    base = load_ruleset(TINY)
    st = _rostov_in_reach(base)
    assert "rostov" in targets_for(base, st, base.actions["counterattack"], "ukraine")  # reachable without it

    rs = load_ruleset(_tiny_with_rostov_out_of_reach(tmp_path))
    st = _rostov_in_reach(rs)
    assert "rostov" not in targets_for(rs, st, rs.actions["counterattack"], "ukraine")
    assert ("counterattack", "rostov") not in legal_orders(rs, st, "ukraine")
    assert any(a == "counterattack" for a, _ in legal_orders(rs, st, "ukraine"))  # other targets stay
    with pytest.raises(IllegalInput):
        check_input(rs, st, Order("ukraine", "counterattack", "rostov"))
