"""Save files, replays and the historical scenario."""
