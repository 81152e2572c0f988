"""wargame: a political-military seminar wargame engine."""

__version__ = "0.1.0"
