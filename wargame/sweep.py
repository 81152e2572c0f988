"""Parameter sweeps: the same games (same seeds) under every combination of ruleset variants."""

from __future__ import annotations

from typing import Any, Callable

from .ruleset import RulesetError
from .ruleset.schema import OUTCOME_IDS
from .simulate import ruleset_for, run_variants, wilson
from .variants import Override, VariantError, combinations, label

NUCLEAR = "nuclear_exchange"


def prepare(ruleset_path: str | None, settings: list[tuple[str, list[Any]]]) -> list[tuple[Override, ...]]:
    """Every variant, each built and checked once here, so a bad one stops the sweep before any game."""
    variants = combinations(settings)
    for overrides in variants:
        try:
            ruleset_for(ruleset_path, overrides)
        except RulesetError as exc:
            shown = "; ".join(exc.problems[:3]) + ("; ..." if len(exc.problems) > 3 else "")
            raise VariantError(f"variant {label(overrides)}: {shown}") from None
    return variants


def _row(overrides: tuple[Override, ...], records: list[dict]) -> dict:
    games = len(records)
    counts: dict[str, int] = {}
    for r in records:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    nuclear = counts.get(NUCLEAR, 0)
    return {
        "set": {k: v for k, v in overrides},
        "label": label(overrides),
        "outcomes": {o: counts[o] for o in OUTCOME_IDS if o in counts},
        "shares": {o: round(counts[o] / games, 4) for o in OUTCOME_IDS if o in counts},
        "nuclear_share": round(nuclear / games, 4),
        "nuclear_ci95": [round(x, 4) for x in wilson(nuclear, games)],
        "mean_peak": round(sum(r["peak"] for r in records) / games, 2),
        "mean_turns": round(sum(r["turns"] for r in records) / games, 2),
    }


def run_sweep(ruleset_path: str | None, settings: list[tuple[str, list[Any]]], games: int, seed: int,
              bots: str, jobs: int = 1, scenario: str | None = None,
              progress: Callable[[int, int], None] | None = None, scheduler: str | None = None) -> dict:
    variants = prepare(ruleset_path, settings)
    results, elapsed = run_variants(ruleset_path, variants, games, seed, bots, jobs, scenario,
                                    progress, scheduler=scheduler)
    return {
        "games": games,
        "seed": seed,
        "bots": bots,
        "keys": [k for k, _ in settings],
        "variants": [_row(o, r) for o, r in zip(variants, results)],
        "elapsed_s": round(elapsed, 3),
    }


def format_table(sweep: dict) -> str:
    """Rows: variants; columns: the share of each outcome that occurred, nuclear share with its
    95% interval, mean peak rung."""
    rows = sweep["variants"]
    outcomes = [o for o in OUTCOME_IDS if any(o in r["outcomes"] for r in rows)]
    width = max(len("variant"), *(len(r["label"]) for r in rows))
    cols = [max(len(o), 6) for o in outcomes]
    head = ["variant".ljust(width)] + [o.rjust(c) for o, c in zip(outcomes, cols)]
    lines = ["  ".join(head + ["nuclear (95% CI)".rjust(22), "mean peak"])]
    for r in rows:
        cells = [r["label"].ljust(width)]
        cells += [f"{100 * r['shares'].get(o, 0):.1f}%".rjust(c) for o, c in zip(outcomes, cols)]
        lo, hi = r["nuclear_ci95"]
        cells.append(f"{100 * r['nuclear_share']:.1f}% ({100 * lo:.1f}-{100 * hi:.1f})".rjust(22))
        cells.append(f"{r['mean_peak']:.2f}".rjust(9))
        lines.append("  ".join(cells))
    return "\n".join(lines)
