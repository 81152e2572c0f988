"""The rules engine: pure transitions over frozen states. No I/O, no pygame, no global randomness.

    state, events = new_game(ruleset, seed=1)
    for inp in legal_inputs(ruleset, state, "russia"): ...
    state, events = apply(ruleset, state, inp)
"""

from .errors import IllegalInput
from .events import UMPIRE, Event
from .hashing import state_hash, to_data
from .inputs import (
    UMPIRE_SEAT,
    UMPIRE_TYPES,
    Adjudicate,
    EndOrders,
    FireInject,
    FreeInject,
    Input,
    Note,
    Order,
    Publish,
    React,
    SetCredibility,
    SetFlag,
    SetRegion,
    SetStat,
    SetTrack,
    Vote,
)
from .legal import LegalInputs, legal_inputs, seats_to_act
from .redlines import respond_probability
from .scoring import Payoff, final_scores, outcome_rule, payoffs, reasons_holding, shared_penalty
from .setup import new_game
from .state import GameState
from .turn import apply
from .views import month_label, player_view, visible_events

__all__ = [
    "IllegalInput", "UMPIRE", "Event", "state_hash", "to_data", "EndOrders", "Input", "Order",
    "React", "Vote", "LegalInputs", "legal_inputs", "seats_to_act", "respond_probability",
    "final_scores", "shared_penalty", "Payoff", "payoffs", "outcome_rule", "reasons_holding",
    "new_game", "GameState", "apply", "month_label",
    "player_view", "visible_events", "UMPIRE_SEAT", "SetCredibility", "SetFlag", "SetRegion",
    "SetStat", "SetTrack", "UMPIRE_TYPES", "Adjudicate", "FireInject", "FreeInject", "Note", "Publish",
]
