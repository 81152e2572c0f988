"""`wargame serve` and `wargame bot`: the command-line side of networked play."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from pathlib import Path

from .room import Room
from .store import Store

DEFAULT_DATA = "wargame-server"


class CommandError(Exception):
    """One line for the user, exit 1."""


def check_listen(host: str, port: int) -> None:
    """Fail early with one line if the address cannot be listened on (in use, not this machine's)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, addr = infos[0]
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(addr)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on its local network, as the other laptops would reach it (a guess:
    the address of the interface a packet to a private address would leave by; nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def write_codes(path: Path, codes: dict[str, dict[str, str]]) -> None:
    """The seat codes as JSON, readable by the owner only (they open the seats)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(codes, f, indent=2)


def prepare_rooms(store: Store, rs, *, scenario: str | None, seed: int, rooms: int, timer: int,
                  title: str = "") -> dict[str, dict[str, str]]:
    """Make `rooms` new rooms; returns each one's seat codes (the only time they are shown)."""
    out = {}
    for n in range(rooms):
        room, codes = Room.create(store, rs, scenario=scenario, seed=seed + n, timer_seconds=timer,
                                  title=title or f"seminar room {n + 1}")
        out[room.id] = codes
    return out


def reissue(store: Store, rooms, seats_text: str) -> dict[str, dict[str, str]]:
    """New codes for the named seats of every existing room (the old ones stop working)."""
    from .room import room_seats

    out: dict[str, dict[str, str]] = {}
    for record in rooms:
        from ..persist.game import embedded_ruleset

        valid = room_seats(embedded_ruleset(record.ruleset_raw, record.ruleset_hash))
        seats = [s.strip() for s in seats_text.split(",") if s.strip()]
        unknown = [s for s in seats if s not in valid]
        if unknown or not seats:
            raise CommandError(f"--reissue: no seat {', '.join(unknown) or repr(seats_text)}; "
                               f"seats are {', '.join(valid)}")
        out[record.id] = {seat: store.reissue(record.id, seat) for seat in seats}
    return out


def serve(args, rs) -> int:
    import uvicorn

    from . import protocol as P
    from .server import create_app

    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        raise CommandError("TLS needs both --ssl-certfile and --ssl-keyfile")
    for name in ("ssl_certfile", "ssl_keyfile"):
        value = getattr(args, name)
        if value is not None and not Path(value).is_file():
            raise CommandError(f"--{name.replace('_', '-')}: no file {value}")
    check_listen(args.host, args.port)
    store = Store(args.data)
    existing = store.rooms()
    codes: dict[str, dict[str, str]] = {}
    if not existing or args.new_room:
        codes = prepare_rooms(store, rs, scenario=args.scenario, seed=args.seed, rooms=args.rooms, timer=args.timer)
    if args.reissue:
        codes.update(reissue(store, existing, args.reissue))
    scheme = "wss" if args.ssl_certfile else "ws"
    shown_host = args.host
    if args.host in ("0.0.0.0", "::", ""):  # every interface: show the one the laptops can reach
        shown_host = lan_address() or "THIS-MACHINE"
    shown_host = shown_host if ":" not in shown_host else f"[{shown_host}]"
    url = f"{scheme}://{shown_host}:{args.port}"
    from ..persist import SaveError

    try:
        app = create_app(store)  # rebuilds every room from its log
    except SaveError as exc:
        raise CommandError(f"{store.path}: {exc}") from None
    print(f"wargame server at {url} ({len(app.state.hub.rooms)} room(s), data in {store.path})")
    for room_id, seat_codes in codes.items():
        print(f"room {room_id}: new seat codes (shown once; `--codes-out FILE` keeps them):")
        for seat, code in seat_codes.items():
            print(f"  {seat:<14} {code}")
    if not codes:
        print("rooms resumed from the data folder; their seat codes were shown when they were made "
              "(the umpire's desk, or --reissue SEAT, issues new ones)")
    if codes and args.codes_out:
        write_codes(Path(args.codes_out), codes)
        print(f"codes written to {args.codes_out}")
    print(f"join with: wargame play --join {url} --code CODE   (bots: wargame bot --join {url} --code CODE)")
    if not is_loopback(args.host):
        print("note: listening beyond this machine; anyone on the network with a code can join", file=sys.stderr)
    sys.stdout.flush()
    uvicorn.run(app, host=args.host, port=args.port, ws_max_size=P.MAX_CLIENT_FRAME, log_level="warning",
                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile, lifespan="on")
    store.close()
    return 0


def bot(args) -> int:
    from .bot import run_bot
    from .client import NetError

    try:
        sent = run_bot(args.join, args.code, kind=args.kind, seed=args.seed, say=print, cafile=args.cafile)
    except NetError as exc:
        raise CommandError(str(exc)) from None
    print(f"game over; the bot gave {sent} input(s)")
    return 0
