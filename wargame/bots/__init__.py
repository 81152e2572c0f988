"""Players for empty seats. Each bot has its own seeded RNG and reads only what its seat may see."""

from .doctrine import DoctrineBot
from .random_bot import RandomBot
from .runner import BOT_KINDS, GameRecord, decide, make_bots, play_game

__all__ = ["DoctrineBot", "RandomBot", "BOT_KINDS", "GameRecord", "decide", "make_bots", "play_game"]
