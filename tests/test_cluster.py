"""`--scheduler`: the same games on a Dask cluster give the same results as a local run.

The cluster (a scheduler and two worker processes on 127.0.0.1) runs in a child process, and
so does the `wargame` command that uses it: the test process itself never holds Dask's threads,
as other tests fork worker pools from it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.cli import main

REPO = Path(__file__).resolve().parents[1]
TINY = str(REPO / "tests" / "data" / "rulesets" / "tiny")

CLUSTER = """
import sys
from dask.distributed import LocalCluster

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()  # until the test closes our stdin
"""


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    script, log = folder / "cluster.py", folder / "cluster.log"
    script.write_text(CLUSTER)
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, text=True, cwd=folder)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("tcp://127.0.0.1:"), log.read_text()[-2000:]
        yield address
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wargame(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "wargame.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def local(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def drop_timing(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("elapsed_s", "decisions_per_s", "jobs")}


def test_simulate_on_the_cluster_equals_a_local_run(scheduler, capsys, tmp_path):
    remote_out, local_out = tmp_path / "remote.jsonl", tmp_path / "local.jsonl"
    # from another folder, so the workers cannot lean on the project's working directory
    remote = wargame("simulate", "--games", "40", "--seed", "11", "--scheduler", scheduler,
                     "--out", str(remote_out), "--json", cwd=tmp_path)
    here = local(capsys, "simulate", "--games", "40", "--seed", "11", "--out", str(local_out), "--json")
    assert remote_out.read_bytes() == local_out.read_bytes()
    assert drop_timing(json.loads(remote.stdout)) == drop_timing(json.loads(here))


def test_sweep_on_the_cluster_equals_a_local_run(scheduler, capsys):
    args = ("sweep", "--ruleset", TINY, "--games", "10", "--set", "action[send_shells].rung=2,15", "--json")
    remote = json.loads(wargame(*args, "--scheduler", scheduler).stdout)
    here = json.loads(local(capsys, *args))
    assert remote["variants"] == here["variants"]
    assert remote["variants"][1]["nuclear_share"] == 1.0


def test_without_dask_the_error_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    assert main(["simulate", "--ruleset", TINY, "--games", "2", "--scheduler", "tcp://127.0.0.1:8786"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install wargame[cluster]" in err


@pytest.mark.parametrize("args", [["--scheduler", "no-port-here"],
                                  ["--scheduler", "tcp://127.0.0.1:8786", "--save-dir", "."]])
def test_bad_scheduler_use_is_one_line(capsys, args):
    assert main(["simulate", "--ruleset", TINY, "--games", "2", *args]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
