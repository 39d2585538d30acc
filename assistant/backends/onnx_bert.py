"""An ONNX graph of a BERT sentence encoder (mean pooling, unit length) built straight from its safetensors weights.

This replaces a one-time ``torch.onnx.export``: the packaged MiniLM runs on onnxruntime without torch being
installed at all, and building the graph takes about a second. The graph is the standard BERT encoder
(HF ``BertModel``: post-norm layers, exact GELU, additive attention mask) followed by sentence-transformers'
mean pooling and L2 normalisation; a slow test checks its vectors against sentence-transformers on torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUTS = {"embedding": "embedding", "hidden": "hidden", "span": "span"}


def build_bert_onnx(
    model_dir: Path,
    target: Path,
    *,
    overrides: dict[str, Any] | None = None,
    layers: int | None = None,
    output: str = "embedding",
) -> None:
    """Write the encoder of ``model_dir`` (config.json + model.safetensors) as an ONNX model at ``target``.

    ``overrides`` replaces tensors by name (a fine-tuned delta, plus ``span_head.weight``/``span_head.bias``);
    ``layers`` stops after that many layers; ``output`` is "embedding" (mean-pooled, unit length, [batch, 384]),
    "hidden" (the last layer's token states, [batch, seq, 384]) or "span" (the linear ``span_head`` on every token:
    start and end logits, [batch, seq, 2]).
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    weights = {**load_file(str(model_dir / "model.safetensors")), **(overrides or {})}
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    head_size = hidden // heads
    initializers: list[Any] = []
    nodes: list[Any] = []
    counter = [0]

    def const(name: str, value: Any) -> str:
        initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        array = weights[name].astype(np.float32)
        return const(name, np.ascontiguousarray(array.T) if transpose else array)

    def op(kind: str, inputs: list[str], **attrs: Any) -> str:
        counter[0] += 1
        out = f"{kind.lower()}_{counter[0]}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        return op("Add", [op("MatMul", [x, weight(f"{prefix}.weight", transpose=True)]), weight(f"{prefix}.bias")])

    def layer_norm(x: str, prefix: str) -> str:
        return op("LayerNormalization", [x, weight(f"{prefix}.weight"), weight(f"{prefix}.bias")], axis=-1, epsilon=eps)

    # embeddings: words + token types + absolute positions 0..seq-1
    seq_len = op("Gather", [op("Shape", ["input_ids"]), const("one_index", np.array(1, dtype=np.int64))])
    positions = op("Range", [const("zero", np.array(0, dtype=np.int64)), seq_len, const("step", np.array(1, np.int64))])
    summed = op(
        "Add",
        [
            op(
                "Add",
                [
                    op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"]),
                    op("Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"]),
                ],
            ),
            op("Gather", [weight("embeddings.position_embeddings.weight"), positions]),
        ],
    )
    x = layer_norm(summed, "embeddings.LayerNorm")

    # additive mask: 0 where attended, the most negative float where padded, shaped [batch, 1, 1, seq]
    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    inverted = op("Sub", [const("one_float", np.array(1.0, dtype=np.float32)), mask])
    additive = op("Mul", [inverted, const("mask_min", np.array(np.finfo(np.float32).min, dtype=np.float32))])
    additive = op("Unsqueeze", [additive, const("axes_1_2", np.array([1, 2], dtype=np.int64))])
    split_heads = const("split_heads", np.array([0, 0, heads, head_size], dtype=np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(head_size), dtype=np.float32))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))

    for i in range(layers if layers is not None else int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}"
        q = op("Transpose", [op("Reshape", [linear(x, f"{p}.attention.self.query"), split_heads])], perm=[0, 2, 1, 3])
        k = op("Transpose", [op("Reshape", [linear(x, f"{p}.attention.self.key"), split_heads])], perm=[0, 2, 3, 1])
        v = op("Transpose", [op("Reshape", [linear(x, f"{p}.attention.self.value"), split_heads])], perm=[0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), additive])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        attended = layer_norm(
            op("Add", [linear(context, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm"
        )
        inner = linear(attended, f"{p}.intermediate.dense")
        gelu = op(
            "Mul",
            [
                op("Mul", [inner, half]),
                op("Add", [op("Erf", [op("Div", [inner, sqrt2])]), const(f"one_{i}", np.array(1.0, np.float32))]),
            ],
        )
        x = layer_norm(op("Add", [linear(gelu, f"{p}.output.dense"), attended]), f"{p}.output.LayerNorm")

    if output == "hidden":
        nodes.append(helper.make_node("Identity", [x], [OUTPUTS[output]]))
        shape: list[str | int | None] = ["batch", "sequence", hidden]
    elif output == "span":
        nodes.append(helper.make_node("Identity", [linear(x, "span_head")], ["span"]))
        shape = ["batch", "sequence", 2]
    else:  # mean over the attended tokens (sentence-transformers' pooling), then unit length
        mask3 = op("Unsqueeze", [mask, const("axis_last", np.array([-1], dtype=np.int64))])
        axis1 = const("axis_1", np.array([1], dtype=np.int64))
        total = op("ReduceSum", [op("Mul", [x, mask3]), axis1], keepdims=0)
        count = op("Clip", [op("ReduceSum", [mask3, axis1], keepdims=0), const("tiny", np.array(1e-9, np.float32))])
        pooled = op("Div", [total, count])
        norm = op("ReduceL2", [pooled], axes=[-1], keepdims=1)  # opset 17: ReduceL2 takes axes as an attribute
        floor = const("norm_floor", np.array(1e-12, np.float32))
        nodes.append(helper.make_node("Div", [pooled, op("Clip", [norm, floor])], [OUTPUTS[output]]))
        shape = ["batch", hidden]

    graph = helper.make_graph(
        nodes,
        "sentence_encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"]) for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUTS[output], TensorProto.FLOAT, shape)],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="doc-assistant")
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
