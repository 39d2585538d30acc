"""A trained delta stored small: each trained matrix as its difference from the packaged MiniLM weights, quantised
per row to a few bits; vectors (biases, layer norms, the head) stay float16.

Fine-tuning moves the weights a little (the difference's spread is about a twentieth of the weights'), so it needs
far fewer bits than the weights themselves. Six trained layers take 5.5 MB at 4 bits and 4.1 MB at 3 bits, against
21 MB in float16; ``python -m evals.pack`` prints what a form costs on the reader's check questions, and the
readers' metadata keeps those figures.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

SCALE = ".diff_scale"  # the step of each row
QUANT = re.compile(r"\.diff_q(\d)$")  # the difference in steps of that many bits, packed little-end first
BITS = 4


def is_packed(stored: dict[str, Any]) -> bool:
    return any(QUANT.search(name) for name in stored)


def pack(trained: dict[str, np.ndarray], base: dict[str, np.ndarray], bits: int = BITS) -> dict[str, np.ndarray]:
    """The stored form of trained tensors: matrices of the packaged model as quantised differences."""
    levels = 2 ** (bits - 1) - 1  # 4 bits: steps -7..7, stored as 1..15
    stored: dict[str, np.ndarray] = {}
    for name, value in trained.items():
        if value.ndim != 2 or name not in base:
            stored[name] = value.astype(np.float16)
            continue
        diff = value.astype(np.float32) - base[name].astype(np.float32)
        step = np.abs(diff).max(axis=1) / levels
        step[step == 0] = 1.0
        codes = (np.clip(np.rint(diff / step[:, None]), -levels, levels) + levels + 1).astype(np.uint8)
        planes = np.unpackbits(codes[..., None], axis=-1, bitorder="little")[..., :bits]
        stored[f"{name}.diff_q{bits}"] = np.packbits(planes.reshape(len(codes), -1), axis=-1, bitorder="little")
        stored[name + SCALE] = step.astype(np.float32)
    return stored


def unpack(stored: dict[str, Any], base: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The trained tensors (float32) back from their stored form."""
    tensors: dict[str, np.ndarray] = {}
    for name, value in stored.items():
        if name.endswith(SCALE):
            continue
        quantised = QUANT.search(name)
        if not quantised:
            tensors[name] = value.astype(np.float32)
            continue
        key, bits = name[: quantised.start()], int(quantised.group(1))
        columns = base[key].shape[1]
        planes = np.unpackbits(value, axis=-1, count=columns * bits, bitorder="little").reshape(-1, columns, bits)
        codes = planes.astype(np.int16) @ (1 << np.arange(bits, dtype=np.int16))
        tensors[key] = base[key].astype(np.float32) + (codes - 2 ** (bits - 1)) * stored[key + SCALE][:, None]
    return tensors
