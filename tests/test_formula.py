"""Tests for playground.core.formula: typed formulas checked by a whitelist, run by NumPy.

Values are checked against hand-written NumPy; refusals against the rules of the
module docstring (one sentence, before anything runs); hostile and random text
against "only FormulaError, always one sentence".
"""

from __future__ import annotations

import ast
import builtins
import functools
import os
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.core.formula import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_FORMULA_CHARS,
    MAX_NODES,
    Formula,
    FormulaError,
    formula_labels,
    parse_formula,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# a grid over the playground's square, with the awkward points 0 and ±1 on it
_AXIS = np.concatenate([np.linspace(-6, 6, 25), [-1.0, 1.0, 0.5]])
X1, X2 = (a.ravel() for a in np.meshgrid(_AXIS, _AXIS))


def one_sentence(message: str) -> None:
    """The house rule for a refusal: one printable line that ends with a full stop."""
    assert message and message == message.strip()
    assert message.isprintable()  # no newline, tab or other control character
    assert message.endswith(".")
    assert "Traceback" not in message


def refusal(text) -> str:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    message = str(caught.value)
    one_sentence(message)
    return message


# --- values against hand-written NumPy ---------------------------------------

TRUTHS = [
    ("x1*x2 > 0", lambda a, b: a * b > 0),
    ("sin(x1) > x2", lambda a, b: np.sin(a) > b),
    ("r < 3", lambda a, b: np.hypot(a, b) < 3),
    ("-1 < x1 < 1", lambda a, b: (a > -1) & (a < 1)),
    ("x1 <= x2 < 2 * x1", lambda a, b: (a <= b) & (b < 2 * a)),
    ("x1 >= 0 and x2 >= 0", lambda a, b: (a >= 0) & (b >= 0)),
    ("x1 > 2 or not x2 > 0", lambda a, b: (a > 2) | ~(b > 0)),
    ("x1 > 0 and x2 > 0 or x1 < -3", lambda a, b: ((a > 0) & (b > 0)) | (a < -3)),
    ("(x1 > 0) != (x2 > 0)", lambda a, b: (a > 0) != (b > 0)),
    ("(x1 > 0) == (x2 > 0)", lambda a, b: (a > 0) == (b > 0)),
    ("x1 == 1", lambda a, b: a == 1),
    ("x1 != x2", lambda a, b: a != b),
    ("theta > pi / 4", lambda a, b: np.arctan2(b, a) > np.pi / 4),
    ("abs(x1) + abs(x2) < 4", lambda a, b: np.abs(a) + np.abs(b) < 4),
    ("where(x1 > 0, x2 > 1, x2 < -1)", lambda a, b: np.where(a > 0, b > 1, b < -1)),
    ("not (r > 2 and r < 4)", lambda a, b: ~((np.hypot(a, b) > 2) & (np.hypot(a, b) < 4))),
    ("sqrt(x1) > 1", lambda a, b: np.sqrt(a) > 1),  # NaN at x1 < 0 compares false
    ("True", lambda a, b: np.ones_like(a, dtype=bool)),
    ("(x2 > 0) == False", lambda a, b: ~(b > 0)),
]
NUMBERS = [
    ("sin(x1)*cos(x2)", lambda a, b: np.sin(a) * np.cos(b)),
    ("where(x1 > 0, x2, -x2)", lambda a, b: np.where(a > 0, b, -b)),
    ("max(x1, x2, 0)", lambda a, b: np.maximum(np.maximum(a, b), 0.0)),
    ("min(x1, x2)", lambda a, b: np.minimum(a, b)),
    ("x1 % 2", lambda a, b: np.mod(a, 2.0)),
    ("x1 % -2.5", lambda a, b: np.mod(a, -2.5)),  # Python's sign rule: the divisor's
    ("2 ** x1", lambda a, b: np.power(2.0, a)),
    ("-x1 ** 2", lambda a, b: -(a**2)),
    ("x1 ** 2 + x2 ** 2 - r ** 2", lambda a, b: a**2 + b**2 - np.hypot(a, b) ** 2),
    ("exp(-r ** 2 / 4)", lambda a, b: np.exp(-(np.hypot(a, b) ** 2) / 4)),
    ("tanh(x1) - tan(x2 / 4)", lambda a, b: np.tanh(a) - np.tan(b / 4)),
    ("sqrt(abs(x1)) * log(1 + x2 ** 2)", lambda a, b: np.sqrt(np.abs(a)) * np.log(1 + b**2)),
    ("log(x1)", lambda a, b: np.log(a)),  # NaN and -inf, silently
    ("x1 / x2", lambda a, b: a / b),  # inf and NaN at x2 = 0
    ("x2 ** -1", lambda a, b: b**-1.0),
    ("+x1 - -x2", lambda a, b: a + b),
    ("theta * r", lambda a, b: np.arctan2(b, a) * np.hypot(a, b)),
    ("pi * e", lambda a, b: np.full_like(a, np.pi * np.e)),
    ("7", lambda a, b: np.full_like(a, 7.0)),
    ("where(r < 2, 1, 0)", lambda a, b: np.where(np.hypot(a, b) < 2, 1.0, 0.0)),
    # float64 all the way: Python ints would make this 10**100 % 7 == 4 exactly
    ("10 ** 100 % 7 + x1", lambda a, b: np.mod(np.power(10.0, 100.0), 7.0) + a),
    ("0x10 + 1_000 * x1", lambda a, b: 16.0 + 1000.0 * a),
]


@pytest.mark.parametrize(("text", "oracle"), TRUTHS, ids=[t for t, _ in TRUTHS])
def test_truth_formulas_match_numpy_exactly(text, oracle):
    formula = parse_formula(text)
    assert formula.classification is True
    got = formula.evaluate(X1, X2)  # warnings are errors here: evaluate must silence them
    assert got.dtype == np.bool_ and got.shape == X1.shape
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(got, oracle(X1, X2))


@pytest.mark.parametrize(("text", "oracle"), NUMBERS, ids=[t for t, _ in NUMBERS])
def test_number_formulas_match_numpy(text, oracle):
    formula = parse_formula(text)
    assert formula.classification is False
    with np.errstate(all="ignore"):
        want = oracle(X1, X2)
    got = formula.evaluate(X1, X2)  # warnings are errors here: evaluate must silence them
    assert got.dtype == np.float64 and got.shape == X1.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True)


def test_python_ints_would_differ_so_the_float64_check_means_something():
    assert np.mod(np.power(10.0, 100.0), 7.0) != 10**100 % 7


def test_formula_is_stripped_frozen_and_compared_by_text():
    formula = parse_formula("  x1 > 0 \t")
    assert formula == Formula("x1 > 0", True) and formula.text == "x1 > 0"
    assert hash(formula) == hash(Formula(" x1 > 0", True))
    with pytest.raises(AttributeError):
        formula.text = "x2"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(formula)).evaluate(X1, X2).tolist() == (X1 > 0).tolist()


def test_making_a_formula_directly_checks_it():
    with pytest.raises(FormulaError):
        Formula("__import__('os')", False)
    with pytest.raises(FormulaError, match="truth values"):
        Formula("x1 > 0", classification=False)
    with pytest.raises(FormulaError, match="numbers"):
        Formula("x1", classification=True)


def test_evaluate_takes_any_shape_and_gives_a_fresh_array():
    grid = np.meshgrid(_AXIS, _AXIS)
    out = parse_formula("x1 + x2").evaluate(*grid)
    assert out.shape == grid[0].shape
    constant = parse_formula("pi").evaluate(X1, X2)
    constant[0] = 0.0  # writable, and not shared with the next call
    assert parse_formula("pi").evaluate(X1, X2)[0] == np.pi
    assert parse_formula("x1 > 0").evaluate(X1.tolist(), X2.tolist()).dtype == np.bool_


def test_brackets_up_to_the_limit_are_fine():
    inner = "(" * MAX_DEPTH + "x1" + ")" * MAX_DEPTH
    assert parse_formula(inner).evaluate(X1, X2).tolist() == X1.tolist()
    assert "brackets" in refusal("(" + inner + ")")
    assert parse_formula("x1 ** 100 + x1 ** -100 + 2 ** (50 * 2)").classification is False


# --- refusals ------------------------------------------------------------------

REFUSED = [
    # (text, a piece the message must hold)
    ("x1 + " * 50 + "x1", f"characters, over {MAX_FORMULA_CHARS}"),
    ("", "empty"),
    ("  \t ", "empty"),
    ("x1 *", "x1 * is not a complete formula"),
    ("sin(x1", "never closed"),
    ("x1 ) x2", "character 4"),
    ("x1 = 3", "character 4"),
    ("x1 x2", "character 4"),
    ("x1 × 2", "×"),
    ("01 + x1", "leading zeros"),
    ("x1\n+ x2", "'\\n' at character 3"),
    ("x1 + \x00", "'\\x00'"),
    ("x1 +\u00a0x2", "'\\xa0'"),
    ("x1 + \ud800", "'\\ud800'"),
    ("-" * 150 + "1", f"nested more than {MAX_DEPTH} deep"),
    ("not " * 40 + "x1 > 0", f"nested more than {MAX_DEPTH} deep"),
    ("1+" * 60 + "1", f"nested more than {MAX_DEPTH} deep"),
    ("(" * 40 + "x1" + ")" * 40, "brackets"),
    ("[" * 40, "brackets"),
    ("min(" + ",".join(["-1"] * 60) + ")", f"more than {MAX_NODES} pieces"),
    ("x3", "x3 is not something a formula can use: the names are"),
    ("X1 > 0", "X1 is not"),
    ("os", "os is not"),
    ("__import__", "__import__ is not"),
    ("sinx(x1)", "sinx(x1) is not something a formula can use: the functions are"),
    ("__import__('os').system('ls')", "__import__('os').system('ls') is not"),
    ("eval('1')", "eval('1') is not"),
    ("x1.real", "no attributes"),
    ("().__class__", "().__class__"),
    ("(1).__class__.__bases__", "no attributes"),
    ("x1[0]", "no indexing"),
    ("lambda: x1", "no lambda"),
    ("(lambda: 1)()", "the functions are"),
    ("[x1 for x1 in x2]", "[x1 for x1 in x2] is not"),
    ("max(v for v in x1)", "max(v for v in x1)"),
    ("sin(x=1)", "name=value"),
    ("max(*x1)", "max(*x1)"),
    ("f'{x1}'", "text in quotes"),
    ("'x1'", "text in quotes"),
    ("(y := x1)", "y := x1"),
    ("x1 if x2 > 0 else x2", "where(condition, a, b)"),
    ("sin(x1, x2)", "sin(x1, x2) gives sin 2 arguments; it takes 1"),
    ("abs()", "gives abs 0 arguments"),
    ("where(x1 > 0, 1)", "it takes 3"),
    ("min(x1)", "it takes 2 or more"),
    ("sin", "is a function"),
    ("9**9**9", "9**9**9 raises to the power 387420489"),
    ("10**1000", f"within ±{MAX_EXPONENT:g}"),
    ("x1 ** 101", "x1 ** 101"),
    ("2 ** -101", "-101"),
    ("x1 ** (1/0)", "inf"),
    ("x1 ** log(-1)", "nan"),
    ("x1 ^ 2", "write ** for powers"),
    ("1j", "complex"),
    ("1e999", "too large"),
    ("(x1 > 0) + (x2 > 0)", "where(x1 > 0, 1, 0)"),
    ("sin(x1 > 0)", "needs numbers"),
    ("-(x1 > 0)", "needs numbers"),
    ("True * 2", "needs numbers"),
    ("not x1", "compare it"),
    ("x1 and x2 > 0", "x1 is a number"),
    ("where(x1, 1, 0)", "x1 is a number"),
    ("where(x1 > 0, 1, x2 > 0)", "a truth value and a number"),
    ("(x1 > 0) < (x2 > 0)", "only == and !="),
    ("(x1 > 0) == 1", "a truth value with a number"),
    ("x1 // 2", "+ - * / ** %"),
    ("x1 @ x2", "+ - * / ** %"),
    ("x1 << 2", "+ - * / ** %"),
    ("x1 > 0 & x2 > 0", "write and"),
    ("x1 > 0 | x2 > 0", "write or"),
    ("~(x1 > 0)", "write not"),
    ("x1 is x2", "is or in"),
    ("x1 not in x2", "is or in"),
    ("None", "None is not"),
    ("...", "... is not"),
    ("b'x'", "b'x' is not"),
    ("{x1}", "{x1} is not"),
    ("(x1, x2)", "x1, x2"),
    ("await x1", "await x1 is not"),
    ("(yield)", "yield is not"),
]


@pytest.mark.parametrize(("text", "piece"), REFUSED, ids=range(len(REFUSED)))
def test_refused_in_one_sentence_naming_the_piece(text, piece):
    message = refusal(text)
    assert piece in message
    words = message.replace(piece, "")  # the piece may hold '. ' itself ('...')
    assert not any(stop in words for stop in (". ", "! ", "? "))  # one sentence
    assert len(message) < 400


def test_only_text_is_a_formula():
    for value in (None, 3, b"x1", ["x1"]):
        assert "must be text" in refusal(value)


@pytest.fixture
def no_code_runs(monkeypatch):
    """eval and exec explode; compile may only make syntax trees; os.system is recorded."""
    real_compile, calls = builtins.compile, []

    def tree_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "the formula text was compiled to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def boom(*args, **kwargs):
        raise AssertionError("eval or exec ran")

    monkeypatch.setattr(builtins, "compile", tree_only)
    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(builtins, "exec", boom)
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    return calls


def test_nothing_in_a_formula_runs(tmp_path, no_code_runs):
    sentinel = tmp_path / "pwned"
    touch = f"__import__('os').system('touch {sentinel}')"
    attacks = [
        touch,
        f"open('{sentinel}', 'w')",
        f"x1 if {touch} else x2",
        f"where(x1 > 0, x1, {touch})",
        f"[{touch} for _ in x1]",
        f"(lambda: {touch})()",
        f"sin({touch})",
        f"x1.__class__.__init__.__globals__['os'].system('touch {sentinel}')",
        f"x1 > 0 or {touch} > 0",
        f"x1 ** 1000 + {touch}",
    ]
    for text in attacks:
        refusal(text)
    for text, _ in TRUTHS + NUMBERS:  # good formulas run without any code either
        parse_formula(text).evaluate(X1, X2)
    assert not sentinel.exists() and no_code_runs == []


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10000,
        "-" * 100000 + "1",
        "not " * 5000 + "x1",
        "[" * 10000 + "]" * 10000,
        "x1+" * 50000 + "x1",
        "9" * 100000,
        "(" * 199 + "x1",
        "-" * 199 + "1",
        "not " * 49 + "x1",
        "~" * 199 + "1",
        "lambda:" * 28 + "1",
        "sin(" * 40 + "x1" + ")" * 40,
    ],
    ids=lambda t: f"{t[:12]}..{len(t)}",
)
def test_hostile_text_is_refused_in_one_sentence(text):
    refusal(text)


def test_long_but_legal_text_is_accepted():
    assert parse_formula("9" * MAX_FORMULA_CHARS).evaluate(X1, X2)[0] == float("9" * 200)
    assert parse_formula("x1" + " " * 100000).text == "x1"
    assert "too large" in refusal("1e" + "9" * 198)


# --- fuzz: only FormulaError, always one sentence ------------------------------


def _accepts_or_refuses(text) -> None:
    try:
        formula = parse_formula(text)
    except FormulaError as err:
        one_sentence(str(err))
        return
    got = formula.evaluate(X1[:40], X2[:40])  # warnings are errors here
    assert got.dtype == (np.bool_ if formula.classification else np.float64)
    assert got.shape == (40,)


@FUZZ
@given(st.text(max_size=MAX_FORMULA_CHARS + 20))
def test_fuzz_any_text(text):
    _accepts_or_refuses(text)


TOKENS = [
    *("x1", "x2", "r", "theta", "pi", "e", "x3", "os", "True", "False", "None", "0", "1"),
    *("2.5", "1e999", "1j", "'a'", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "\\", "#"),
    *("+", "-", "*", "/", "**", "%", "//", "^", "&", "|", "~", "@", "<", "<=", ">", ">="),
    *("==", "!=", "=", ":=", "and", "or", "not", "is", "in", "if", "else", "lambda", "for"),
    *("abs", "min", "max", "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "where"),
    *("sum", "eval", "__import__", "__class__"),
]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from(["", " "]))
def test_fuzz_token_soup(tokens, glue):
    _accepts_or_refuses(glue.join(tokens))


def _words(text: str) -> list[str]:
    return text.split()


def _trees() -> st.SearchStrategy[str]:
    """Python expressions built from allowed and forbidden pieces alike."""
    names = "x1 x2 r theta pi e True False x3 os __import__ None ... 'a' 1j 1e999 9**9**9 []"
    leaves = st.one_of(
        st.sampled_from(_words(names)),
        st.integers(-(10**30), 10**30).map(str),
        st.floats().map(repr),  # nan and inf are names, and not allowed ones
    )
    functions = st.sampled_from(_words("abs min max sin cos tan exp log sqrt tanh where sinx open"))
    binary = st.sampled_from(_words("+ - * / ** % // @ << >> & | ^ and or"))
    compare = st.sampled_from([*_words("< <= > >= == != is in"), "is not", "not in"])

    def grow(inner):
        return st.one_of(
            st.tuples(inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["-", "+", "~", "not "]), inner).map("".join),
            st.tuples(inner, compare, inner, st.booleans()).map(
                lambda t: f"({t[0]} {t[1]} {t[2]}{' < 1' if t[3] else ''})"
            ),
            st.tuples(functions, st.lists(inner, max_size=4)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(inner, st.sampled_from([".real", "[0]", ".__class__"])).map("".join),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            inner.map(lambda s: f"(lambda: {s})"),
            inner.map(lambda s: f"sin(x={s})"),
            inner.map(lambda s: f"max(*{s})"),
            inner.map(lambda s: f"[{s} for v in x1]"),
            inner.map(lambda s: f"(v := {s})"),
            inner.map(lambda s: f"f'{{{s}}}'"),
        )

    return st.recursive(leaves, grow, max_leaves=12)


@FUZZ
@given(_trees())
def test_fuzz_trees_of_allowed_and_forbidden_pieces(text):
    _accepts_or_refuses(text)


# --- fuzz with an oracle: formulas that must be accepted and match NumPy ---------


def _const(v):
    # a 0-d constant, as the module has: NumPy may round x ** 2 differently from x ** [2, 2, ...]
    return lambda a, b: np.asarray(v)


_NUMBER_LEAVES = st.one_of(
    st.sampled_from(
        [
            ("x1", lambda a, b: a),
            ("x2", lambda a, b: b),
            ("r", np.hypot),
            ("theta", lambda a, b: np.arctan2(b, a)),
            ("pi", _const(np.pi)),
            ("e", _const(np.e)),
        ]
    ),
    st.floats(-10, 10, allow_nan=False).map(lambda v: (f"({v!r})", _const(v))),
    st.integers(0, 9).map(lambda v: (str(v), _const(float(v)))),
)
_POWERS = st.sampled_from(  # constant exponents stay small, so all of these are accepted
    [("x1", lambda a, b: a), ("x2", lambda a, b: b), ("2", _const(2.0)), ("(-3)", _const(-3.0))]
)


def _pair(template, ufunc, *parts):
    texts, fns = zip(*parts, strict=True)
    return template.format(*texts), lambda a, b: ufunc(*(f(a, b) for f in fns))


def _chain(ops, values):
    texts, fns = zip(*values, strict=True)
    text = "(" + texts[0] + "".join(f" {o} {t}" for (o, _), t in zip(ops, texts[1:], strict=True))
    text += ")"

    def fn(a, b):
        vals = [f(a, b) for f in fns]
        tests = [u(x, y) for (_, u), x, y in zip(ops, vals, vals[1:], strict=False)]
        return functools.reduce(np.logical_and, tests)

    return text, fn


@functools.cache
def _numbers(depth: int) -> st.SearchStrategy:
    if depth == 0:
        return _NUMBER_LEAVES
    sub, truth = _numbers(depth - 1), _truths(depth - 1)
    arithmetic = st.sampled_from(
        [
            ("+", np.add),
            ("-", np.subtract),
            ("*", np.multiply),
            ("/", np.true_divide),
            ("%", np.mod),
        ]
    )
    one_arg = st.sampled_from(
        [
            ("abs", np.abs),
            ("sin", np.sin),
            ("cos", np.cos),
            ("tan", np.tan),
            ("exp", np.exp),
            ("log", np.log),
            ("sqrt", np.sqrt),
            ("tanh", np.tanh),
        ]
    )
    return st.one_of(
        _NUMBER_LEAVES,
        st.tuples(arithmetic, sub, sub).map(
            lambda t: _pair(f"({{}} {t[0][0]} {{}})", t[0][1], t[1], t[2])
        ),
        st.tuples(sub, _POWERS).map(lambda t: _pair("({} ** {})", np.power, *t)),
        sub.map(lambda s: _pair("(-{})", np.negative, s)),
        st.tuples(one_arg, sub).map(lambda t: _pair(t[0][0] + "({})", t[0][1], t[1])),
        st.tuples(
            st.sampled_from([("min", np.minimum), ("max", np.maximum)]),
            st.lists(sub, min_size=2, max_size=3),
        ).map(
            lambda t: _pair(
                t[0][0] + "(" + ", ".join(["{}"] * len(t[1])) + ")",
                lambda *v, u=t[0][1]: functools.reduce(u, v),
                *t[1],
            )
        ),
        st.tuples(truth, sub, sub).map(lambda t: _pair("where({}, {}, {})", np.where, *t)),
    )


@functools.cache
def _truths(depth: int) -> st.SearchStrategy:
    sub = _numbers(depth)
    order = st.sampled_from(
        [
            ("<", np.less),
            ("<=", np.less_equal),
            (">", np.greater),
            (">=", np.greater_equal),
            ("==", np.equal),
            ("!=", np.not_equal),
        ]
    )
    comparisons = (
        st.integers(1, 2)
        .flatmap(
            lambda n: st.tuples(
                st.lists(order, min_size=n, max_size=n),
                st.lists(sub, min_size=n + 1, max_size=n + 1),
            )
        )
        .map(lambda t: _chain(*t))
    )
    constants = st.sampled_from([("True", _const(True)), ("False", _const(False))])
    if depth == 0:
        return st.one_of(comparisons, constants)
    inner = _truths(depth - 1)
    joins = st.sampled_from([("and", np.logical_and), ("or", np.logical_or)])
    return st.one_of(
        comparisons,
        constants,
        inner.map(lambda s: _pair("(not {})", np.logical_not, s)),
        st.tuples(joins, inner, inner).map(
            lambda t: _pair(f"({{}} {t[0][0]} {{}})", t[0][1], t[1], t[2])
        ),
        st.tuples(st.sampled_from([("==", np.equal), ("!=", np.not_equal)]), inner, inner).map(
            lambda t: _pair(f"({{}} {t[0][0]} {{}})", t[0][1], t[1], t[2])
        ),
        st.tuples(inner, inner, inner).map(lambda t: _pair("where({}, {}, {})", np.where, *t)),
    )


@FUZZ
@given(st.one_of(_numbers(3).map(lambda p: (*p, False)), _truths(3).map(lambda p: (*p, True))))
def test_fuzz_good_formulas_match_numpy(case):
    text, oracle, truth = case
    try:
        formula = parse_formula(text)
    except FormulaError as err:  # only the size limits may refuse a well-formed formula
        assert any(word in str(err) for word in ("characters", "deep", "pieces")), str(err)
        return
    assert formula.classification is truth
    with np.errstate(all="ignore"):
        want = np.broadcast_to(oracle(X1, X2), X1.shape)
    np.testing.assert_array_equal(formula.evaluate(X1, X2), want)


# --- labels ------------------------------------------------------------------------


POINTS = np.column_stack([X1, X2])


def test_classification_labels_are_int64_zero_and_one():
    labels, classes = formula_labels(parse_formula("x1 * x2 > 0"), POINTS)
    assert classes == 2 and labels.dtype == np.int64
    np.testing.assert_array_equal(labels, np.where(X1 * X2 > 0, 1, 0))  # False is class 0


def test_regression_labels_are_float64_targets():
    targets, classes = formula_labels(parse_formula("sin(x1) * x2"), POINTS)
    assert classes == 0 and targets.dtype == np.float64
    np.testing.assert_allclose(targets, np.sin(X1) * X2, rtol=1e-12, atol=0)
    flat, _ = formula_labels(parse_formula("7"), POINTS)
    assert (flat == 7.0).all()


def test_no_number_at_a_point_is_refused_naming_the_point():
    points = np.array([[1.0, 1.0], [-2.5, 1.0], [-3.0, 2.0]])
    with pytest.raises(FormulaError) as caught:
        formula_labels(parse_formula("log(x1)"), points)
    message = str(caught.value)
    one_sentence(message)
    assert message.startswith("log(x1) gives no number at (-2.5, 1.0)") and "nan" in message
    with pytest.raises(FormulaError, match=r"1 / x1 gives no number at \(0\.0, 2\.0\).*inf"):
        formula_labels(parse_formula("1 / x1"), np.array([[1.0, 0.0], [0.0, 2.0]]))
    with pytest.raises(FormulaError, match=r"at \(1e-05, -123\.5\): .* -inf"):
        formula_labels(parse_formula("log(x1 - 1e-5)"), np.array([[1e-5, -123.456]]))


@pytest.mark.parametrize(("text", "word"), [("x1 > 100", "false"), ("r >= 0", "true")])
def test_one_class_is_refused(text, word):
    with pytest.raises(FormulaError) as caught:
        formula_labels(parse_formula(text), POINTS)
    message = str(caught.value)
    one_sentence(message)
    assert message.startswith(f"{text} puts every point in one class") and word in message


def test_labels_need_n_by_2_points():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        formula_labels(parse_formula("x1"), np.zeros((4, 3)))
