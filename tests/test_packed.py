"""Trained deltas stored as quantised differences from the packaged weights: what comes back is close."""

from __future__ import annotations

import numpy as np

from assistant.backends.packed import SCALE, is_packed, pack, unpack


def test_matrices_come_back_within_half_a_step_and_vectors_as_float16():
    rng = np.random.default_rng(7)
    base = {"w": rng.normal(0, 0.05, (8, 6)).astype(np.float32), "b": np.zeros(6, np.float32)}
    trained = {
        "w": base["w"] + rng.normal(0, 0.003, (8, 6)).astype(np.float32),
        "b": rng.normal(0, 0.1, 6).astype(np.float32),
        "head.weight": rng.normal(0, 0.1, (2, 6)).astype(np.float32),  # not in the packaged model: kept whole
    }
    for bits, stored_width in ((4, 3), (3, 3), (2, 2)):  # a row of 6 steps: 24, 18 or 12 bits, in whole bytes
        stored = pack(trained, base, bits)
        quantised = f"w.diff_q{bits}"
        assert stored[quantised].dtype == np.uint8 and stored[quantised].shape == (8, stored_width)
        assert set(stored) == {quantised, "w" + SCALE, "b", "head.weight"} and is_packed(stored)
        back = unpack(stored, base)
        step = stored["w" + SCALE][:, None]
        assert np.all(np.abs(back["w"] - trained["w"]) <= step / 2 + 1e-7)
        assert np.allclose(back["b"], trained["b"], atol=1e-3) and back["head.weight"].dtype == np.float32
    assert not is_packed(trained)


def test_four_bits_keep_the_layout_of_two_steps_to_a_byte():
    """Readers packed before the bit width was a choice stored each byte as two 4-bit steps, low one first."""
    base = {"w": np.zeros((1, 4), np.float32)}
    stored = pack({"w": np.array([[7.0, -7.0, 0.0, 1.0]], np.float32)}, base, 4)
    assert stored["w.diff_q4"].tolist() == [[15 | (1 << 4), 8 | (9 << 4)]]


def test_an_unchanged_row_stays_exactly_the_packaged_one():
    base = {"w": np.ones((2, 4), np.float32)}
    trained = {"w": np.array([[1, 1, 1, 1], [1.5, 1, 0.5, 1]], np.float32)}
    back = unpack(pack(trained, base), base)
    assert np.array_equal(back["w"][0], base["w"][0]) and np.allclose(back["w"][1], trained["w"][1])
