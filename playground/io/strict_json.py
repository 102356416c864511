"""JSON from a file, parsed within limits: the nesting depth is measured before
parsing, and a strict parse refuses repeated keys, NaN and Infinity.

Python's json parser recurses once per nested list or object, so a file of a
hundred thousand "[" ends in a RecursionError, or worse on a small thread
stack.  `nesting_depth` measures the depth first, without recursing: strings
are cut out, then the brackets left are counted in chunks with NumPy.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

# A JSON string, escapes included ("unrolled": no alternation per character).
# An unclosed one runs to the end of the text: else the search would start over
# from every later quote and scan to the end each time (quadratic: a 300-byte
# file of escaped quotes took a minute).
_STRINGS = re.compile(r'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_CHUNK = 1 << 20
_CLOSE = (ord("]"), ord("}"))


class JSONRefused(ValueError):
    """Text that parses as JSON in some readers but not here: what follows the file's
    name in a message ('is nested 40 levels deep (at most 16)')."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of lists and objects in `text`, outside its strings.

    Exact for valid JSON; for broken text (an unclosed string) a guess, which
    only decides which of two refusals a person sees.
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text)).encode("ascii")
    depth = deepest = 0
    for start in range(0, len(brackets), _CHUNK):
        codes = np.frombuffer(brackets, np.uint8, min(_CHUNK, len(brackets) - start), start)
        steps = 1 - 2 * np.isin(codes, _CLOSE).astype(np.int64)  # +1 opens, -1 closes
        levels = depth + np.cumsum(steps)
        deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
    return deepest


def loads(text: str, max_depth: int, strict: bool = True) -> Any:
    """The JSON value `text` holds, if nested at most `max_depth` deep.

    strict: refuse a key repeated in one object (most readers keep the last
    silently) and NaN or Infinity (not JSON).  Raises JSONRefused for these and
    json.JSONDecodeError (a ValueError) for text that is not JSON; an integer
    of more digits than Python converts raises ValueError.
    """
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JSONRefused(f"is nested {depth:,} levels deep (at most {max_depth})")
    try:
        if strict:
            return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)
        return json.loads(text)
    except RecursionError:  # only if the caller's own stack was nearly full
        raise JSONRefused("is nested too deeply to read") from None


def _no_constant(name: str):
    raise JSONRefused(f"holds {name}, which JSON does not allow")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONRefused(f"has the key {key!r:.60} twice in one object")
            seen.add(key)
    return out
