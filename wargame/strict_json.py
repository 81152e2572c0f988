"""JSON as the command line prints it: strict, so every parser reads it.

Python's json writes NaN and Infinity, which JSON does not have (RFC 8259); a number that is not
finite (a share of no games, a spread of identical payoffs) has no value, so it is written null.
"""

from __future__ import annotations

import json
import math


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps(value) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:  # only then walk the value: most outputs hold no such number
        return json.dumps(_finite(value), allow_nan=False)
