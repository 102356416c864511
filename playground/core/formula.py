"""Formulas a person types for the Custom dataset: "x1*x2 > 0", "sin(x1)*cos(x2)".

Python's `ast` parses the text, a whitelist checks every piece, and NumPy
evaluates the checked tree over float64 arrays; the text never reaches eval,
exec or compile-to-code.  The vocabulary: numbers, True, False; x1, x2,
r = sqrt(x1² + x2²), theta = arctan2(x2, x1), pi, e; + - * / ** % and unary
- +; < <= > >= == != (chains like -1 < x1 < 1 too); and, or, not; abs, sin,
cos, tan, exp, log, sqrt, tanh; min, max (two or more arguments, elementwise);
where(condition, a, b).

Numbers and truth values never mix: arithmetic and functions take numbers,
and/or/not and where's condition take truth values, == and != compare two of a
kind.  So (x1 > 0) + (x2 > 0) is refused; where(x1 > 0, 1, 0) makes a number.
A formula giving truth values is a classification (False is class 0, True
class 1); one giving numbers is a regression.

Limits, checked before anything is evaluated: MAX_FORMULA_CHARS (200)
characters; brackets and the syntax tree MAX_DEPTH (30) deep (a + b + c nests
one level per operator); MAX_NODES (100) pieces; literals finite in float64; a
power whose exponent uses none of x1, x2, r, theta within ±MAX_EXPONENT (100).
Every constant is a float64, never a giant Python int, so evaluating costs
O(pieces × points) NumPy operations.  NaN and inf may come out, silently.
Every refusal is a FormulaError: one sentence ending in '.', naming the piece.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field

import numpy as np

MAX_FORMULA_CHARS = 200
MAX_DEPTH = 30
MAX_NODES = 100
MAX_EXPONENT = 100.0

_VARIABLES = ("x1", "x2", "r", "theta")
_CONSTANTS = {"pi": np.pi, "e": np.e}
_ONE_ARG = {
    "abs": np.abs, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "tanh": np.tanh,
}  # fmt: skip
_MANY_ARGS = {"min": np.minimum, "max": np.maximum}
_FUNCTIONS = (*_ONE_ARG, *_MANY_ARGS, "where")
_UNARY = {ast.USub: np.negative, ast.UAdd: np.positive, ast.Not: np.logical_not}
_ARITHMETIC = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
    ast.Div: np.true_divide, ast.Pow: np.power, ast.Mod: np.mod,
}  # fmt: skip
_COMPARISONS = {
    ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
    ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal,
}  # fmt: skip

_CANNOT = "is not something a formula can use: "
_NAMES = "the names are x1, x2, r, theta, pi, e, True and False"
_CALLS = "the functions are abs, min, max, sin, cos, tan, exp, log, sqrt, tanh and where"
_PIECES = f"{_NAMES}, the operators + - * / ** % < <= > >= == != and or not, and {_CALLS}"
_NO_OPERATOR = "uses an operator formulas do not have; the arithmetic is + - * / ** %"
# what to say about a Python piece formulas lack, by node, operator or constant type
_HINTS: dict[type, str] = {
    ast.BitXor: "uses ^, which is not a power here: write ** for powers, "
    "or != for one truth value or the other but not both",
    ast.BitAnd: "uses &: write and to join truth values",
    ast.BitOr: "uses |: write or to join truth values",
    ast.Invert: "uses ~: write not to turn a truth value around",
    ast.Compare: "uses is or in; compare with < <= > >= == != instead",
    ast.Name: _CANNOT + _NAMES,
    ast.IfExp: _CANNOT + "write where(condition, a, b) instead of a if condition else b",
    ast.Attribute: _CANNOT + "a formula has no attributes (nothing after a dot)",
    ast.Subscript: _CANNOT + "a formula has no indexing with [ ]",
    ast.NamedExpr: _CANNOT + "a formula assigns nothing (no :=)",
    ast.Lambda: _CANNOT + "a formula defines no functions (no lambda)",
    ast.JoinedStr: _CANNOT + "a formula has no text in quotes",
    str: _CANNOT + "a formula has no text in quotes",
    complex: _CANNOT + "a formula has no complex numbers",
    **dict.fromkeys((ast.FloorDiv, ast.MatMult, ast.LShift, ast.RShift), _NO_OPERATOR),
}


class FormulaError(ValueError):
    """A formula is refused: one sentence for a person, naming the piece at fault."""


def _shown(text: str, limit: int = 40) -> str:
    """A piece of text on one line, unprintable characters escaped, cut short."""
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _piece(text: str, node: ast.AST, limit: int = 30) -> str:
    return _shown(ast.get_source_segment(text, node) or text, limit)


def _refuse(text: str, node: ast.AST, why: str) -> FormulaError:
    return FormulaError(f"{_piece(text, node, 40)} {why}.")


def _syntax_error(text: str, err: SyntaxError) -> FormulaError:
    """Python's complaint made into one sentence, saying where when Python does."""
    shown, at = _shown(text), err.offset or 0
    reason = _shown((err.msg or "").split(". ")[0].split("; ")[0], 80)  # its first clause
    if "never closed" in reason or not 0 < at <= len(text):
        reason = f"{reason} (character {at})" if "never closed" in reason else "it ends too soon"
        return FormulaError(f"{shown} is not a complete formula: {reason}.")
    if reason == "invalid syntax":
        rest = _shown(text[at - 1 :], 20)
        return FormulaError(f"{shown} cannot be read from character {at} on ({rest}).")
    return FormulaError(f"{shown} cannot be read at character {at}: {reason}.")


def _checked(text: object) -> tuple[ast.expr, bool]:
    """The checked syntax tree of a formula and whether it gives truth values."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, not {type(text).__name__}.")
    text = text.strip()
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"the formula has {len(text)} characters, over {MAX_FORMULA_CHARS}.")
    if not text:
        raise FormulaError("the formula is empty; type one such as x1*x2 > 0 or sin(x1).")
    odd = next((i for i, c in enumerate(text) if not c.isprintable()), None)
    if odd is not None:
        where = f"{text[odd]!a} at character {odd + 1}"
        raise FormulaError(f"the formula holds the unprintable character {where}.")
    depth = 0  # the parser recurses per bracket: bound that before it runs
    for c in text:
        depth += (c in "([{") - (c in ")]}")
        if depth > MAX_DEPTH:
            raise FormulaError(f"{_shown(text)} nests brackets more than {MAX_DEPTH} deep.")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as err:
        raise _syntax_error(text, err) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise FormulaError(f"{_shown(text)} cannot be read as a formula.") from None
    # count expressions without recursion (operators and the like are not pieces), so
    # that _kind, which recurses only into expressions, recurses boundedly
    count, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        count += 1
        if level > MAX_DEPTH:
            raise FormulaError(f"{_shown(text)} is nested more than {MAX_DEPTH} deep.")
        if count > MAX_NODES:
            raise FormulaError(f"{_shown(text)} has more than {MAX_NODES} pieces.")
        children = ast.iter_child_nodes(node)
        stack.extend((child, level + 1) for child in children if isinstance(child, ast.expr))
    return tree, _kind(tree, text)


def _kind(node: ast.AST, text: str) -> bool:
    """True if node gives truth values, False if numbers; refuses what is not allowed."""
    key: type = type(node)
    if isinstance(node, ast.Constant):
        key = type(node.value)
        if isinstance(node.value, bool):
            return True
        if isinstance(node.value, (int, float)):
            if not np.isfinite(float(node.value)):  # 200 characters hold no int beyond float64
                raise _refuse(text, node, "is too large a number; keep numbers below 1.8e308")
            return False
    elif isinstance(node, ast.Name):
        if node.id in _VARIABLES or node.id in _CONSTANTS:
            return False
        if node.id in _FUNCTIONS:
            raise _refuse(text, node, f"is a function: give it arguments, as in {node.id}(...)")
    elif isinstance(node, (ast.UnaryOp, ast.BinOp, ast.BoolOp)):
        key = type(node.op)
        if isinstance(node, ast.UnaryOp) and key in _UNARY:
            _need(text, node, [node.operand], key is ast.Not)
            return key is ast.Not
        if isinstance(node, ast.BoolOp):
            _need(text, node, node.values, True)
            return True
        if isinstance(node, ast.BinOp) and key in _ARITHMETIC:
            _need(text, node, [node.left, node.right], False)
            _check_power(node, text)
            return False
    elif isinstance(node, ast.Compare) and all(type(op) in _COMPARISONS for op in node.ops):
        kinds = [_kind(x, text) for x in (node.left, *node.comparators)]
        for op, a, b in zip(node.ops, kinds, kinds[1:], strict=False):
            if a != b:
                raise _refuse(text, node, "compares a truth value with a number")
            if a and not isinstance(op, (ast.Eq, ast.NotEq)):
                raise _refuse(text, node, "puts truth values in order; only == and != compare them")
        return True
    elif isinstance(node, ast.Call):
        return _call_kind(node, text)
    raise _refuse(text, node, _HINTS.get(key, _CANNOT + _PIECES))


def _need(text: str, node: ast.AST, operands: list[ast.expr], truth: bool) -> None:
    """Checks the operands and refuses the first that is not of the kind needed."""
    for operand in operands:
        if _kind(operand, text) != truth:
            got = _piece(text, operand)
            if truth:
                why = f"needs truth values, but {got} is a number; compare it, as in {got} > 0"
            else:
                why = f"needs numbers, but {got} is a truth value; where({got}, 1, 0) makes one"
            raise _refuse(text, node, why)


def _check_power(node: ast.BinOp, text: str) -> None:
    """A constant power is computed now, in float64: 9**9**9 is refused, never run."""
    if isinstance(node.op, ast.Pow) and not any(
        isinstance(n, ast.Name) and n.id in _VARIABLES for n in ast.walk(node.right)
    ):
        with np.errstate(all="ignore"):
            power = float(_value(node.right, np.zeros(()), np.zeros(())))
        if not abs(power) <= MAX_EXPONENT:  # also refuses NaN
            bound = f"{MAX_EXPONENT:g}"
            why = f"raises to the power {power:.10g}; a constant power must be within ±{bound}"
            raise _refuse(text, node, why)


def _call_kind(node: ast.Call, text: str) -> bool:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    if name not in _FUNCTIONS:
        raise _refuse(text, node, _CANNOT + _CALLS)
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise _refuse(text, node, "gives name=value or * arguments; functions take plain ones")
    n, takes = len(node.args), {"where": "3", "min": "2 or more", "max": "2 or more"}.get(name, "1")
    if not (str(n) == takes or (takes == "2 or more" and n >= 2)):
        raise _refuse(text, node, f"gives {name} {n} argument{'s' * (n != 1)}; it takes {takes}")
    if name != "where":
        _need(text, node, node.args, False)
        return False
    _need(text, node, node.args[:1], True)
    a, b = (_kind(arg, text) for arg in node.args[1:])
    if a != b:
        raise _refuse(text, node, "chooses between a truth value and a number; give two of a kind")
    return a


def _value(node: ast.AST, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """NumPy value of a tree _kind has checked (so only the node types it lets through)."""

    def sub(child: ast.AST) -> np.ndarray:
        return _value(child, x1, x2)

    if isinstance(node, ast.Constant):  # every number a float64, never a Python int
        return np.asarray(node.value, dtype=bool if isinstance(node.value, bool) else np.float64)
    if isinstance(node, ast.Name):
        if node.id in ("r", "theta"):
            return np.hypot(x1, x2) if node.id == "r" else np.arctan2(x2, x1)
        return np.asarray({"x1": x1, "x2": x2, **_CONSTANTS}[node.id])
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](sub(node.operand))
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](sub(node.left), sub(node.right))
    if isinstance(node, ast.BoolOp):
        both = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return functools.reduce(both, map(sub, node.values))
    if isinstance(node, ast.Compare):  # a < b < c is a < b and b < c, each side once
        values = [sub(v) for v in (node.left, *node.comparators)]
        pairs = zip(node.ops, values, values[1:], strict=False)
        return functools.reduce(np.logical_and, (_COMPARISONS[type(o)](a, b) for o, a, b in pairs))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name, args = node.func.id, [sub(arg) for arg in node.args]
    if name == "where":
        return np.where(*args)
    return functools.reduce(_MANY_ARGS[name], args) if name in _MANY_ARGS else _ONE_ARG[name](*args)


@dataclass(frozen=True)
class Formula:
    """A checked formula.  Made by parse_formula; making one directly checks it too."""

    text: str  # as typed, stripped
    classification: bool  # True when the result is a truth value
    _tree: ast.expr = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tree, truth = _checked(self.text)
        if truth != self.classification:
            kind = "truth values" if truth else "numbers"
            raise FormulaError(f"{_shown(self.text)} gives {kind}, not what its kind says.")
        object.__setattr__(self, "text", self.text.strip())
        object.__setattr__(self, "_tree", tree)

    def evaluate(self, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        """A float64 (regression) or bool (classification) array shaped like x1.

        Never raises on math domain issues: NaN and inf may come out, silently."""
        x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
        with np.errstate(all="ignore"):
            value = _value(self._tree, x1, x2)
        kind = bool if self.classification else np.float64
        out = np.empty(np.broadcast_shapes(x1.shape, x2.shape), kind)
        out[...] = value  # a fresh array even for a constant formula
        return out


def parse_formula(text: str) -> Formula:
    """The formula in text, or FormulaError (one sentence) if it is refused."""
    _, truth = _checked(text)
    return Formula(text.strip(), truth)


def formula_labels(formula: Formula, points: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels for (n, 2) points and the number of classes: int64 0/1 and 2 for a
    classification, float64 targets and 0 for a regression.  FormulaError if a
    target is NaN or infinite somewhere, or if every point falls in one class."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must be an (n, 2) array, not shape {points.shape}")
    values = formula.evaluate(points[:, 0], points[:, 1])
    if formula.classification:
        labels = values.astype(np.int64)
        if labels.size and labels.min() == labels.max():
            raise FormulaError(
                f"{_shown(formula.text)} puts every point in one class (it is "
                f"{'true' if labels[0] else 'false'} everywhere); choose one that splits them."
            )
        return labels, 2
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        a, b = (float(f"{v:.4g}") for v in points[bad[0]])  # short, yet never 0 for 1e-5
        raise FormulaError(
            f"{_shown(formula.text)} gives no number at ({a!r}, {b!r}): it comes out as "
            f"{float(values[bad[0]])!r} there, and every point needs a finite target."
        )
    return values, 0


def formula_points(
    text: str,
    n: int,
    noise: float,
    rng: np.random.Generator,
    half: float,
    shift: tuple[float, float] = (0.0, 0.0),
) -> tuple[np.ndarray, np.ndarray]:
    """n uniform points of the square [-half, half]^2, moved by `shift`, labelled
    by the formula where they lie.

    As for the built-ins, noise moves where a label is read (by up to noise x half
    each way), not the point, so one seed gives the same points at any
    noise.  Raises FormulaError (one sentence) for a formula that gives no
    number somewhere or puts every point in one class.
    """
    points = rng.uniform(-half, half, (n, 2)) + np.asarray(shift, dtype=np.float64)
    read_at = points + rng.uniform(-half, half, (n, 2)) * noise
    labels, _ = formula_labels(parse_formula(text), read_at)
    return points, labels
