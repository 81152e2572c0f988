"""Rules as data: TOML ruleset folders, validated and compiled into a `Ruleset`."""

from .loader import RulesetError, load_ruleset, resolve_ruleset_path, rulesets_home
from .model import Ruleset

__all__ = ["Ruleset", "RulesetError", "load_ruleset", "resolve_ruleset_path", "rulesets_home"]
