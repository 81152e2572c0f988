"""The one error type for refused inputs, with stable codes that tools and tests can rely on."""

# Codes, in the order the entry point checks them.
GAME_OVER = "game_over"
UNKNOWN_SEAT = "unknown_seat"
WRONG_PHASE = "wrong_phase"
WRONG_SEAT = "wrong_seat"
UNKNOWN_ACTION = "unknown_action"
UNKNOWN_ORDER = "unknown_order"
UNKNOWN_RESPONSE = "unknown_response"
UNAFFORDABLE = "unaffordable"
LIMIT_REACHED = "limit_reached"
REQUIREMENT = "requirement_not_met"
LOCKED = "alliance_locked"
BAD_TARGET = "bad_target"
BAD_INPUT = "bad_input"

CODES = (
    GAME_OVER, UNKNOWN_SEAT, WRONG_PHASE, WRONG_SEAT, UNKNOWN_ACTION, UNKNOWN_ORDER,
    UNKNOWN_RESPONSE, UNAFFORDABLE, LIMIT_REACHED, REQUIREMENT, LOCKED, BAD_TARGET, BAD_INPUT,
)


class IllegalInput(Exception):
    """An input the engine refuses; the game state is left unchanged."""

    def __init__(self, code: str, message: str):
        assert code in CODES, code
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")
