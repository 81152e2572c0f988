"""A small seeded random generator whose whole state is one integer (splitmix64).

The state lives in the game state, so a game is a pure function of its seed and inputs:
no global randomness, the same sequence in every process and under any PYTHONHASHSEED.
"""

MASK = (1 << 64) - 1


def seed_state(seed: int) -> int:
    return seed & MASK


def next_u64(state: int) -> tuple[int, int]:
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def roll(state: int, sides: int) -> tuple[int, int]:
    """A die roll 1..sides."""
    state, value = next_u64(state)
    return state, value % sides + 1


def chance(state: int, probability: float) -> tuple[int, bool, float]:
    """(new state, whether it happened, the uniform draw in [0, 1))."""
    state, value = next_u64(state)
    draw = value / 2.0**64
    return state, draw < probability, draw
