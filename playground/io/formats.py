"""Which files the app reads and writes, by suffix: one table for the command line,
the File menu and the loaders.  Qt-free, so the command line can import it at once.

Pictures (.png, .svg) are not here: the views draw them, and views/picture.py
holds their suffixes and default size.
"""

from __future__ import annotations

EXPERIMENT_SUFFIX = ".playground"  # a trainer's whole state (io/experiment.py)
# trained parameters (io/parameters.py), in the order messages and menus list them
PARAMETER_SUFFIXES = (".safetensors", ".onnx", ".npz", ".json")
# what `neural-playground FILE` and File > Open take
OPENABLE_SUFFIXES = (EXPERIMENT_SUFFIX, *PARAMETER_SUFFIXES)
DATA_SUFFIX = ".csv"  # points: x1, x2, label[, split] (io/data_csv.py)
LESSON_SUFFIX = ".lesson"  # a lesson: JSON (io/lesson_file.py)
# what the window opens (File > Open, a drop, its command line)
DROPPABLE_SUFFIXES = (*OPENABLE_SUFFIXES, DATA_SUFFIX, LESSON_SUFFIX)
