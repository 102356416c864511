"""Lesson files (.lesson): a guided experiment as one small JSON object.

    {"format": "neural-playground-lesson", "format_version": 1,
     "title": "...", "text": ["...", "..."], "preset": {<Config options>},
     "panels": ["regularization", ...],                       (optional)
     "steps": [{"text": "...", "goal": {"kind": "metric", ...},
                "look_at": "panel:regularization"}, ...]}     (look_at optional)

docs/lessons.md describes every key and goal kind.  A lesson comes from
anyone, so reading it trusts nothing, like every reader here: only a regular
file of at most MAX_BYTES (io/reading.py), UTF-8, strict JSON of bounded
nesting with no repeated keys or NaN (io/strict_json.py), exactly the keys
above, every number finite and in range, every goal checked against the
preset (a weight it names exists in the preset's network, a setting it asks
for is one Config accepts).  Every refusal is one LessonFileError sentence
naming the file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from ..core.config import (
    MAX_EPOCHS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    OWN_DATASET,
    Config,
    ConfigError,
)
from ..core.lessons import GOAL_KINDS, LOOK_AT, METRICS, PANELS, Goal, Lesson, Step
from . import strict_json
from .reading import UnreadableFile, printable_path, read_regular

SUFFIX = ".lesson"
FORMAT_NAME = "neural-playground-lesson"
FORMAT_VERSION = 1
MAX_BYTES = 64 * 2**10  # a lesson is a few kB of words
MAX_DEPTH = 8  # lesson > steps > step > goal > goals > goal > "in" list: 7
MAX_TITLE, MAX_PARAGRAPH, MAX_STEP_TEXT = 80, 400, 300
PARAGRAPHS, STEPS, SUBGOALS = (2, 5), (1, 3), (1, 4)  # how many, fewest and most
MAX_CHOICES = 8  # values in a "setting" goal's "in"
# Each setting value is checked by making a Config of it, and with a formula
# dataset of 100,000 points that evaluates the formula (~10 ms): bounded per
# lesson, so a crafted one cannot keep the window busy for seconds.
MAX_SETTING_VALUES = 16
_TOP = {"format", "format_version", "title", "text", "preset", "steps"}
_STEP = {"text", "goal"}
_LISTED = ("features", "hidden", "shift")  # Config tuples, lists in JSON


class LessonFileError(ValueError):
    """A lesson file cannot be opened (one sentence naming the file)."""


class _Bad(ValueError):
    """What is wrong, as the end of 'cannot open lesson NAME: ...'."""


@dataclasses.dataclass
class _Reading:
    """What checking a lesson's goals needs to know: its preset, and how many
    more setting values it may check."""

    preset: Config
    settings_left: int = MAX_SETTING_VALUES


def read_lesson(path: str | os.PathLike[str]) -> Lesson:
    """The lesson in the file at `path`; LessonFileError if it is not a sound one."""
    name = printable_path(path)
    try:
        data = read_regular(path, MAX_BYTES)
    except UnreadableFile as exc:  # a folder, a named pipe, a device, too large
        raise LessonFileError(_sentence(name, f"it {exc}")) from None
    except OSError as exc:
        raise LessonFileError(_sentence(name, exc.strerror or str(exc))) from None
    try:
        text = data.decode("utf-8-sig")  # an editor's byte order mark is harmless
    except UnicodeDecodeError:
        raise LessonFileError(_sentence(name, "it is not UTF-8 text")) from None
    return parse_lesson(text, name)


def parse_lesson(text: str, name: str = "lesson") -> Lesson:
    """The lesson `text` holds (the contents of a file called `name`)."""
    name = printable_path(name)
    try:
        if len(text) > MAX_BYTES:
            raise _Bad(f"it is over {MAX_BYTES:,} characters")
        return _lesson(_json(text))
    except _Bad as exc:
        raise LessonFileError(_sentence(name, str(exc))) from None


def _sentence(name: str, why: str) -> str:
    why = " ".join(why.split())  # one line whatever a message quoted
    if len(why) > 300:
        why = why[:297] + "..."
    return f"cannot open lesson {name}: {why}"


def _json(text: str) -> Any:
    try:
        return strict_json.loads(text, MAX_DEPTH, strict=True)
    except json.JSONDecodeError as exc:
        raise _Bad(f"it is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except strict_json.JSONRefused as exc:  # nested too deep, a repeated key, NaN
        raise _Bad(f"it {exc}") from None
    except ValueError:  # an integer of thousands of digits, more than Python converts
        raise _Bad("it is not valid JSON (a number of thousands of digits)") from None


# --- the lesson --------------------------------------------------------------------


def _lesson(data: Any) -> Lesson:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise _Bad(f'it is not a Neural Playground lesson (no "format": "{FORMAT_NAME}")')
    version = data.get("format_version")
    if type(version) is int and version > FORMAT_VERSION:
        raise _Bad(f"it is lesson format version {version}; this app reads version 1")
    if type(version) is not int or version != FORMAT_VERSION:
        raise _Bad(f'its "format_version" must be 1 (got {_got(version)})')
    _keys(data, _TOP, {"panels"}, "the lesson")
    title = _text(data["title"], "the title", MAX_TITLE)
    paragraphs = _list(data["text"], "text", *PARAGRAPHS, "paragraphs")
    text = tuple(
        _text(p, f"paragraph {i} of the text", MAX_PARAGRAPH) for i, p in enumerate(paragraphs, 1)
    )
    preset = _preset(data["preset"])
    panels = _panels(data.get("panels", []))
    steps = _list(data["steps"], "steps", *STEPS, "steps")
    reading = _Reading(preset)
    return Lesson(
        title=title,
        text=text,
        preset=preset,
        panels=panels,
        steps=tuple(_step(s, reading, f"step {i}") for i, s in enumerate(steps, 1)),
    )


def _preset(data: Any) -> Config:
    if not isinstance(data, dict):
        raise _Bad("its preset must be an object of configuration options")
    if data.get("dataset") == OWN_DATASET:  # own points would have to come with it
        raise _Bad(f'its preset cannot use dataset "{OWN_DATASET}": a lesson carries no points')
    try:
        return Config.from_dict(data)
    except (ConfigError, TypeError, ValueError, OverflowError) as exc:
        raise _Bad(f"in its preset, {exc}") from None


def _panels(data: Any) -> tuple[str, ...]:
    names = _list(data, "panels", 0, len(PANELS), "panel names")
    panels = tuple(_choice(p, "each panel", PANELS) for p in names)
    if len(set(panels)) != len(panels):
        raise _Bad("panels must not name a panel twice")
    return panels


def _step(data: Any, reading: _Reading, where: str) -> Step:
    if not isinstance(data, dict):
        raise _Bad(f"{where} must be an object with text and goal")
    _keys(data, _STEP, {"look_at"}, where)
    look_at = data.get("look_at")
    return Step(
        text=_text(data["text"], f"the text of {where}", MAX_STEP_TEXT),
        goal=_goal(data["goal"], reading, f"{where}'s goal"),
        look_at="" if look_at is None else _choice(look_at, f"the look_at of {where}", LOOK_AT),
    )


# --- goals ----------------------------------------------------------------------------


def _goal(data: Any, reading: _Reading, where: str, nested: bool = False) -> Goal:
    if not isinstance(data, dict):
        raise _Bad(f'{where} must be an object with a "kind"')
    kind = _choice(data.get("kind"), f"the kind of {where}", GOAL_KINDS)
    if nested and kind == "all":
        raise _Bad(f'{where} cannot be "all" inside "all" (one level only)')
    spec = _PARAMS[kind]
    required = {p for p, (needed, _) in spec.items() if needed}
    _keys(data, {"kind", *required}, set(spec) - required, f"{where} ({kind})")
    given = [p for p in _ONE_OF.get(kind, ()) if p in data]
    if _ONE_OF.get(kind) and len(given) != 1:
        raise _Bad(f"{where} ({kind}) needs exactly one of {' or '.join(_ONE_OF[kind])}")
    params = {p: spec[p][1](data[p], f'"{p}" in {where}') for p in data if p != "kind"}
    if kind == "all":
        params["goals"] = tuple(
            _goal(g, reading, f"goal {i} of {where}", nested=True)
            for i, g in enumerate(params["goals"], 1)
        )
    after = _AGAINST_PRESET.get(kind)
    if after is not None:
        params = after(params, reading, where)
    return Goal(kind, MappingProxyType(params))


def _setting(params: dict, reading: _Reading, where: str) -> dict:
    """Each value as Config holds it (lists as tuples, "full" batches as None),
    if Config.replace accepts it on the preset."""
    field, values = params["field"], params["in"] if "in" in params else [params["is"]]
    reading.settings_left -= len(values)
    if reading.settings_left < 0:
        raise _Bad(f"its setting goals name more than {MAX_SETTING_VALUES} values in all")

    def held(value: Any) -> Any:
        if field in _LISTED and isinstance(value, list):
            value = tuple(value)
        if field == "batch_size" and value == "full":
            value = None
        try:
            return getattr(reading.preset.replace(**{field: value}), field)
        except (ConfigError, TypeError, ValueError, OverflowError) as exc:
            raise _Bad(f"in {where}, {field} cannot be {_got(value)}: {exc}") from None

    if "in" in params:
        return {"field": field, "in": tuple(held(v) for v in params["in"])}
    return {"field": field, "is": held(params["is"])}


def _metric(params: dict, reading: _Reading, where: str) -> dict:
    bound = params["at_least"] if "at_least" in params else params["at_most"]
    if params["name"].endswith("accuracy") and bound > 1:
        raise _Bad(f"in {where}, an accuracy is a fraction from 0 to 1 (got {_got(bound)})")
    return params


def _parameter(params: dict, reading: _Reading, where: str) -> dict:
    """The weight or bias must exist in the preset's network."""
    sizes = reading.preset.layer_sizes
    layer, row, col = params["layer"], params["row"], params["col"]
    if layer >= len(sizes) - 1:
        raise _Bad(f"in {where}, layer must be from 0 to {len(sizes) - 2} (got {layer})")
    if row >= sizes[layer + 1]:
        raise _Bad(f"in {where}, row must be from 0 to {sizes[layer + 1] - 1} (got {row})")
    if col != "bias" and col >= sizes[layer]:
        raise _Bad(f'in {where}, col must be "bias" or from 0 to {sizes[layer] - 1} (got {col})')
    return params


# --- values -----------------------------------------------------------------------------


def _got(value: Any) -> str:
    return f"{value!r:.40}"


def _keys(data: dict, required: set[str], optional: set[str], where: str) -> None:
    unknown = sorted(set(data) - required - optional)
    if unknown:
        known = ", ".join(sorted(required | optional))
        raise _Bad(f"{where} has an unknown key {_got(unknown[0])} (it takes {known})")
    missing = sorted(required - set(data))
    if missing:
        raise _Bad(f"{where} lacks {missing[0]!r}")


def _list(data: Any, what: str, fewest: int, most: int, of: str) -> list:
    if not isinstance(data, list) or not fewest <= len(data) <= most:
        got = f"{len(data)}" if isinstance(data, list) else _got(data)
        raise _Bad(f"{what} must be a list of {fewest} to {most} {of} (got {got})")
    return data


def _printable(ch: str) -> bool:
    return ch.isprintable() or unicodedata.category(ch) == "Zs"  # a no-break space is fine


def _text(data: Any, what: str, most: int) -> str:
    if not isinstance(data, str) or not data.strip() or len(data) > most:
        got = f"{len(data):,} characters" if isinstance(data, str) and data else _got(data)
        raise _Bad(f"{what} must be text of 1 to {most} characters (got {got})")
    if not (data.isprintable() or all(_printable(ch) for ch in data)):
        raise _Bad(f"{what} holds a control character (a line break or an invisible mark)")
    return data


def _choice(data: Any, what: str, choices: tuple[str, ...]) -> str:
    if not isinstance(data, str) or data not in choices:
        raise _Bad(f"{what} must be one of {', '.join(choices)} (got {_got(data)})")
    return data


def _integer(lo: int, hi: int) -> Callable[[Any, str], int]:
    def check(data: Any, what: str) -> int:
        if type(data) is not int or not lo <= data <= hi:
            raise _Bad(f"{what} must be a whole number from {lo} to {hi:,} (got {_got(data)})")
        return data

    return check


def _number(lo: float, hi: float) -> Callable[[Any, str], float]:
    def check(data: Any, what: str) -> float:
        # compared before float(): an integer of 400 digits has no float, and JSON's
        # 1e400 arrives as inf, which no range here holds
        if type(data) not in (int, float) or not lo <= data <= hi:
            raise _Bad(f"{what} must be a number from {lo:g} to {hi:g} (got {_got(data)})")
        return float(data)

    return check


def _field(data: Any, what: str) -> str:
    if not isinstance(data, str) or data not in {f.name for f in dataclasses.fields(Config)}:
        raise _Bad(f"{what} must name a configuration option, e.g. lr (got {_got(data)})")
    return data


def _column(data: Any, what: str) -> int | str:
    if data == "bias" or (type(data) is int and 0 <= data < MAX_NEURONS):
        return data
    raise _Bad(
        f'{what} must be "bias" or a whole number from 0 to {MAX_NEURONS - 1} (got {_got(data)})'
    )


def _values(data: Any, what: str) -> list:
    return _list(data, what, 1, MAX_CHOICES, "values")


def _anything(data: Any, what: str) -> Any:
    return data  # checked against the preset by _setting


def _goals(data: Any, what: str) -> list:
    return _list(data, what, *SUBGOALS, "goals")


# Each kind's parameters: name -> (required, check).  The checks take the JSON
# value and return what the Goal keeps; those needing the preset come after.
_PARAMS: dict[str, dict[str, tuple[bool, Callable[[Any, str], Any]]]] = {
    "setting": {"field": (True, _field), "is": (False, _anything), "in": (False, _values)},
    "metric": {
        "name": (True, lambda v, w: _choice(v, w, METRICS)),
        "at_least": (False, _number(0, 1e6)),
        "at_most": (False, _number(0, 1e6)),
        "epochs_at_least": (False, _integer(0, MAX_EPOCHS)),
    },
    "parameter": {
        "layer": (True, _integer(0, MAX_HIDDEN_LAYERS)),
        "row": (True, _integer(0, MAX_NEURONS - 1)),
        "col": (True, _column),
        "near": (True, _number(-1e6, 1e6)),
        "within": (True, _number(1e-9, 1e6)),
    },
    "dead_units": {"share_at_least": (True, _number(0.01, 1))},
    "identical_units": {"at_least": (True, _integer(2, MAX_NEURONS))},
    "no_findings": {"epochs_at_least": (False, _integer(0, MAX_EPOCHS))},
    "norms": {
        "weight_fell_by": (True, _number(0.01, 0.99)),
        "bias_changed_at_most": (False, _number(0, 100)),
    },
    "epochs": {"at_least": (True, _integer(1, MAX_EPOCHS))},
    "all": {"goals": (True, _goals)},
}
_ONE_OF = {"setting": ("is", "in"), "metric": ("at_least", "at_most")}
_AGAINST_PRESET: dict[str, Callable[[dict, _Reading, str], dict]] = {
    "setting": _setting,
    "metric": _metric,
    "parameter": _parameter,
}
assert set(_PARAMS) == set(GOAL_KINDS)
