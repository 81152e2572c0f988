"""The `wargame` command. Every subcommand has --help; user errors end in a message, never a traceback."""

from __future__ import annotations

import argparse
import sys

from . import __version__, strict_json
from .text import SafeStream, printable, shorten

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# Caps on what the command line accepts: far above any real use, far below what would run for
# ever or overflow. A seed is the random generator's 64-bit state (and a save stores it as one).
MAX_GAMES = 1_000_000  # --games, --seeds: a million doctrine games is days of work already
MAX_SEED = 2**64 - 1
MAX_TURN = 100_000  # --at, --turn: no save has that many (the save says which it has)
MAX_JOBS = 1_000  # --jobs is capped at the cores anyway; this bounds the number itself


def _whole_number(minimum: int, maximum: int):
    """An argparse type: a whole number from `minimum` to `maximum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also for a number of thousands of digits (int's own limit)
            shown = text if len(text) <= 40 else text[:40] + "..."
            raise argparse.ArgumentTypeError(f"expected a whole number, got {shown!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {_short(value)}")
        return value

    return parse


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 30 else f"a number of {len(text)} digits"


_games = _whole_number(1, MAX_GAMES)
_jobs = _whole_number(1, MAX_JOBS)
_seed = _whole_number(0, MAX_SEED)
_turn = _whole_number(0, MAX_TURN)


def _add_view_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="view", default="umpire",
                        help="whose view: russia, ukraine, nato_hawk, nato_cautious or umpire (default)")


def _add_scheduler_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="play the games on a Dask cluster whose scheduler is at ADDRESS, e.g. "
                             "tcp://HOST:8786 (--jobs is then unused; needs pip install wargame[cluster])")


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors quote a huge argument cut (text.shorten): one line."""

    def error(self, message: str):
        super().error(shorten(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wargame",
        description="A seminar wargame about escalation of the Russia-Ukraine war into a Russia-NATO war.",
    )
    parser.add_argument("--version", action="version", version=f"wargame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    play = sub.add_parser("play", help="open the game window (menu, hot-seat play, replays)",
                          description="Open the game window: start a hot-seat game against bots or friends, "
                                      "load a save, or replay history. With --terminal, bots take every seat "
                                      "and the game is printed in the terminal instead.")
    play.add_argument("--ruleset", help="ruleset folder or shipped ruleset id (default: default)")
    play.add_argument("--save-dir", default=None, help="folder for saves and autosaves (default: saves/)")
    play.add_argument("--size", default="1280x800", help="window size WIDTHxHEIGHT (default 1280x800)")
    play.add_argument("--text-scale", type=float, default=1.0,
                      help="text size factor, 0.8 to 1.75 (default 1.0; Ctrl+plus and Ctrl+minus change it)")
    play.add_argument("--terminal", action="store_true", help="no window: bots play every seat, printed here")
    play.add_argument("--scenario", help="--terminal: scenario id (default: the ruleset's default scenario)")
    play.add_argument("--seed", type=_seed, default=None, help="--terminal: random seed (default: a fresh one)")
    play.add_argument("--bots", choices=["random", "doctrine"], default="doctrine",
                      help="--terminal: bot kind (default: doctrine)")
    play.add_argument("--no-autosave", action="store_true", help="--terminal: do not write autosaves")
    play.add_argument("--join", metavar="URL", help="play over the network: the server's address, e.g. "
                                                   "ws://192.168.1.10:8765 (from `wargame serve`)")
    play.add_argument("--code", help="with --join: the code of your seat, the umpire desk or the projector")
    play.add_argument("--cafile", metavar="PEM", help="with a wss:// --join: the server's certificate to trust "
                                                     "(the facilitator's own, when it is self-signed)")
    play.set_defaults(func=cmd_play)

    serve = sub.add_parser("serve", help="host a networked seminar: one laptop per team, a projector",
                           description="Run the game server. Each seat (the four factions, the umpire desk "
                                       "and the projector) joins with its own code over a WebSocket; only the "
                                       "server applies inputs. Rooms, hashed codes and input logs live in "
                                       "SQLite in --data, so a room survives a restart. Listens on this "
                                       "machine only unless --host says otherwise (e.g. --host 0.0.0.0).")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_whole_number(1, 65535), default=8765, help="port (default: 8765)")
    serve.add_argument("--ruleset", help="ruleset folder or shipped ruleset id for new rooms (default: default)")
    serve.add_argument("--scenario", help="scenario id for new rooms (default: the ruleset's default)")
    serve.add_argument("--seed", type=_seed, default=None, help="random seed of the first new room (default: fresh)")
    serve.add_argument("--data", default="wargame-server", metavar="DIR",
                       help="folder of the server's database (default: ./wargame-server)")
    serve.add_argument("--new-room", action="store_true",
                       help="make new rooms even when the data folder has some (by default they are resumed)")
    serve.add_argument("--rooms", type=_whole_number(1, 100), default=1, help="how many new rooms (default: 1)")
    serve.add_argument("--timer", type=_whole_number(0, 86400), default=0, metavar="SECONDS",
                       help="phase timer for new rooms; at zero the orders phase closes (default: 0, off)")
    serve.add_argument("--reissue", metavar="SEAT[,SEAT]",
                       help="new codes for these seats of the existing rooms, e.g. umpire (the old codes stop "
                            "working): for a facilitator who has lost them")
    serve.add_argument("--codes-out", metavar="FILE", help="also write the new seat codes to FILE (JSON, mode 600)")
    serve.add_argument("--ssl-certfile", metavar="FILE", help="TLS certificate (PEM), with --ssl-keyfile")
    serve.add_argument("--ssl-keyfile", metavar="FILE", help="TLS private key (PEM)")
    serve.set_defaults(func=cmd_serve)

    bot = sub.add_parser("bot", help="fill an empty seat of a networked game with a bot",
                         description="Join a `wargame serve` room with a seat's code and let a bot play that "
                                     "seat until the game ends. The bot sees only what the seat may see.")
    bot.add_argument("--join", metavar="URL", required=True, help="the server's address, e.g. ws://HOST:8765")
    bot.add_argument("--code", required=True, help="the seat's code")
    bot.add_argument("--kind", choices=["doctrine", "random"], default="doctrine", help="bot kind (default: doctrine)")
    bot.add_argument("--seed", type=_seed, default=0, help="the bot's random seed (default: 0)")
    bot.add_argument("--cafile", metavar="PEM", help="with a wss:// address: the server's certificate to trust")
    bot.set_defaults(func=cmd_bot)

    sim = sub.add_parser("simulate", help="play many bot games and summarise their outcomes",
                         description="Play N bot games with seeds S..S+N-1 and summarise outcomes and "
                                     "peak escalation. Results do not depend on --jobs.")
    sim.add_argument("--games", type=_games, default=100, help="number of games (default: 100)")
    sim.add_argument("--seed", type=_seed, default=0, help="seed of the first game (default: 0)")
    sim.add_argument("--bots", choices=["random", "doctrine"], default="doctrine", help="bot kind (default: doctrine)")
    sim.add_argument("--jobs", type=_jobs, default=1,
                     help="worker processes, at most the number of cores (default: 1)")
    sim.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    sim.add_argument("--ruleset", help="ruleset folder or shipped ruleset id (default: default)")
    sim.add_argument("--scenario", help="scenario id (default: the ruleset's default scenario)")
    sim.set_defaults(func=cmd_simulate)

    sim.add_argument("--save-dir", help="write each game's save file (game-SEED.wgsave) into this folder")
    sim.add_argument("--out", metavar="FILE",
                     help="write one line per game to FILE.csv or FILE.jsonl: seed, outcome, turns, peak, "
                          "red lines crossed, crossings answered, breakthroughs, each faction's final payoff; "
                          "JSONL adds crossings per line, the rung after each turn, actions executed, every "
                          "crossing with its answer, and the breakthroughs")
    _add_scheduler_option(sim)

    sweep = sub.add_parser("sweep", help="play the same bot games under variants of the ruleset and compare",
                           description="Play N bot games (seeds S..S+N-1) under every combination of the "
                                       "--set values and print the share of each outcome per variant, with "
                                       "the nuclear share's 95% confidence interval and the mean peak rung. "
                                       "KEY is a key path as `wargame ruleset check` names it, e.g. "
                                       "settings.inadvertent_base, action[offensive].rung or "
                                       "red_line[nato_personnel].response_cost.")
    sweep.add_argument("--set", dest="settings", action="append", required=True, metavar="KEY=V1,V2,...",
                       help="a ruleset value and the values to try (TOML: 3, 0.5, true, \"text\"); repeatable")
    sweep.add_argument("--games", type=_games, default=100, help="games per variant (default: 100)")
    sweep.add_argument("--seed", type=_seed, default=0, help="seed of the first game (default: 0)")
    sweep.add_argument("--bots", choices=["random", "doctrine"], default="doctrine",
                       help="bot kind (default: doctrine)")
    sweep.add_argument("--jobs", type=_jobs, default=1,
                       help="worker processes, at most the number of cores (default: 1)")
    sweep.add_argument("--ruleset", help="ruleset folder or shipped ruleset id (default: default)")
    sweep.add_argument("--scenario", help="scenario id (default: the ruleset's default scenario)")
    sweep.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    _add_scheduler_option(sweep)
    sweep.set_defaults(func=cmd_sweep)

    balance = sub.add_parser("balance", help="probe the doctrine bots with simple fixed policies, seat by seat",
                             description="Can one seat beat its doctrine with a simple fixed policy? For every "
                                         "probe (repeat one action whenever legal; never answer or always give "
                                         "the harshest answer to crossings of its red lines; NATO: veto all or "
                                         "approve all; passive: no orders) one seat plays the probe and the "
                                         "others doctrine, on the same seeds as an all-doctrine baseline. Prints "
                                         "the outcome shares and the probed seat's mean final payoff against "
                                         "the baseline in standard deviations of the baseline seat's payoff, "
                                         "worst first; the goal: no probe beats doctrine by more than "
                                         "0.2 SD. Results do not depend on --jobs.")
    balance.add_argument("--games", type=_games, default=200,
                         help="games per probe and for the baseline, seeds S..S+N-1 (default: 200)")
    balance.add_argument("--seed", type=_seed, default=0, help="seed of the first game (default: 0)")
    balance.add_argument("--jobs", type=_jobs, default=1,
                         help="worker processes, at most the number of cores (default: 1)")
    balance.add_argument("--ruleset", help="ruleset folder or shipped ruleset id (default: default)")
    balance.add_argument("--scenario", help="scenario id (default: the ruleset's default scenario)")
    balance.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    balance.add_argument("--probe", dest="probe_patterns", action="append", metavar="PATTERN",
                         help="play only the probes whose SEAT:PROBE matches this shell pattern, e.g. "
                              "'russia:repeat:*' or '*:never_answer'; repeatable (default: every probe)")
    balance.set_defaults(func=cmd_balance)

    replay = sub.add_parser("replay", help="step through, verify or inspect a save file",
                            description="Read a save file. Without options: a turn-by-turn summary. "
                                        "--verify replays every input and compares each turn's state hash "
                                        "with the record; --at TURN --as VIEW shows the state after that "
                                        "turn as one seat saw it; --umpire-log lists the umpire's inputs "
                                        "with their rationales.")
    replay.add_argument("file", help="a .wgsave file")
    replay.add_argument("--verify", action="store_true", help="replay from the start and compare every turn's hash")
    replay.add_argument("--at", type=_turn, metavar="TURN", help="the state after this turn (0: the start)")
    _add_view_option(replay)
    replay.add_argument("--umpire-log", action="store_true",
                        help="list the umpire's inputs (injects, adjustments, adjudications, notes) and why")
    replay.add_argument("--json", action="store_true", help="print one JSON object")
    replay.set_defaults(func=cmd_replay)

    render = sub.add_parser("render", help="draw the game screen of a save at a turn into a PNG",
                            description="Draw the map and escalation track of a save file after TURN, as "
                                        "one seat saw it, into a PNG image. Needs no display.")
    render.add_argument("file", help="a .wgsave file")
    render.add_argument("--turn", type=_turn, required=True, help="the state after this turn (0: the start)")
    _add_view_option(render)
    render.add_argument("--out", required=True, help="the PNG file to write")
    render.add_argument("--size", default="1280x800", help="image size WIDTHxHEIGHT (default 1280x800)")
    render.set_defaults(func=cmd_render)

    brief = sub.add_parser("briefing", help="print a seat's briefing (situation, objectives, payoffs)",
                           description="Print the briefing of one faction's seat, as the client shows it before "
                                       "the first turn: the situation, the seat's objectives, red lines and "
                                       "payoffs, from that seat's view only. From a save (at its current turn, "
                                       "which the briefing names) or a new game of a scenario (with --seed). "
                                       "Markdown on the terminal; --out writes Markdown (.md) or a printable "
                                       "page (.html).")
    brief.add_argument("file", nargs="?", help="a .wgsave file (or give --scenario instead)")
    brief.add_argument("--scenario", help="a scenario id: the briefing of a new game of it")
    brief.add_argument("--ruleset", help="with --scenario: ruleset folder or shipped ruleset id (default: default)")
    brief.add_argument("--seed", type=_seed, metavar="N",
                       help="with --scenario: the new game's random seed (default 0)")
    brief.add_argument("--seat", required=True, metavar="FACTION", help="whose briefing: a faction id, e.g. ukraine")
    brief.add_argument("--out", metavar="FILE", help="write FILE.md (Markdown) or FILE.html instead of printing")
    brief.set_defaults(func=cmd_briefing)

    report = sub.add_parser("report", help="write an after-action report of a save (HTML and Markdown)",
                            description="Write the after-action report of a save file for a seminar debrief: "
                                        "outcome and scores, the escalation chart with what caused each rise, "
                                        "every red-line crossing and its answer, the hidden numbers revealed, "
                                        "the map at the start, the peak and the end, umpire inputs and every "
                                        "order with its rationale. DIR/report.html is one self-contained file; "
                                        "DIR/report.md has its pictures in DIR/images/. A branch is compared "
                                        "with the game it branched from. Needs no display.")
    report.add_argument("file", help="a .wgsave file")
    report.add_argument("--out", required=True, metavar="DIR", help="folder to write the report into")
    report.add_argument("--parent", metavar="FILE", help="for a branch: the save it branched from (default: "
                                                         "searched next to FILE and in saves/)")
    report.add_argument("--size", default="1280x800", help="size of the map pictures WIDTHxHEIGHT (default 1280x800)")
    report.set_defaults(func=cmd_report)

    history = sub.add_parser("history", help="the historical 2022-2024 scenario",
                             description="Work with the historical scenario (rulesets/history/).")
    hsub = history.add_subparsers(dest="history_command", metavar="SUBCOMMAND")
    hsub.required = True
    build = hsub.add_parser("build", help="play the history file into a save file",
                            description="Play the historical turns through the engine and write the save "
                                        "students open with `wargame replay`.")
    build.add_argument("--history", default="2022-2024", help="history file or name (default: 2022-2024)")
    build.add_argument("--out", help="output file (default: saves/history-2022-2024.wgsave)")
    build.set_defaults(func=cmd_history_build)
    calib = hsub.add_parser(
        "calibrate", help="play the history without the umpire's pins over many seeds and compare",
        description="Play the history file's orders and answers over N seeds (other dice) WITHOUT the "
                    "umpire's state pins (set_stat, set_region, set_track, set_flag, set_credibility) and "
                    "compare every turn with the record, the file played with its pins as `history build` "
                    "plays it. Orders the engine refuses are skipped and counted; crossings the file answers "
                    "get the recorded answer; crossings it does not list are let pass. Prints region drift "
                    "(regions whose control differs from the record at the end of a turn), escalation drift, "
                    "outcome shares, refused orders, pins, and the engine's P(respond) at each historical "
                    "crossing beside the recorded answer, with the goals: region drift <= 1.5 and Russia "
                    "collapsing in at most 10% of seeds.")
    calib.add_argument("--seeds", type=_games, default=100, help="number of seeds to play (default: 100)")
    calib.add_argument("--seed", type=_seed, default=0, help="the first seed (default: 0); seeds S..S+N-1")
    calib.add_argument("--history", default="2022-2024", help="history file or name (default: 2022-2024)")
    calib.add_argument("--keep-pins", action="store_true",
                       help="play with the umpire's pins, to check the comparison (with --seed set to the "
                            "file's own seed, every drift is 0)")
    calib.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    calib.set_defaults(func=cmd_history_calibrate)

    rules = sub.add_parser("ruleset", help="work with rulesets", description="Work with rulesets.")
    rsub = rules.add_subparsers(dest="ruleset_command", metavar="SUBCOMMAND")
    rsub.required = True
    check = rsub.add_parser("check", help="validate a ruleset folder and report every problem",
                            description="Validate a ruleset folder. Exit 0 with a summary when it is "
                                        "valid; exit 1 listing every problem (FILE: key.path: problem).")
    check.add_argument("path", help="ruleset folder (or shipped ruleset id)")
    check.set_defaults(func=cmd_ruleset_check)
    return parser


def _load(path):
    from .ruleset import load_ruleset

    return load_ruleset(path)


def _check_scenario(rs, scenario):
    if scenario is not None and scenario not in rs.scenarios:
        from .ruleset.conditions import suggest

        raise UserError(f"no scenario {scenario!r} in ruleset {rs.id!r}{suggest(scenario, rs.scenarios)}; "
                        f"scenarios: {', '.join(rs.scenarios)}")


class UserError(Exception):
    """A problem the user can fix: printed as one line, exit 1."""


def cmd_ruleset_check(args) -> int:
    from .ruleset import RulesetError

    try:
        rs = _load(args.path)
    except RulesetError as exc:
        for line in exc.problems:
            print(printable(line))  # one line each, whatever the files hold
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return EXIT_FAIL
    print(f"ok: ruleset {rs.id!r} {rs.info.version}: {len(rs.factions)} factions, {len(rs.actions)} actions, "
          f"{len(rs.red_lines)} red lines, {len(rs.regions)} regions, {len(rs.scenarios)} scenario(s)")
    return EXIT_OK


def cmd_simulate(args) -> int:
    from .simulate import check_out_path, game_rows, ruleset_for, summarise, write_results

    ruleset_path = str(args.ruleset) if args.ruleset else None
    rs = ruleset_for(ruleset_path)
    _check_scenario(rs, args.scenario)
    if args.out:
        try:
            check_out_path(args.out)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if args.scheduler and args.save_dir:
        raise UserError("--save-dir cannot be used with --scheduler: the saves would be written on the workers")
    if args.save_dir:
        from .persist import clean_saves_folder

        clean_saves_folder(args.save_dir)  # temporary files of an earlier run killed mid-save
    results, elapsed = _run_simulation(args, ruleset_path)
    summary = summarise(results, elapsed, ruleset=rs.id, scenario=args.scenario or rs.info.default_scenario,
                        bots=args.bots, seed=args.seed, jobs=args.jobs)
    if args.out:
        try:
            write_results(args.out, game_rows(results, rs.factions, rs.red_lines))
        except OSError as exc:
            raise UserError(f"cannot write {args.out}: {exc}") from None
    if args.json:
        print(strict_json.dumps(summary))
        return EXIT_OK
    print(f"{summary['games']} games, ruleset {rs.id}, scenario {summary['scenario']}, {args.bots} bots, "
          f"{summary['elapsed_s']} s")
    print("outcomes:")
    for outcome, n in summary["outcomes"].items():
        lo, hi = summary["outcome_shares"][outcome]["ci95"]
        print(f"  {outcome:<20} {n:>6}  {100 * n / summary['games']:5.1f}%  (95% CI {100 * lo:.1f}-{100 * hi:.1f}%)")
    print("peak escalation:")
    for rung, n in summary["peak_escalation"].items():
        print(f"  rung {rung:>2} {rs.rungs[int(rung)].name:<45} {n:>6}")
    if summary["red_lines_crossed"]:
        print("red lines crossed most often:")
        for item in summary["red_lines_crossed"]:
            print(f"  {rs.red_lines[item['red_line']].name:<45} {item['crossings']:>6}")
    if summary["nuclear_path"]:
        print("on the way to a nuclear exchange (games in which each raised the track):")
        for item in summary["nuclear_path"]:
            print(f"  {item['step']:<60} {item['games']:>6}")
    print(f"decisions: {summary['decisions']} ({summary['decisions_per_s']}/s), mean turns {summary['mean_turns']}")
    if args.out:
        print(f"wrote {args.out}: {len(results)} games")
    return EXIT_OK


def _run_simulation(args, ruleset_path):
    from .cluster import ClusterError
    from .simulate import progress_bar, run_games

    try:
        return run_games(ruleset_path, args.games, args.seed, args.bots, args.jobs, args.scenario,
                         progress=progress_bar(), save_dir=args.save_dir, scheduler=args.scheduler)
    except ClusterError as exc:
        raise UserError(str(exc)) from None


def cmd_sweep(args) -> int:
    from .cluster import ClusterError
    from .simulate import progress_bar, ruleset_for
    from .sweep import format_table, run_sweep
    from .variants import VariantError, parse_setting

    ruleset_path = str(args.ruleset) if args.ruleset else None
    rs = ruleset_for(ruleset_path)
    _check_scenario(rs, args.scenario)
    try:
        settings = [parse_setting(text) for text in args.settings]
        sweep = run_sweep(ruleset_path, settings, args.games, args.seed, args.bots, args.jobs, args.scenario,
                          progress=progress_bar(), scheduler=args.scheduler)
    except (VariantError, ClusterError) as exc:
        raise UserError(str(exc)) from None
    sweep = {"ruleset": rs.id, "scenario": args.scenario or rs.info.default_scenario, **sweep}
    if args.json:
        print(strict_json.dumps(sweep))
        return EXIT_OK
    print(f"{len(sweep['variants'])} variant(s) x {args.games} games (seeds {args.seed}-{args.seed + args.games - 1}), "
          f"ruleset {rs.id}, scenario {sweep['scenario']}, {args.bots} bots, {sweep['elapsed_s']} s")
    print(format_table(sweep))
    return EXIT_OK


def cmd_balance(args) -> int:
    from .balance import format_table, run_balance
    from .simulate import progress_bar, ruleset_for

    ruleset_path = str(args.ruleset) if args.ruleset else None
    rs = ruleset_for(ruleset_path)
    _check_scenario(rs, args.scenario)
    jobs = args.jobs
    probes = None
    if args.probe_patterns:
        import fnmatch

        from .bots.probes import probes_for

        every = probes_for(rs)
        probes = [p for p in every if any(fnmatch.fnmatchcase(f"{p.seat}:{p.id}", pat) for pat in args.probe_patterns)]
        if not probes:
            raise UserError(f"no probe matches {', '.join(args.probe_patterns)}; probes look like "
                            f"{every[0].seat}:{every[0].id}")
    report, elapsed = run_balance(ruleset_path, args.games, args.seed, jobs, args.scenario, progress=progress_bar(),
                                  probes=probes)
    if args.json:
        print(strict_json.dumps(report))
        return EXIT_OK
    games = args.games * (1 + len(report["policies"]))
    print(f"{len(report['policies'])} probes x {args.games} games (seeds {args.seed}-{args.seed + args.games - 1}) "
          f"and the doctrine baseline, ruleset {rs.id}, scenario {report['scenario']}: {games} games, "
          f"{elapsed:.1f} s")
    print(format_table(report, [o.id for o in rs.outcomes]))
    return EXIT_OK


def _load_save(path):
    from .persist import SaveError, load_save

    try:
        return load_save(path)
    except SaveError as exc:
        raise UserError(f"{path}: {exc}") from None


def _check_view(rs, view: str) -> None:
    from .engine import UMPIRE

    seats = list(rs.factions) + [UMPIRE]
    if view not in seats:
        raise UserError(f"--as must be one of {', '.join(seats)}, not {view!r}")


def _state_at(game, turn: int):
    if turn > game.turns:
        raise UserError(f"no turn {turn}: this save has turns 0 to {game.turns}")
    return game.state_at(turn)


def _print_umpire_log(game, as_json: bool) -> int:
    from .engine import month_label
    from .engine.umpire import describe_umpire_input

    rs, st = game.ruleset, game.state
    rows = [{"turn": li.turn, "date": month_label(rs, st, li.turn), "phase": li.phase,
             "kind": type(li.input).__name__, "what": describe_umpire_input(rs, li.input),
             "rationale": li.input.rationale} for li in game.umpire_log()]
    if as_json:
        print(strict_json.dumps(rows))
        return EXIT_OK
    if not rows:
        print("No umpire inputs in this save.")
    for r in rows:
        print(printable(f"turn {r['turn']:>3} {r['date']} {r['phase']:<9} {r['what']}"
                        + (f"  -- {r['rationale']}" if r["rationale"] else "")))
    return EXIT_OK


def cmd_replay(args) -> int:
    from .engine import month_label, player_view, state_hash
    from .persist import verify

    game = _load_save(args.file)
    rs = game.ruleset
    if args.verify:
        ok, turn, message = verify(game)
        if args.json:
            print(strict_json.dumps({"ok": ok, "turns": game.turns, "first_divergence": turn, "message": message}))
        else:
            print(f"{'ok' if ok else 'FAILED'}: {message}")
        return EXIT_OK if ok else EXIT_FAIL
    if args.umpire_log:
        return _print_umpire_log(game, args.json)
    _check_view(rs, args.view)
    if args.at is not None:
        st = _state_at(game, args.at)
        caption = game.captions.get(args.at)
        out = {
            "turn": args.at,
            "date": month_label(rs, st, max(1, args.at)),
            "escalation": st.escalation,
            "caption": caption.caption if caption else "",
            "sources": caption.sources if caption else [],
            "state_hash": state_hash(st),
            "view": player_view(rs, st, args.view),
        }
        if args.json:
            print(strict_json.dumps(out))
        else:
            print(f"Turn {out['turn']} ({out['date']}), as {args.view}: escalation {st.escalation} "
                  f"({rs.rungs[st.escalation].name}), cohesion {st.cohesion}")
            if out["caption"]:
                print(f"  {printable(out['caption'])}")
        return EXIT_OK
    h = game.header
    print(printable(f"{h.title or 'game'}: ruleset {h.ruleset_id}, scenario {h.scenario}, seed {h.seed}, "
                     f"{game.turns} turn(s) completed"
                     + (f", branched from {h.parent_id} at turn {h.branch_turn}" if h.parent_id else "")))
    for turn in range(1, game.turns + 1):
        st = game.state_at(turn)
        caption = game.captions.get(turn)
        print(f"  turn {turn:>3} {month_label(rs, st, turn)}  escalation {st.escalation:>2}  cohesion {st.cohesion:>2}"
              + (f"  {printable(caption.caption)}" if caption else ""))
    if game.state.outcome:
        print(f"Outcome: {game.state.outcome.replace('_', ' ')}")
    return EXIT_OK


def cmd_render(args) -> int:
    import io
    import os
    from pathlib import Path

    width, height = _size(args.size)
    game = _load_save(args.file)
    rs = game.ruleset
    _check_view(rs, args.view)
    _state_at(game, args.turn)  # a clear error for a turn the save does not have
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # drawing needs no window
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # nor sound
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from .client import render_game_screen
    from .files import clean_stray_temps, write_atomic

    out = Path(args.out)
    if out.is_dir():
        raise UserError(f"--out must be a file, and {out} is a folder")
    try:
        surface = render_game_screen(game, args.turn, args.view, (width, height))
        image = io.BytesIO()
        try:  # encoded in memory first: the file is written whole or not at all
            pygame.image.save(surface, image, out.name)  # the format follows the name, as before
        except pygame.error as exc:
            raise UserError(f"cannot write {out}: {exc}") from None
    finally:
        pygame.quit()
    clean_stray_temps(out.parent, (out.name,))  # what a render killed while writing left
    try:
        write_atomic(out, image.getvalue())  # a temporary file, renamed; removed on an error
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {args.out}: turn {args.turn} as {args.view}, {width}x{height}")
    return EXIT_OK


def cmd_briefing(args) -> int:
    import os
    from pathlib import Path

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # the client package imports pygame
    from .client.briefing import make_briefing, to_html, to_markdown
    from .engine import new_game, player_view
    from .files import write_atomic

    if (args.file is None) == (args.scenario is None):
        raise UserError("give a save file or --scenario, not both" if args.file else "give a save file or --scenario")
    if args.file is not None and args.ruleset is not None:
        raise UserError("--ruleset goes with --scenario: a save carries its own ruleset")
    if args.file is not None and args.seed is not None:
        raise UserError("--seed goes with --scenario: a save carries its own seed")
    out = Path(args.out) if args.out else None
    kinds = {".md": to_markdown, ".html": to_html, ".htm": to_html}
    if out is not None and out.suffix.lower() not in kinds:
        raise UserError(f"--out must end in .md or .html, not {printable(out.name)!r}")
    if out is not None and out.is_dir():
        raise UserError(f"--out must be a file, and {printable(str(out))} is a folder")
    if args.file is not None:
        game = _load_save(args.file)
        rs, st, turn_limit = game.ruleset, game.state, game.header.turn_limit
    else:
        from .simulate import ruleset_for

        rs = ruleset_for(str(args.ruleset) if args.ruleset else None)
        _check_scenario(rs, args.scenario)
        st, _ = new_game(rs, seed=0 if args.seed is None else args.seed, scenario=args.scenario)
        turn_limit = None
    if args.seat not in rs.factions:
        from .ruleset.conditions import suggest

        raise UserError(f"no faction {printable(args.seat)!r}{suggest(args.seat, rs.factions)}; "
                        f"--seat must be one of {', '.join(rs.factions)}")
    b = make_briefing(rs, player_view(rs, st, args.seat), args.seat, turn_limit)
    if out is None:
        print(to_markdown(b), end="")
        return EXIT_OK
    try:
        write_atomic(out, kinds[out.suffix.lower()](b).encode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write {printable(str(out))}: {exc.strerror or exc}") from None
    print(f"wrote {printable(str(out))}: the briefing of {printable(rs.factions[args.seat].name)}")
    return EXIT_OK


def cmd_report(args) -> int:
    from pathlib import Path

    from .report import make_report

    size = _size(args.size)
    game = _load_save(args.file)  # a missing or damaged save: one line, before anything is drawn
    parent = None
    if args.parent is not None:
        _load_save(args.parent)
        parent = Path(args.parent)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out must be a folder, and {out} is a file")
    try:
        report, paths = make_report(args.file, out, parent, game=game, map_size=size)
    except OSError as exc:  # a full disk: no file of the report is left (all or nothing)
        raise UserError(f"cannot write the report into {out}: {exc.strerror or exc}; nothing was written") from None
    if report.comparison is not None and not report.comparison.found:
        print(f"note: {printable(report.comparison.note)}", file=sys.stderr)
    print(f"wrote {paths[0]} and {paths[1]} ({len(paths) - 2} pictures in {paths[2].parent})")
    return EXIT_OK


def cmd_history_build(args) -> int:
    from pathlib import Path

    from .persist import clean_saves_folder, save_game, saves_home
    from .persist.history import HistoryError, build_history_save, history_path, read_history

    path = history_path(args.history)
    try:
        hist = read_history(path)
    except HistoryError as exc:
        raise UserError(str(exc)) from None
    try:
        game = build_history_save(hist)
    except HistoryError as exc:
        raise UserError(f"{path.name}: {exc}") from None
    out = args.out or str(saves_home() / f"{hist.history.id}.wgsave")
    clean_saves_folder(Path(out).parent)  # temporary files of a save killed mid-write
    save_game(out, game)
    print(f"wrote {out}: {game.turns} turns, {len(game.inputs)} inputs")
    return EXIT_OK


def cmd_history_calibrate(args) -> int:
    from .persist.calibrate import calibrate, format_report
    from .persist.history import HistoryError, history_path, read_history
    from .simulate import progress_bar

    try:
        hist = read_history(history_path(args.history))
        result = calibrate(hist, seeds=args.seeds, first_seed=args.seed, keep_pins=args.keep_pins,
                           progress=progress_bar())
    except HistoryError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(strict_json.dumps(result))
    else:
        print("\n".join(printable(line) for line in format_report(result).splitlines()))
    return EXIT_OK


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(x) for x in text.lower().split("x"))
        if not (320 <= width <= 8000 and 240 <= height <= 8000):
            raise ValueError
    except ValueError:
        raise UserError(f"--size must be WIDTHxHEIGHT between 320x240 and 8000x8000, not {text!r}") from None
    return width, height


HEADLESS_DRIVERS = ("offscreen", "dummy")  # SDL video drivers that show nothing


def cmd_serve(args) -> int:
    import random

    from .net.commands import CommandError, serve

    rs = _load(args.ruleset)
    _check_scenario(rs, args.scenario)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**31)
    try:
        return serve(args, rs)
    except CommandError as exc:
        raise UserError(str(exc)) from None


def cmd_bot(args) -> int:
    from .net.commands import CommandError, bot

    try:
        return bot(args)
    except CommandError as exc:
        raise UserError(str(exc)) from None


def cmd_play(args) -> int:
    if (args.join is None) != (args.code is None):
        raise UserError("--join and --code go together: the server's address and your seat's code")
    if args.terminal:
        if args.join:
            raise UserError("--terminal plays bots locally; to play a networked seat leave --terminal out")
        return cmd_play_terminal(args)
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .client.app import TEXT_SCALES

    size = _size(args.size)
    if not TEXT_SCALES[0] <= args.text_scale <= TEXT_SCALES[-1]:
        raise UserError(f"--text-scale must be between {TEXT_SCALES[0]} and {TEXT_SCALES[-1]}")
    if args.ruleset is not None:
        _load(args.ruleset)  # a broken ruleset is reported here, before a window opens
    import pygame

    from .client.app import App
    from .client.scenes.menu import MenuScene

    client = _join(args) if args.join else None
    asked = os.environ.get("SDL_VIDEODRIVER", "")
    try:
        app = App(size, saves_dir=args.save_dir, ruleset=args.ruleset, text_scale=args.text_scale)
    except pygame.error as exc:
        raise UserError(f"cannot open a window ({exc}); `wargame play --terminal` plays without one") from None
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and asked not in HEADLESS_DRIVERS:
        # with no screen SDL falls back to drawing off screen: the game would run unseen for ever
        pygame.quit()
        raise UserError(f"no display to open a window on (SDL chose its {driver!r} driver); set DISPLAY to "
                        "a screen, or play in the terminal with `wargame play --terminal`")
    if client is not None:
        from .client.net_session import NetSession

        app.open("net_game", NetSession(client))
        try:
            app.run()
        finally:
            client.close()
        return EXIT_OK
    app.switch(MenuScene(app, offer_resume=True))
    app.run()
    return EXIT_OK


def _join(args):
    """Sign in to a networked seat before a window opens, so a bad address or code is one line."""
    from .net.client import NetError, connect

    try:
        return connect(args.join, args.code, state=True, ruleset=True, cafile=args.cafile)
    except NetError as exc:
        raise UserError(str(exc)) from None


def cmd_play_terminal(args) -> int:
    import random

    from . import debrief as D
    from .bots import decide, make_bots
    from .engine import month_label, seats_to_act
    from .persist import Autosaver, SavedGame, saves_home

    rs = _load(args.ruleset)
    _check_scenario(rs, args.scenario)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    bots = make_bots(rs, args.bots, seed)
    game, events = SavedGame.new(rs, seed=seed, scenario=args.scenario, seats={f: args.bots for f in rs.factions},
                                 title=f"{args.bots} bots, seed {seed}")
    autosaver = None if args.no_autosave else Autosaver(args.save_dir or saves_home())
    last_save = None
    st = game.state
    print(f"{rs.info.name} - {rs.scenario(args.scenario).name} (seed {seed}, {args.bots} bots)")
    turn_shown = 0
    while True:
        for e in events:
            if e.audience is not None:
                continue
            if e.turn != turn_shown:
                turn_shown = e.turn
                print(f"\n=== Turn {e.turn} ({month_label(rs, st, e.turn)})")
            print(f"  {e.text}")
        if autosaver is not None:
            last_save = autosaver.after_input(game) or last_save
        if st.outcome is not None:
            break
        seat = seats_to_act(rs, st)[0]
        events = game.apply(decide(bots[seat], rs, st, seat))
        st = game.state
    print(f"\nOutcome: {D.headline(rs, st.outcome)}, after {st.turn} turn(s); peak escalation {st.peak}.")
    for reason in D.why(rs, st):
        print(f"  Why: {reason}")
    if st.nuclear_trigger:
        print(f"The exchange was triggered by: {D.trigger_text(rs, st.nuclear_trigger)}.")
    print(D.payoff_note(rs, st))
    for row in D.payoff_rows(rs, st):
        print(f"  {row.name:<16} {row.total:>4}  ({row.outcome:+d} {row.objectives:+d} {-row.penalty:+d})")
    if last_save is not None:
        print(f"\nSaved: {last_save} (wargame replay {last_save})")
    return EXIT_OK


def _check_ranges(parser: argparse.ArgumentParser, args) -> None:
    """What the options' own types cannot see: the last seed of a run, --jobs against the cores."""
    count = getattr(args, "games", None) or getattr(args, "seeds", None)
    seed = getattr(args, "seed", None)
    if count is not None and seed is not None and seed + count - 1 > MAX_SEED:
        parser.error(f"the games' seeds run from --seed to --seed + N - 1, and that passes {MAX_SEED:,} "
                     f"(the largest seed); use a smaller --seed")
    jobs = getattr(args, "jobs", None)
    if jobs is not None and not getattr(args, "scheduler", None):
        from .simulate import default_jobs

        cores = default_jobs()
        if jobs > cores:
            print(f"note: --jobs {jobs} is more than the {cores} core(s) available; using {cores}", file=sys.stderr)
            args.jobs = cores


def main(argv: list[str] | None = None) -> int:
    """Run the command; all its output passes through text.SafeStream (no raw control characters)."""
    out, err = sys.stdout, sys.stderr
    if out is not None:
        sys.stdout = SafeStream(out)
    if err is not None:
        sys.stderr = SafeStream(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_ranges(parser, args)
    from .persist import SaveError
    from .ruleset import RulesetError

    try:
        return args.func(args)
    except RulesetError as exc:
        print("error: cannot use the ruleset:", file=sys.stderr)
        for line in exc.problems:
            print(f"  {printable(line)}", file=sys.stderr)
        return EXIT_FAIL
    except (SaveError, UserError) as exc:  # one line, however much of a file or argument it quotes
        print(f"error: {shorten(str(exc))}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
