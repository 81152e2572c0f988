"""The bounds a ruleset must keep, in one place: file sizes, nesting, expression sizes, numbers.

These are mechanisms, not game numbers: they keep a hostile or mistaken ruleset from costing
gigabytes or a crash, and sit far beyond anything a designer needs.
"""

from __future__ import annotations

INT_LIMIT = 2**53  # far beyond any sensible rule number; keeps hashes and saves portable

# files
FILE_SIZE_LIMIT = 2 * 1024 * 1024  # bytes per TOML file, checked with os.stat before reading
SCENARIO_FILES_LIMIT = 200  # scenario files in scenarios/
NESTING_LIMIT = 24  # tables and lists inside one another in a file's data

# expressions (conditions and formulas)
SOURCE_LIMIT = 1000  # characters, checked before parsing
NODE_LIMIT = 300  # values, names, operators and calls in one expression
DEPTH_LIMIT = 32  # how deeply they nest
MAGNITUDE_LIMIT = 1e300  # no value inside an expression may be able to grow beyond this
DIVISION_EPSILON = 1e-9  # dividing by less than this in size counts as dividing by zero

# ruleset values: sane ranges (far wider than any shipped ruleset uses)
ESCALATION_MAX_LIMIT = 100  # rungs above the bottom one
COHESION_MAX_LIMIT = 100
DICE_SIDES_LIMIT = 100
REACTION_ROUNDS_LIMIT = 20
CAPACITY_LIMIT = 100  # a faction's actions per turn, an action's capacity and max_per_turn
TURN_LIMIT_MAX = 1000  # turns in a scenario
MONTHS_PER_TURN_MAX = 120
STRENGTH_MAX = 99  # ground strength per side and region: checked in rulesets, kept there by the engine
NUMBER_LIMIT = 10**6  # any other whole number: stat_max, points, payoffs, costs, deltas, penalties
FACTIONS_LIMIT = 16
RESERVED_SEATS = ("umpire", "public")  # seat names a faction may not take (public: the projector's seat)
