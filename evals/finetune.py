"""What the judge and reader training scripts share: the packaged MiniLM's lower layers run once (frozen, on
onnxruntime), its top layers trained in torch with the same arithmetic as the ONNX graph (``onnx_bert``), and the
SQuAD training articles read into sentences.

Only the trained top layers and a head are stored, as a delta over the packaged weights (``assistant.backends.packed``).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.backends.embeddings import _model_dir, weights_key
from assistant.backends.onnx_bert import build_bert_onnx
from assistant.backends.packed import pack
from assistant.text import normalize, sentence_spans

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad"
HIDDEN = 384
ALL_LAYERS = 6
_LINEAR = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
_NORMS = ("attention.output.LayerNorm", "output.LayerNorm")


def training_articles() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """SQuAD v1.1 dev articles 0-23 and the SQuAD v2.0 dev articles with the same titles (the training split)."""
    v11 = json.loads((DATA / "dev-v1.1.json").read_text(encoding="utf-8"))["data"][:24]
    titles = {a["title"] for a in v11}
    v20 = json.loads((DATA / "dev-v2.0.json").read_text(encoding="utf-8"))["data"]
    return v11, [a for a in v20 if a["title"] in titles]


def sentences(text: str) -> list[str]:
    """The sentences of a text as the index splits them (normalised)."""
    norm = normalize(text).text
    return [norm[a:b] for a, b in sentence_spans(norm)]


def frozen_states(encoded: Sequence[Any], scratch: Path, frozen_layers: int) -> list[np.ndarray]:
    """The output of the frozen lower layers for every encoded pair (float16, one [tokens, 384] array each)."""
    import onnxruntime

    path = scratch / f"frozen-{frozen_layers}.onnx"
    build_bert_onnx(_model_dir(), path, layers=frozen_layers, output="hidden")
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
    states: list[np.ndarray] = [np.zeros(0)] * len(encoded)
    began = time.perf_counter()
    for n, start in enumerate(range(0, len(order), 64)):
        batch = order[start : start + 64]
        width = max(len(encoded[i].ids) for i in batch)
        feed = {
            name: np.array([getattr(encoded[i], attr) + [0] * (width - len(encoded[i].ids)) for i in batch], np.int64)
            for name, attr in (
                ("input_ids", "ids"),
                ("attention_mask", "attention_mask"),
                ("token_type_ids", "type_ids"),
            )
        }
        hidden = session.run(None, feed)[0]
        for row, i in enumerate(batch):
            states[i] = hidden[row, : len(encoded[i].ids)].astype(np.float16)
        if n % 50 == 0:
            print(
                f"  frozen layers: {start + len(batch)}/{len(order)}, {time.perf_counter() - began:.0f} s",
                file=sys.stderr,
            )
    return states


def top_layers(weights: dict[str, np.ndarray], layers: Sequence[int]) -> Any:
    """The trainable top layers in torch: token states in, token states out."""
    import torch
    from torch import nn

    class Top(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.params = nn.ParameterDict()
            for layer in layers:
                for name in (*_LINEAR, *_NORMS):
                    for part in ("weight", "bias"):
                        key = f"encoder.layer.{layer}.{name}.{part}"
                        self.params[key.replace(".", "__")] = nn.Parameter(torch.tensor(weights[key]))
            self.drop = nn.Dropout(0.1)

        def w(self, key: str) -> Any:
            return self.params[key.replace(".", "__")]

        def forward(self, x: Any, mask: Any) -> Any:
            additive = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
            b, s, _ = x.shape
            for layer in layers:
                p = f"encoder.layer.{layer}"

                def lin(t: Any, name: str, p: str = p) -> Any:
                    return t @ self.w(f"{p}.{name}.weight").T + self.w(f"{p}.{name}.bias")

                def ln(t: Any, name: str, p: str = p) -> Any:
                    w, bias = self.w(f"{p}.{name}.weight"), self.w(f"{p}.{name}.bias")
                    return nn.functional.layer_norm(t, (HIDDEN,), w, bias, eps=1e-12)

                def heads(t: Any) -> Any:
                    return t.view(b, s, 12, 32).transpose(1, 2)

                q, k, v = (heads(lin(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
                probs = torch.softmax(q @ k.transpose(-1, -2) / 32**0.5 + additive, dim=-1)
                context = (self.drop(probs) @ v).transpose(1, 2).reshape(b, s, HIDDEN)
                attended = ln(self.drop(lin(context, "attention.output.dense")) + x, "attention.output.LayerNorm")
                inner = nn.functional.gelu(lin(attended, "intermediate.dense"))
                x = ln(self.drop(lin(inner, "output.dense")) + attended, "output.LayerNorm")
            return x

        def delta(self) -> dict[str, np.ndarray]:
            """The trained tensors under their packaged names."""
            return {k.replace("__", "."): v.detach().numpy().astype(np.float32) for k, v in self.params.items()}

    return Top()


def length_batches(lengths: Sequence[int], size: int, rng: random.Random | None) -> Iterator[list[int]]:
    """Indices in batches of similar length (shuffled batch order when ``rng`` is given)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if rng:
        rng.shuffle(chunks)
    yield from chunks


def padded(states: Sequence[np.ndarray], chunk: Sequence[int]) -> tuple[Any, Any]:
    """A batch of frozen states as torch tensors [batch, width, 384] and its mask [batch, width]."""
    import torch

    width = max(len(states[i]) for i in chunk)
    x = np.zeros((len(chunk), width, HIDDEN), np.float32)
    mask = np.zeros((len(chunk), width), np.float32)
    for row, i in enumerate(chunk):
        x[row, : len(states[i])] = states[i]
        mask[row, : len(states[i])] = 1.0
    return torch.from_numpy(x), torch.from_numpy(mask)


def warmup_then_linear(optimizer: Any, steps: int, warmup: int = 100) -> Any:
    import torch

    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, 1 - step / max(1, steps))
    )


def fit(
    model: Any,
    optimizer: Any,
    states: Sequence[np.ndarray],
    epochs: int,
    batch_loss: Callable[[list[int], Any, Any], Any],
    rng: random.Random,
    began: float,
    every: int = 100,
) -> None:
    """The training loop both scripts use: batches of 32 frozen states of similar length, warm-up then linear
    decay, ``batch_loss(indices, states, mask)`` minimised, progress on stderr every ``every`` batches."""
    schedule = warmup_then_linear(optimizer, epochs * ((len(states) + 31) // 32))
    lengths = [len(s) for s in states]
    for epoch in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for n, chunk in enumerate(length_batches(lengths, 32, rng)):
            x, mask = padded(states, chunk)
            loss = batch_loss(chunk, x, mask)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total, seen = total + loss.item() * len(chunk), seen + len(chunk)
            if n % every == 0:
                print(
                    f"  epoch {epoch + 1}: {seen}/{len(states)}, loss {total / seen:.4f}, "
                    f"{time.perf_counter() - began:.0f} s",
                    file=sys.stderr,
                )
    model.eval()


def save_artifact(
    out: Path,
    name: str,
    version: int,
    delta: dict[str, np.ndarray],
    head: tuple[str, Any],
    packaged: dict[str, np.ndarray],
    scratch: Path,
    **meta: Any,
) -> dict[str, Any]:
    """Write ``<name>-v<version>.safetensors`` (the trained layers, packed as differences from the ``packaged``
    weights that ``prepare`` loaded, and the head) and its metadata; remove the scratch folder. Returns the
    metadata."""
    from safetensors.numpy import save_file

    prefix, layer = head
    delta[f"{prefix}.weight"] = layer.weight.detach().numpy()
    delta[f"{prefix}.bias"] = layer.bias.detach().numpy()
    stem = f"{name}-v{version}"
    save_file(pack(delta, packaged), str(out / f"{stem}.safetensors"))
    base = {"version": version, "base_model": "all-MiniLM-L6-v2"}
    written = {**base, "base_weights": weights_key(_model_dir() / "model.safetensors", scratch), **meta}
    (out / f"{stem}.json").write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    for leftover in scratch.iterdir():
        leftover.unlink()
    scratch.rmdir()
    return written


def prepare(seed: int, out: Path, scratch_name: str) -> tuple[random.Random, float, dict[str, np.ndarray], Path]:
    """A training run's start: seeds set, two torch threads, the clock, the packaged weights, a scratch folder."""
    import torch
    from safetensors.numpy import load_file

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    out.mkdir(parents=True, exist_ok=True)
    scratch = out / scratch_name
    scratch.mkdir(exist_ok=True)
    return random.Random(seed), time.perf_counter(), load_file(str(_model_dir() / "model.safetensors")), scratch
