"""A person's own data as CSV: what it reads, what it writes back exactly, what it refuses.

A refusal is one sentence that names the file; a hostile file never hangs, never
escapes as another exception, and a big one is refused before it is read.
"""

import os
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from playground.io import data_csv
from playground.io.data_csv import (
    MAX_CLASSES,
    MAX_DATA_FILE_BYTES,
    DataFileError,
    TableData,
    parse_data_csv,
    read_data_csv,
    write_data_csv,
)
from playground.io.reading import printable_path

FUZZ = settings(max_examples=120, deadline=None)
ROWS = "1,a\n2,b\n3,a\n4,b\n"  # four points of two classes, after an "x1,label" header


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("data csv")


def one_sentence(exc: DataFileError, name: str) -> str:
    message = str(exc)
    assert type(exc) is DataFileError
    assert "\n" not in message and message.endswith("."), message
    assert name in message, message
    return message


def refused(path, **kwargs) -> str:
    with pytest.raises(DataFileError) as info:
        read_data_csv(path, **kwargs)
    return one_sentence(info.value, printable_path(path))


# ---- reading ----


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_and_columns_found_by_name(delimiter):
    header = delimiter.join([" Label ", "SPLIT", "x2", "X1", "note"])
    rows = ["B", "test", "0.25", "-1.5e-3", "n"], ["a", "Train", "1", "2", "o"]
    text = "\n".join([header, *(delimiter.join(r) for r in rows * 2)]) + "\n"
    b = f'b{delimiter}"x"'  # a field holding the delimiter and quotes, quoted
    data = parse_data_csv(text.replace("B", '"' + b.replace('"', '""') + '"'))
    assert data.class_names == (b, "a") and data.classification and not data.one_input
    np.testing.assert_array_equal(data.labels, [0, 1, 0, 1])
    np.testing.assert_array_equal(data.x, [[-1.5e-3, 0.25], [2, 1]] * 2)
    np.testing.assert_array_equal(data.split, [False, True] * 2)


def test_bom_crlf_blank_lines_and_empty_rows(folder):
    path = folder / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\nx1,x2,label\r\n1,2,0\r\n\r\n,,\r\n3,4,1\r\n5,6,0\r\n7,8,1")
    data = read_data_csv(path)
    assert data.class_names == ("0", "1") and data.split is None
    np.testing.assert_array_equal(data.x, [[1, 2], [3, 4], [5, 6], [7, 8]])
    assert data.x.dtype == np.float64 and data.labels.dtype == np.int64
    for array in (data.x, data.labels):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1


def test_string_labels_in_order_of_first_appearance():
    text = 'x1,x2,label\n0,0,dog\n1,1,"cat, ""the"" one"\n2,2,a1\n3,3,dog\n4,4, cat2 \n'
    data = parse_data_csv(text)
    assert data.class_names == ("dog", 'cat, "the" one', "a1", "cat2")
    np.testing.assert_array_equal(data.labels, [0, 1, 2, 0, 3])


def test_integer_labels_sorted_numerically():
    data = parse_data_csv("x1,label\n0,1\n1,-1\n2,+1\n3,-1.0\n4,10\n5,1e1\n")
    assert data.class_names == ("-1", "1", "10")  # -1 is class 0, as in TensorFlow Playground
    np.testing.assert_array_equal(data.labels, [1, 0, 1, 0, 2, 2])
    assert data.one_input and not data.x[:, 1].any()


def test_other_numbers_are_regression_targets():
    data = parse_data_csv("x1,x2,label\n0,0,0.5\n1,1,-2\n2,2,1e-3\n3,3,7\n")
    assert not data.classification and data.class_names == ()
    assert data.labels.dtype == np.float64
    np.testing.assert_array_equal(data.labels, [0.5, -2, 1e-3, 7])
    huge = "x1,label\n0,0\n1,1e300\n2,0\n3,1e300\n"  # whole, but no integer to name a class
    assert not parse_data_csv(huge).classification
    assert parse_data_csv(huge, problem="classification").class_names == ("0", "1e+300")


def test_more_than_eight_integers_are_regression_and_eight_words_are_classes():
    nine = "x1,label\n" + "".join(f"{k},{k}\n" for k in range(9))
    assert not parse_data_csv(nine).classification
    eight = "x1,label\n" + "".join(f"{k},c{k}\n" for k in range(MAX_CLASSES))
    assert len(parse_data_csv(eight).class_names) == MAX_CLASSES
    with pytest.raises(DataFileError, match="9 classes, more than 8"):
        parse_data_csv(nine, "nine.csv", problem="classification")


def test_problem_overrides_what_the_labels_suggest():
    halves = "x1,label\n0,0.5\n1,1\n2,0.5\n3,2.5\n"
    data = parse_data_csv(halves, problem="classification")
    assert data.class_names == ("0.5", "1", "2.5")
    np.testing.assert_array_equal(data.labels, [0, 1, 0, 2])
    targets = parse_data_csv("x1,label\n" + ROWS.replace("a", "0").replace("b", "1"),
                             problem="regression")  # fmt: skip
    assert targets.labels.dtype == np.float64 and targets.class_names == ()
    with pytest.raises(DataFileError) as info:
        parse_data_csv("x1,label\n" + ROWS, "words.csv", problem="regression")
    assert one_sentence(info.value, "words.csv") == (
        "words.csv: regression needs numbers, but the label on line 2 is 'a'."
    )


# ---- writing ----


def is_word(s: str) -> bool:
    """A label the reader takes as it is: no edge spaces, no number in it."""
    return (
        s == s.strip()
        and not any(c.isdigit() for c in s)
        and s.lower().lstrip("+-") not in {"nan", "inf", "infinity"}
    )


CHARACTERS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
WORD = st.text(CHARACTERS, min_size=1, max_size=6).filter(is_word)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw):
    n = draw(st.integers(4, 30))
    x = draw(arrays(np.float64, (n, 2), elements=FINITE))
    split = draw(st.none() | arrays(bool, n))
    if split is not None:
        split[:2] = True, False
    kind = draw(st.sampled_from(["words", "integers", "regression"]))
    if kind == "regression":
        return x, draw(arrays(np.float64, n, elements=FINITE)), (), split
    if kind == "words":
        names = draw(st.lists(WORD, min_size=2, max_size=MAX_CLASSES, unique=True))
    else:
        numbers = st.lists(
            st.integers(-(2**53), 2**53), min_size=2, max_size=MAX_CLASSES, unique=True
        )
        names = [str(k) for k in sorted(draw(numbers))]
    raw = draw(arrays(np.int64, n, elements=st.integers(0, len(names) - 1)))
    raw[:2] = 0, 1
    # the classes used, as the reader orders them: words by first appearance, numbers sorted
    used = list(dict.fromkeys(raw.tolist())) if kind == "words" else sorted(set(raw.tolist()))
    labels = np.array([used.index(k) for k in raw.tolist()])
    return x, labels, tuple(names[k] for k in used), split


@FUZZ
@given(tables())
def test_write_then_read_is_exact(folder, table):
    x, labels, names, split = table
    path = folder / "round trip.csv"
    write_data_csv(path, x, labels, names, split)
    data = read_data_csv(path, problem=None if names else "regression")
    assert data.x.view(np.int64).tolist() == x.view(np.int64).tolist()  # bit for bit, -0.0 too
    assert data.class_names == names
    if names:
        assert data.labels.tolist() == labels.tolist()
    else:
        assert data.labels.view(np.int64).tolist() == labels.view(np.int64).tolist()
    assert (data.split is None) == (split is None)
    if split is not None:
        assert data.split.tolist() == split.tolist()
    assert not [p for p in os.listdir(folder) if ".np-tmp-" in p]  # the write was atomic


def test_write_refuses_mismatched_arrays(folder):
    with pytest.raises(ValueError):
        write_data_csv(folder / "w.csv", np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError):
        write_data_csv(folder / "w.csv", np.zeros((2, 2)), [0, 2], ("a", "b"))


# ---- refusals ----

H = "x1,label\n"
REFUSALS = {
    b"": "is empty",
    b" \n\r\n\n": "is empty",
    b"a;b;c\n1;2;3\n": "the header (line 1) must name x1 and label, but it names 'a', 'b', 'c'",
    b"\nx1,x2\n1,2\n": "the header (line 2) must name x1 and label",
    b"x1,label, X1\n": "the header names the column 'x1' twice",
    (H + "1,a\n2,b,c\n").encode(): "line 3 has 3 fields where the header has 2",
    (H + "1,a\nabc,b\n").encode(): "x1 on line 3 is not a number ('abc')",
    b"x1;x2;label\n1;2,5;a\n": "x2 on line 2 is not a number ('2,5')",
    (H + "1,a\n\nnan,b\n").encode(): "x1 on line 4 is not finite ('nan')",
    (H + "1e999,a\n").encode(): "x1 on line 2 is not finite ('1e999')",
    b"x1,x2,label\n1,-inf,a\n": "x2 on line 2 is not finite ('-inf')",
    (H + "1,0.5\n2,1.5\n3,NaN\n4,2\n").encode(): "the label on line 4 is not finite",
    (H + "1,a\n2,\n").encode(): "line 3 has no label",
    (H + ROWS.replace("4,b", "4,b,")).encode(): "line 5 has 3 fields where the header has 2",
    b"x1,label,split\n1,a,train\n2,b,validation\n": "split on line 3 is 'validation'",
    b"x1,label,split\n1,a,train\n2,b,TRAIN\n3,a,Train\n4,b,train\n": "no point is marked test",
    b"x1,label,split\n1,a,test\n2,b,test\n3,a,test\n4,b,test\n": "no point is marked train",
    (H + "1,a\n2,b\n3,a\n").encode(): "there are 3 points; at least 4 are needed",
    H.encode(): "there are 0 points",
    (H + ROWS.replace("b", "a")).encode(): "every point has the label 'a'; two classes",
    (H + "".join(f"{k},c{k}\n" for k in range(12))).encode(): "12 classes, more than 8",
    (H + "1,a\n2,b\xff\n").encode("latin-1"): "is not a UTF-8 text file (line 3 holds bytes",
    (H + "1,a\n\x00\x01\x02\n").encode(): "is not a UTF-8 text file (line 3 holds a NUL byte)",
    (H + "1," + "a" * 70_000 + "\n").encode(): "line 2 is longer than 65,536 characters",
    (H + '1,"a"b\n').encode(): "line 2 is not valid CSV",
    (H + '1,a\n2,"b\n3,c\n').encode(): "line 3 is not valid CSV",
}


@pytest.mark.parametrize("content", list(REFUSALS), ids=range(len(REFUSALS)))
def test_refusal_is_one_sentence_naming_the_file_and_line(folder, content):
    path = folder / "my data\n.csv"  # a newline in the name: the message stays one line
    path.write_bytes(content)
    assert REFUSALS[content] in refused(path)


def test_too_many_points_stops_reading_at_the_limit(folder, monkeypatch):
    monkeypatch.setattr(data_csv, "MAX_DATA_POINTS", 10)
    path = folder / "many.csv"
    path.write_bytes((H + "\n" + ROWS * 3).encode() + b"\x00 not read")
    assert "line 13 is past the limit of 10 points" in refused(path)


def test_blank_lines_are_bounded_too(folder, monkeypatch):
    monkeypatch.setattr(data_csv, "MAX_LINES", 50)  # 400,000 in earnest: about a second
    path = folder / "blank.csv"
    path.write_bytes(b"x1,label\n" + b"\r\n" * 60 + ROWS.encode())
    assert "line 51 is past the limit of 50 lines" in refused(path)


def test_not_a_regular_file_is_refused(folder):
    assert "is not a regular file (a folder)" in refused(folder)
    if os.path.exists("/dev/zero"):
        assert "is not a regular file (a device)" in refused("/dev/zero")
    assert "cannot read" in refused(folder / "missing.csv")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_refused_without_blocking(folder):
    pipe = folder / "pipe.csv"
    os.mkfifo(pipe)
    messages = []

    def read():
        try:
            read_data_csv(pipe)
        except DataFileError as exc:
            messages.append(one_sentence(exc, str(pipe)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a named pipe blocked"
    assert "is not a regular file (a named pipe)" in messages[0]


def test_huge_file_is_refused_before_reading(folder, monkeypatch):
    path = folder / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(200 * 2**20)  # sparse: costs no disk
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert f"over the {MAX_DATA_FILE_BYTES:,}-byte limit" in refused(path)
    assert reads == []  # refused from its size alone: not one byte read


# ---- hostile input: only DataFileError, always one sentence ----

PROBLEMS = st.sampled_from([None, "classification", "regression"])
GOOD = 'x1,X2,label,split\r\n0.5,-1,a,train\r\n1,2,b,test\r\n3,4,"a,b",TRAIN\r\n5,6e3,b,Test\r\n'
TOKENS = [*',;\t"\n\r\x00 -.eé\ufeff\udc80', "nan", "inf", "1e999", "9" * 30]
TOKENS += ["x1", "x2", "label", "split", "train", "test"]


@st.composite
def mutated(draw):
    text = draw(st.sampled_from([GOOD, GOOD.replace(",", ";"), "x1,label\n" + ROWS]))
    header = draw(st.integers(0, 3)) == 0  # else only the rows: a broken header ends it all
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0 if header else text.find("\n") + 1, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 4)) :]
    return text


def check_valid(data: TableData) -> None:
    n = len(data.labels)
    assert n >= 4 and data.x.shape == (n, 2) and np.isfinite(data.x).all()
    if data.classification:
        assert 2 <= len(data.class_names) <= MAX_CLASSES
        assert set(data.labels.tolist()) == set(range(len(data.class_names)))
    else:
        assert data.labels.dtype == np.float64 and np.isfinite(data.labels).all()
    if data.split is not None:
        assert data.split.shape == (n,) and data.split.any() and not data.split.all()


@FUZZ
@given(mutated(), PROBLEMS)
def test_mutated_text_is_read_or_refused_in_one_sentence(text, problem):
    try:
        check_valid(parse_data_csv(text, "pasted", problem=problem))
    except DataFileError as exc:
        one_sentence(exc, "pasted")


@FUZZ
@given(st.binary(max_size=400) | mutated().map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_are_read_or_refused_in_one_sentence(folder, content):
    path = folder / "fuzz.csv"
    path.write_bytes(content)
    try:
        check_valid(read_data_csv(path))
    except DataFileError as exc:
        one_sentence(exc, str(path))
