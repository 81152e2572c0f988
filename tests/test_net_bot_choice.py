"""A remote bot ranks the legal inputs the server sends: never a random pick when its own list differs."""

from wargame.bots import DoctrineBot, RandomBot
from wargame.engine import EndOrders, Order, legal_inputs, player_view, seats_to_act
from wargame.engine.redact import seat_state
from wargame.net.bot import play_seat
from wargame.net.room import Room
from wargame.persist.codec import input_from_data


def test_the_doctrine_bot_ranks_the_options_it_is_given(rs):
    room, _ = Room.create(None, rs, seed=4)
    st = room.state
    for seat in rs.factions:
        mine = seat_state(rs, st, seat)
        free = DoctrineBot(9).choose(rs, mine, seat)
        # the server's list lacks what the bot would have picked (as if a requirement it cannot
        # read had closed that action): it picks by its doctrine among the rest
        options = [i for i in legal_inputs(rs, st, seat) if getattr(i, "action", None) != getattr(free, "action", "-")]
        choice = DoctrineBot(9).choose(rs, mine, seat, options)
        assert choice in options
        wanted = {r.action for r in rs.doctrine[seat].priorities}
        if any(isinstance(o, Order) and o.action in wanted for o in options):
            assert isinstance(choice, Order) and choice.action in wanted, (seat, choice)
    options = [EndOrders("russia")]
    assert RandomBot(1).choose(rs, seat_state(rs, st, "russia"), "russia", options) == options[0]


class Narrowed:
    """net.client.Client as play_seat uses it, over a room in memory, whose legal list leaves out
    one action: the server's list differs from what the bot's seat state would give."""

    def __init__(self, room, seat, blocked):
        self.room, self.seat, self.blocked = room, seat, blocked
        self.ruleset, self.closed, self.updates, self.sent = room.rs, False, 0, []

    def view(self):
        return player_view(self.room.rs, self.room.state, self.seat)

    def legal(self):
        return [i for i in (input_from_data(d) for d in self.room.legal(self.seat))
                if getattr(i, "action", None) != self.blocked]

    def has_legal(self):
        return bool(self.legal())

    def state(self):
        return seat_state(self.room.rs, self.room.state, self.seat)

    def wait(self, until=None, timeout=None):
        # the other seats move while this one waits: each plays its first legal input
        seat = seats_to_act(self.room.rs, self.room.state)[0]
        self.room.submit(seat, legal_inputs(self.room.rs, self.room.state, seat)[0])
        self.updates += 1
        return True

    def send(self, inp):
        self.sent.append(inp)
        self.room.submit(self.seat, inp)
        self.updates += 1


def test_a_remote_bot_takes_its_best_legal_input_when_the_server_list_differs(rs):
    room, _ = Room.create(None, rs, seed=4, turn_limit=3)
    client = Narrowed(room, "russia", blocked="offensive")  # the doctrine's first priority
    said = []
    assert play_seat(client, "doctrine", 1, say=said.append) == len(client.sent) > 0
    assert room.state.outcome is not None
    assert not said  # never the random fallback
    orders = [i for i in client.sent if isinstance(i, Order)]
    assert orders and all(o.action != "offensive" for o in orders)
    wanted = {r.action for r in rs.doctrine["russia"].priorities}
    assert all(o.action in wanted or "talks" in rs.actions[o.action].tags for o in orders)
