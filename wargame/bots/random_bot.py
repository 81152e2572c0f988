"""The random bot: uniform over the legal inputs of its seat."""

from __future__ import annotations

import random

from ..engine import legal_inputs


class RandomBot:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def choose(self, rs, st, seat, options=None):
        """Uniform over `options` (the legal inputs a server sent), or over the seat's own list."""
        options = legal_inputs(rs, st, seat) if options is None else list(options)
        return options[self.rng.randrange(len(options))]
