"""Play simulation batches on a Dask distributed cluster (the optional `cluster` extra).

The client reads the ruleset files and applies the variant's overrides itself, then sends the
parsed data once to every worker: workers need neither the ruleset folder nor the project's
working directory. Each worker builds each variant's ruleset once (see simulate.ruleset_from_raw).
"""

from __future__ import annotations

import time
from typing import Callable

INSTALL_HINT = "pip install wargame[cluster]"
TASKS_PER_THREAD = 4  # enough batches to even out slow ones, few enough to keep overhead low
MAX_BATCH = 100


class ClusterError(Exception):
    """The cluster cannot be used (Dask missing, scheduler unreachable): one line for the user."""


def _dask():
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise ClusterError(f"--scheduler needs Dask's distributed scheduler: {INSTALL_HINT}") from None
    return Client, as_completed


def _play(raw: dict, digest: str, seeds: list[int], bots: str, scenario: str | None) -> list[dict]:
    """Runs on a worker."""
    from .simulate import play_batch, ruleset_from_raw

    return play_batch(ruleset_from_raw(digest, raw), seeds, bots, scenario)


def connect(address: str):
    Client, _ = _dask()
    from distributed.comm.addressing import parse_address, parse_host_port

    try:  # checked first: a Client given a malformed address leaves noise behind at exit
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
    except ValueError as exc:
        raise ClusterError(f"--scheduler {address}: {exc} (expected e.g. tcp://HOST:8786)") from None
    try:
        return Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_on_cluster(address: str, ruleset_path: str | None, variants: list[tuple], seeds: list[int],
                   bots: str, scenario: str | None,
                   advance: Callable[[int], None]) -> tuple[list[list[dict]], float]:
    """The same contract as simulate.run_variants: per-variant records in seed order, wall time."""
    from .ruleset.loader import content_hash, read_raw, resolve_ruleset_path
    from .variants import variant_raw

    base, _ = read_raw(resolve_ruleset_path(ruleset_path))  # the caller has checked it already
    raws = [variant_raw(base, overrides) for overrides in variants]
    digests = [content_hash(raw) for raw in raws]
    _, as_completed = _dask()
    with connect(address) as client:
        threads = max(1, sum(client.nthreads().values()))
        size = max(1, min(MAX_BATCH, -(-len(seeds) * len(variants) // (threads * TASKS_PER_THREAD))))
        chunks = [seeds[i:i + size] for i in range(0, len(seeds), size)]
        start = time.perf_counter()
        shared = client.scatter(raws, broadcast=True)  # a list: one future per variant
        tasks = [(vi, chunk) for vi in range(len(variants)) for chunk in chunks]
        futures = [client.submit(_play, shared[vi], digests[vi], chunk, bots, scenario, pure=False)
                   for vi, chunk in tasks]
        position = {f.key: i for i, f in enumerate(futures)}
        batches: list[list[dict] | None] = [None] * len(futures)
        for future, records in as_completed(futures, with_results=True, loop=client.loop):
            batches[position[future.key]] = records
            advance(len(records))
        elapsed = time.perf_counter() - start
    out: list[list[dict]] = [[] for _ in variants]
    for (vi, _), records in zip(tasks, batches):
        assert records is not None  # as_completed has given every future's result
        out[vi].extend(records)
    return out, elapsed
