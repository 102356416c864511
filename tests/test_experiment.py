"""Experiment files: reopening and training on is bit-identical; bad files are refused cleanly."""

import copy
import io
import json
import os
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import Config, Trainer
from playground.io import experiment
from playground.io.experiment import (
    ExperimentFileError,
    load_experiment,
    read_experiment,
    save_experiment,
)

CONFIGS = {
    "sgd": Config(points=120),
    "momentum-in-data-order-l2": Config(
        points=120, optimizer="momentum", lr=0.01, shuffle=False,
        regularization="l2", reg_rate=0.01, batch_size=7,
    ),
    "adam-step-schedule-l1": Config(
        dataset="xor", points=120, optimizer="adam", lr=0.02, schedule="step", lr_period=2,
        regularization="l1", reg_rate=0.001,
    ),
    "rmsprop-cosine-elastic": Config(
        dataset="moons", points=120, optimizer="rmsprop", lr=0.01, schedule="cosine",
        lr_period=3, regularization="elastic", reg_rate=0.001, reg_bias=True,
    ),
    "nesterov-exponential-relu": Config(
        dataset="gauss", points=120, optimizer="nesterov", lr=0.01, schedule="exponential",
        lr_gamma=0.8, activation="relu", init="he_normal",
    ),
    "4-classes-cross-entropy": Config(
        dataset="blobs", classes=4, points=160, loss="cross-entropy", optimizer="adam",
        lr=0.01, hidden=(5,),
    ),
    "regression": Config(
        dataset="plane", points=150, optimizer="momentum", lr=0.005, schedule="exponential",
        hidden=(4,),
    ),
    "full-batch": Config(points=120, batch_size=None, optimizer="adam"),
}  # fmt: skip
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _reopen(trainer, path):
    save_experiment(path, trainer.state_dict())
    return Trainer.from_state(load_experiment(path))


def _assert_same(a, b):
    assert a.network.params.tobytes() == b.network.params.tobytes()
    assert (a.epoch, a.steps, a._cursor) == (b.epoch, b.steps, b._cursor)
    assert a.metrics == b.metrics
    for name in ("epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        x, y = getattr(a.history, name), getattr(b.history, name)
        assert (x is None and y is None) or x.tobytes() == y.tobytes()
    sa, sb = a.optimizer.state_dict(), b.optimizer.state_dict()
    assert sa.keys() == sb.keys()
    assert all(np.asarray(sa[k]).tobytes() == np.asarray(sb[k]).tobytes() for k in sa)
    assert (a.diverged, a.message) == (b.diverged, b.message)


# --- training on is bit-identical ----------------------------------------------------


@pytest.mark.parametrize("batches", [0, 3], ids=["epoch-boundary", "mid-epoch"])
@pytest.mark.parametrize("cfg", CONFIGS.values(), ids=CONFIGS.keys())
def test_reopened_training_is_bit_identical(tmp_path, cfg, batches):
    a = Trainer(cfg)
    a.train(3)
    a.step(batches)
    assert (a._cursor > 0) == (batches > 0 and cfg.batch_size is not None)
    b = _reopen(a, tmp_path / "run.playground")
    _assert_same(a, b)
    a.train(4)
    b.train(4)
    a.step(2)
    b.step(2)
    _assert_same(a, b)
    assert a.epoch >= 7 and not a.diverged


def test_in_memory_state_trains_on_bit_identically():
    a = Trainer(CONFIGS["adam-step-schedule-l1"])
    a.train(2)
    a.step(5)
    b = Trainer.from_state(a.state_dict())
    a.train(3)
    b.train(3)
    _assert_same(a, b)


@pytest.mark.parametrize(
    "change", [{"lr": 0.1}, {"optimizer": "adam"}, {"shuffle": False}, {"batch_size": 4}]
)
def test_hot_changes_made_mid_epoch_survive_reopening(tmp_path, change):
    # the epoch goes on with the learning rate and order it began with
    a = Trainer(Config(points=120, schedule="exponential", lr_gamma=0.5))
    a.train(2)
    a.step(3)
    a.set_config(a.config.replace(**change))
    b = _reopen(a, tmp_path / "hot.playground")
    a.train(3)
    b.train(3)
    _assert_same(a, b)


def test_a_divergence_after_reopening_falls_back_to_the_same_checkpoint(tmp_path):
    a = Trainer(Config(dataset="plane", activation="relu", points=120, hidden=(4,)))
    a.train(2)
    a.step(3)
    b = _reopen(a, tmp_path / "mid.playground")
    for t in (a, b):  # a huge weight overflows on the next step
        t.set_weight(0, 0, 0, 1e300)
        assert t.step(1) is False and t.diverged
    assert "epoch 3" in b.message
    _assert_same(a, b)


def test_a_diverged_experiment_stays_diverged(tmp_path):
    a = Trainer(Config(dataset="plane", activation="relu", lr=3.0, init="he_normal"))
    a.train(200)
    assert a.diverged
    b = _reopen(a, tmp_path / "diverged.playground")
    assert b.diverged and b.message == a.message
    assert b.train_epoch() is False and b.epoch == a.epoch
    _assert_same(a, b)
    for t in (a, b):  # and once the person lowers the learning rate, both go on alike
        t.set_config(t.config.replace(lr=0.001))
        t.train(3)
    _assert_same(a, b)
    assert not b.diverged


def test_the_stored_points_are_used_not_regenerated():
    a = Trainer(Config(points=40))
    state = a.state_dict()
    moved = state["dataset"]["x_train"] * 0.5
    state["dataset"] = {**state["dataset"], "x_train": moved}
    b = Trainer.from_state(state)
    assert np.array_equal(b.dataset.x_train, moved) and not b.dataset.x_train.flags.writeable


def test_state_and_trainer_share_no_writable_arrays():
    a = Trainer(Config(points=40, optimizer="adam"))
    a.train(1)
    a.step(1)
    state = a.state_dict()
    before = a.network.params.copy()
    state["params"][:] = 9.0  # the state is a copy ...
    assert np.array_equal(a.network.params, before)
    b = Trainer.from_state(a.state_dict())
    kept = b.network.params.copy()
    state = b.state_dict()
    b2 = Trainer.from_state(state)
    state["params"][:] = 9.0  # ... and a trainer made from one keeps its own
    state["optimizer"]["m"][:] = 9.0
    state["checkpoint"]["params"][:] = 9.0
    assert np.array_equal(b2.network.params, kept)
    assert not np.any(b2.optimizer.m == 9.0) and not np.any(b2._checkpoint[0] == 9.0)


# --- the file --------------------------------------------------------------------------


def test_the_file_is_a_zip_of_json_and_plain_npy_members(tmp_path):
    a = Trainer(CONFIGS["adam-step-schedule-l1"])
    a.train(2)
    a.step(1)
    path = tmp_path / "layout.playground"
    save_experiment(path, a.state_dict(), extra={"speed": 3, "note": "hi"})
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        doc = json.loads(archive.read("experiment.json"), parse_constant=pytest.fail)
        for name in names - {"experiment.json"}:
            with archive.open(name) as member:
                np.lib.format.read_array(member, allow_pickle=False)
    assert {"experiment.json", "params.npy", "history.npy", "order.npy"} <= names
    assert {"dataset/x_train.npy", "optimizer/m.npy", "checkpoint/optimizer/v.npy"} <= names
    assert doc["format"] == "neural-playground-experiment" and doc["version"] == 1
    assert doc["app_version"] and doc["extra"] == {"speed": 3, "note": "hi"}
    assert doc["state"]["config"]["dataset"] == "xor" and doc["state"]["epoch"] == 2
    assert doc["state"]["params"] == {"$npy": "params.npy"}
    opened = read_experiment(path)
    assert opened.extra == {"speed": 3, "note": "hi"}
    assert opened.state["shuffle_rng"] == a._shuffle_rng.bit_generator.state


def test_a_failed_save_leaves_the_old_file_byte_identical(tmp_path, monkeypatch):
    path = tmp_path / "keep.playground"
    save_experiment(path, Trainer(Config(points=40)).state_dict())
    old = path.read_bytes()
    good = Trainer(Config(points=40, hidden=(3,)))
    good.train(1)
    bad = good.state_dict()
    bad["params"] = bad["params"].copy()
    bad["params"][0] = np.nan
    with pytest.raises(ExperimentFileError, match="params must hold only finite"):
        save_experiment(path, bad)
    with pytest.raises(ExperimentFileError, match=r"keep\.playground"):
        save_experiment(path, good.state_dict(), extra={"x": {1, 2}})  # not JSON
    with pytest.raises(ExperimentFileError):
        save_experiment(path, good.state_dict(), extra={"x": float("nan")})

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", disk_full)  # fails mid-archive
    with pytest.raises(ExperimentFileError, match="No space left on device"):
        save_experiment(path, good.state_dict())
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["keep.playground"]  # no temporary file left behind


# --- bad files: one sentence naming the file, never another exception -----------------


def _small_state(batches=1):
    t = Trainer(Config(points=40, hidden=(3,), optimizer="adam", lr=0.05))
    t.train(2)
    t.step(batches)
    return t.state_dict()


STATE = _small_state()


def _document_and_arrays(state=STATE):
    arrays = {}
    doc = {
        "format": experiment.FORMAT_NAME,
        "version": experiment.FORMAT_VERSION,
        "app_version": "test",
        "state": experiment._split(state, (), arrays),
        "extra": {},
    }
    return doc, arrays


def _npy_bytes(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _write_raw(path, doc, arrays, drop=(), text=None, method=zipfile.ZIP_DEFLATED):
    """A zip written by hand, so it can hold what save_experiment never writes."""
    with zipfile.ZipFile(path, "w", method) as archive:
        if doc is not None:
            archive.writestr("experiment.json", text or json.dumps(doc))
        for name, value in arrays.items():
            if name not in drop:
                data = value if isinstance(value, bytes) else _npy_bytes(value)
                archive.writestr(name, data)
    return path


def _refused(path, match=None):
    with pytest.raises(ExperimentFileError) as info:
        load_experiment(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text
    if match is not None:
        assert match in text, text
    return text


def _states_equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
            and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        )  # fmt: skip
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_states_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_states_equal, a, b))
    both_nan = isinstance(a, float) and isinstance(b, float) and a != a and b != b
    return type(a) is type(b) and (a == b or both_nan)


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.playground"
    save_experiment(path, STATE)
    return path.read_bytes()


@pytest.fixture(scope="module")
def good_state(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "again.playground"
    save_experiment(path, STATE)
    return load_experiment(path)


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "fuzzed.playground"


def test_a_missing_file_is_one_sentence(tmp_path):
    _refused(tmp_path / "nowhere.playground", "No such file")


@FUZZ
@given(data=st.data())
def test_truncated_files_are_refused(good_bytes, fuzz_path, data):
    cut = data.draw(st.integers(0, len(good_bytes) - 1))
    fuzz_path.write_bytes(good_bytes[:cut])
    _refused(fuzz_path)


@FUZZ
@given(data=st.data())
def test_flipped_bytes_are_refused_or_harmless(good_bytes, good_state, fuzz_path, data):
    spoiled = bytearray(good_bytes)
    flips = st.tuples(st.integers(0, len(spoiled) - 1), st.integers(1, 255))
    for at, mask in data.draw(st.lists(flips, min_size=1, max_size=4)):
        spoiled[at] ^= mask
    fuzz_path.write_bytes(bytes(spoiled))
    try:
        state = load_experiment(fuzz_path)
    except ExperimentFileError as exc:
        assert "\n" not in str(exc) and str(fuzz_path) in str(exc)
    else:  # a flip in a date or an unused field: the CRCs vouch for the rest
        assert _states_equal(state, good_state)


def test_an_uncompressed_zip_opens_and_its_checksums_are_checked(tmp_path, good_state):
    doc, arrays = _document_and_arrays()
    path = _write_raw(tmp_path / "stored.playground", doc, arrays, method=zipfile.ZIP_STORED)
    assert _states_equal(load_experiment(path), good_state)  # as any ZIP tool may write it
    data = bytearray(path.read_bytes())
    at = data.find(_npy_bytes(STATE["params"]))
    data[at + 200] ^= 0x10  # one bit of one parameter
    path.write_bytes(bytes(data))
    _refused(path, "Bad CRC-32 for file 'params.npy'")


def test_a_header_claiming_a_huge_array_is_refused_before_reading(tmp_path):
    doc, arrays = _document_and_arrays()
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    arrays["params.npy"] = buffer.getvalue() + b"\0" * 64  # far fewer bytes than claimed
    _refused(_write_raw(tmp_path / "huge.playground", doc, arrays), "params.npy is not as long")


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Set a member's uncompressed size in the ZIP directory (what a zip bomb declares)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")  # the directory's entries, after all the data
    while at >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46 : at + 46 + name_len] == name:
            struct.pack_into("<L", out, at + 24, size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, good_bytes, monkeypatch):
    path = tmp_path / "bomb.playground"
    path.write_bytes(_patch_sizes(good_bytes, b"params.npy", 0xFFFF_FFF0))
    _refused(path, "would unpack to more than 256 MB")
    # a real one: a megabyte of zeros deflates to a kilobyte
    monkeypatch.setattr(experiment, "MAX_TOTAL_BYTES", 512 * 1024)
    doc, arrays = _document_and_arrays()
    arrays["padding.npy"] = np.zeros(2**17)
    _refused(_write_raw(tmp_path / "real.playground", doc, arrays), "would unpack to more")


def _with_comment(data: bytes, comment: bytes) -> bytes:
    """The same ZIP file with an archive comment: its end record is no longer the last bytes."""
    assert data[-22:-18] == b"PK\x05\x06" and data[-2:] == b"\0\0"
    return data[:-2] + struct.pack("<H", len(comment)) + comment


def _with_zip64_claim(data: bytes, directory_size: int) -> bytes:
    """The same file with ZIP64 end records before its end record, claiming a directory size."""
    end = len(data) - 22
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1, directory_size, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    tail = bytearray(data[end:])
    struct.pack_into("<L", tail, 12, 0xFFFF_FFFF)  # "see the ZIP64 record"
    return data[:end] + record + locator + bytes(tail)


def _many_members(path, count: int) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(count):
            archive.writestr(f"member_{i:05}.npy", b"")


@pytest.mark.parametrize("comment", [b"", b"PK\x05\x06 and more words than an end record"])
def test_a_huge_zip_directory_is_refused_before_zipfile_reads_it(tmp_path, comment, monkeypatch):
    path = tmp_path / "crowded.playground"
    _many_members(path, 2000)  # 2000 entries: over 100 KB of directory
    path.write_bytes(_with_comment(path.read_bytes(), comment))

    def never(*args, **kwargs):
        raise AssertionError("ZipFile was asked to parse the directory")

    monkeypatch.setattr(experiment.zipfile, "ZipFile", never)
    _refused(path, "its ZIP directory is far larger than an experiment's")


def test_a_zip64_record_claiming_a_huge_directory_is_refused(tmp_path, good_bytes):
    path = tmp_path / "zip64.playground"
    path.write_bytes(_with_zip64_claim(good_bytes, 10**9))
    _refused(path, "its ZIP directory is far larger than an experiment's")


def test_an_archive_comment_is_harmless(tmp_path, good_bytes, good_state):
    path = tmp_path / "commented.playground"
    path.write_bytes(_with_comment(good_bytes, b"written by hand"))
    assert _states_equal(load_experiment(path), good_state)


UNPICKLED = []


class _Tripwire:
    def __reduce__(self):
        return (UNPICKLED.append, ("unpickled!",))


def test_a_pickled_object_array_is_never_unpickled(tmp_path):
    doc, arrays = _document_and_arrays()
    arrays["params.npy"] = _npy_bytes(np.array([_Tripwire()], dtype=object), allow_pickle=True)
    _refused(_write_raw(tmp_path / "pickle.playground", doc, arrays), "float64 and int64")
    assert UNPICKLED == []


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"version": 3}, "newer Neural Playground (format version 3"),
        ({"version": "1"}, "format version is missing"),
        ({"version": None}, "format version is missing"),
        ({"format": "neural-playground-parameters"}, "not a Neural Playground experiment"),
        ({"state": None}, "lacks the state"),
        ({"extra": []}, "malformed extra"),
        ({"app_version": 3}, "which app version"),
    ],
)
def test_wrong_formats_and_versions_are_refused(tmp_path, change, match):
    doc, arrays = _document_and_arrays()
    doc.update(change)
    _refused(_write_raw(tmp_path / "v.playground", doc, arrays), match)


def test_missing_and_misused_members_are_refused(tmp_path):
    doc, arrays = _document_and_arrays()
    _refused(
        _write_raw(tmp_path / "a.playground", doc, arrays, drop=["optimizer/m.npy"]),
        "optimizer/m.npy' is missing",
    )
    _refused(_write_raw(tmp_path / "b.playground", None, arrays), "no experiment.json")
    doc["state"]["optimizer"]["v"] = {"$npy": "optimizer/m.npy"}
    _refused(_write_raw(tmp_path / "c.playground", doc, arrays), "for two arrays")
    doc["state"]["optimizer"]["v"] = {"$npy": "../etc/passwd"}
    _refused(_write_raw(tmp_path / "d.playground", doc, arrays), "not a plain .npy name")
    _refused(_write_raw(tmp_path / "e.playground", doc, arrays, text="{not json"))
    _refused(_write_raw(tmp_path / "f.playground", doc, arrays, text='{"version": NaN}'), "NaN")
    (tmp_path / "g.playground").write_text("just text")
    _refused(tmp_path / "g.playground", "not a zip file")


@pytest.mark.parametrize(
    ("place", "value", "match"),
    [
        (("params",), np.full(STATE["params"].shape, np.nan), "params must hold only finite"),
        (("params",), np.zeros(3), "params must have shape"),
        (("optimizer", "v"), -np.ones(STATE["params"].shape), "cannot be negative"),
        (("dataset", "y_train"), np.full(STATE["dataset"]["y_train"].shape, 7), "class indices"),
        (("dataset", "x_test"), np.full((3, 2), np.inf), "finite"),
        (("order",), np.zeros(STATE["order"].shape, np.int64), "permutation"),
        (("history",), np.zeros((2, 5)), "history must hold rising epochs"),
        (("cursor",), 10**6, "cursor must be below"),
        (("epoch",), -1, "epoch must be a whole number"),
        (("epoch_lr",), None, "epoch_lr must be a finite number"),
        (("shuffle_rng", "bit_generator"), "MT19937", "PCG64"),
        (("diverged",), True, "one-line message"),
        (("checkpoint", "steps"), 10**9, "checkpoint steps must not exceed"),
        (("config", "lr"), -1, "lr must be a number"),
        (("config", "hidden"), [0], "hidden layer size"),
        (("config", "hidden"), [7], "params must have shape"),
        (("config", "dataset"), "nope", "dataset must be one of"),
        (("config", "optimizer"), "sgd", "sgd state needs no entries"),
        (("config", "surprise"), 1, "unknown configuration option"),
    ],
)
def test_bad_states_in_a_file_are_refused(tmp_path, place, value, match):
    state = copy.deepcopy(STATE)
    node = state
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value
    doc, arrays = _document_and_arrays(state)
    path = _write_raw(tmp_path / "bad.playground", doc, arrays)
    _refused(path, match)
    with pytest.raises(ValueError, match=match):  # the engine says the same without a file
        Trainer.from_state(state)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@FUZZ
@given(
    key=st.sampled_from([*sorted(STATE["config"]), "epoch", "steps", "cursor", "message"]),
    value=JSON_VALUES,
)
def test_any_json_value_in_a_file_is_refused_or_works(fuzz_path, key, value):
    doc, arrays = _document_and_arrays()
    target = doc["state"] if key in doc["state"] else doc["state"]["config"]
    target[key] = value
    _write_raw(fuzz_path, doc, arrays, text=json.dumps(doc))  # NaN / Infinity included
    try:
        state = load_experiment(fuzz_path)
    except ExperimentFileError as exc:
        assert "\n" not in str(exc) and str(fuzz_path) in str(exc)
    else:  # a value that happens to be valid: the trainer builds and trains
        trainer = Trainer.from_state(state)
        assert trainer.step(1) in (True, False)


# --- Trainer.from_state checks everything before it builds anything --------------------


ARRAY_VALUES = st.sampled_from(
    [
        np.zeros(0), np.zeros((2, 2)), np.array([np.nan]), np.zeros(3, np.int64),
        np.zeros(STATE["params"].shape, np.float32), np.array(["x"]), np.array([None], object),
        np.full(STATE["params"].shape, np.inf), np.arange(STATE["params"].size, dtype=float),
    ]
)  # fmt: skip


def _places(state, prefix=()):
    for key, value in state.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _places(value, (*prefix, key))


PLACES = sorted(_places(STATE))


@FUZZ
@given(place=st.sampled_from(PLACES), value=JSON_VALUES | ARRAY_VALUES, drop=st.booleans())
def test_from_state_raises_one_value_error_and_changes_nothing(place, value, drop):
    state = copy.deepcopy(STATE)
    node = state
    for key in place[:-1]:
        node = node[key]
    if drop:
        del node[place[-1]]
    else:
        node[place[-1]] = value
    before = copy.deepcopy(state)
    try:
        trainer = Trainer.from_state(state)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert trainer.step(1) in (True, False)
    assert _states_equal(state, before)  # the state given is left as it was


@pytest.mark.parametrize("place", [("params",), ("history",), ("config",), ("shuffle_rng",)])
def test_a_bad_state_builds_no_trainer(monkeypatch, place):
    built = []
    original = Trainer._build
    monkeypatch.setattr(Trainer, "_build", lambda self, *a: built.append(1) or original(self, *a))
    state = dict(STATE)
    state[place[0]] = "broken"
    with pytest.raises(ValueError):
        Trainer.from_state(state)
    assert built == []
    Trainer.from_state(STATE)
    assert built == [1]


def test_the_documented_experiment_snippet_reads_a_saved_file(tmp_path, monkeypatch, capsys):
    import re
    from pathlib import Path

    from playground import Config, Trainer
    from playground.io.experiment import save_experiment

    doc = (Path(__file__).resolve().parent.parent / "docs" / "file-formats.md").read_text()
    (snippet,) = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if ".playground" in b]
    trainer = Trainer(Config(dataset="spiral", hidden=(4,)))
    trainer.train(3)
    monkeypatch.chdir(tmp_path)
    save_experiment("spiral.playground", trainer.state_dict())
    exec(snippet, {})
    assert capsys.readouterr().out.split() == ["3", "[4]", "(250,", "2)"]


# --- as strict as the parameter formats: no unused member, no repeated key ------------------


def test_a_member_no_part_of_the_state_uses_is_refused(tmp_path):
    doc, arrays = _document_and_arrays()
    arrays["stowaway.npy"] = np.zeros(3)
    _refused(_write_raw(tmp_path / "extra.playground", doc, arrays), "'stowaway.npy' that no part")
    arrays.pop("stowaway.npy")
    arrays["notes.txt"] = b"hello"
    _refused(_write_raw(tmp_path / "text.playground", doc, arrays), "'notes.txt' that no part")


@pytest.mark.parametrize(
    ("old", "new"),
    [('"version": 2', '"version": 2, "version": 2'),  # the same value twice is still twice
     ('"epoch": ', '"epoch": 0, "epoch": '),
     ('"lr": ', '"lr": 0.5, "lr": '),
     ('"extra": {}', '"extra": {"a": 1, "a": 2}')],
)  # fmt: skip
def test_a_key_twice_in_one_object_is_refused(tmp_path, old, new):
    doc, arrays = _document_and_arrays()
    text = json.dumps(doc)
    assert text.count(old) == 1
    path = _write_raw(tmp_path / "twice.playground", doc, arrays, text=text.replace(old, new))
    _refused(path, "twice in one object")


def test_experiment_json_nested_deeply_is_refused_before_parsing(tmp_path):
    doc, arrays = _document_and_arrays()
    text = json.dumps(doc).replace('"extra": {}', '"extra": {"x": ' + "[" * 50_000 + "]" * 50_000)
    path = _write_raw(tmp_path / "deep.playground", doc, arrays, text=text[:-1] + "}}")
    _refused(path, "is nested 50,002 levels deep")


def test_an_extra_too_deep_to_reopen_is_not_saved(tmp_path):
    deep: dict = {}
    for _ in range(40):
        deep = {"x": deep}
    with pytest.raises(ExperimentFileError, match="nested more than"):
        save_experiment(tmp_path / "deep.playground", STATE, extra=deep)
    assert not (tmp_path / "deep.playground").exists()
