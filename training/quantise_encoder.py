"""Weight-only int8 quantisation of the exported encoder, in standard ONNX operators.

Why not `onnxruntime.quantization.quantize_dynamic`: dynamic quantisation also quantises the
activations, with one scale computed over the whole batch (padding included), so a comment's
embedding changed with the other comments in its batch (cosine 0.98 between the same text
scored alone and in a batch). A moderation decision must not depend on its batch-mates.
Weight-only quantisation stores every large weight as int8 with a per-channel (per-row for the
embedding table) float scale and computes in float32, so results are identical whatever the
batch, the file is a quarter of the size, and the quality loss is negligible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_ELEMENTS = 4096


def _int8_per_axis(weights: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per slice along `axis`; zero slices get scale 1."""
    reduce_axes = tuple(i for i in range(weights.ndim) if i != axis)
    peak = np.abs(weights).max(axis=reduce_axes)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    shape = [1] * weights.ndim
    shape[axis] = -1
    quantised = np.clip(np.rint(weights / scale.reshape(shape)), -127, 127).astype(np.int8)
    return quantised, scale


def quantise(fp32_path: Path, out_path: Path) -> Path:
    """Rewrite MatMul weights as DequantizeLinear(int8) and the embedding Gathers as int8 rows."""
    model = onnx.load(str(fp32_path))
    graph = model.graph
    initialisers = {init.name: init for init in graph.initializer}
    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1

    new_nodes: list[onnx.NodeProto] = []
    replaced: set[str] = set()
    added: list[onnx.TensorProto] = []
    for node in graph.node:
        if node.op_type not in ("MatMul", "Gather"):
            new_nodes.append(node)
            continue
        weight_name = node.input[1] if node.op_type == "MatMul" else node.input[0]
        init = initialisers.get(weight_name)
        usable = (
            init is not None
            and init.data_type == TensorProto.FLOAT
            and len(init.dims) == 2
            and int(np.prod(init.dims)) >= MIN_ELEMENTS
            and consumers.get(weight_name, 0) == 1
        )
        if not usable or init is None:
            new_nodes.append(node)
            continue
        weights = numpy_helper.to_array(init)
        replaced.add(weight_name)
        if node.op_type == "MatMul":
            q, scale = _int8_per_axis(weights, axis=1)
            added += [
                numpy_helper.from_array(q, weight_name + "_int8"),
                numpy_helper.from_array(scale, weight_name + "_scale"),
            ]
            deq = weight_name + "_dequantised"
            new_nodes.append(
                helper.make_node(
                    "DequantizeLinear",
                    [weight_name + "_int8", weight_name + "_scale"],
                    [deq],
                    axis=1,
                    name=node.name + "_dequantise",
                )
            )
            new_nodes.append(
                helper.make_node("MatMul", [node.input[0], deq], list(node.output), name=node.name)
            )
        else:
            axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
            if axis != 0:
                new_nodes.append(node)
                replaced.discard(weight_name)
                continue
            q, scale = _int8_per_axis(weights, axis=0)
            added += [
                numpy_helper.from_array(q, weight_name + "_int8"),
                numpy_helper.from_array(scale, weight_name + "_scale"),
            ]
            rows, row_scales, rows_f = (f"{node.name}_{s}" for s in ("rows", "scales", "rows_f"))
            scales_col = node.name + "_scales_col"
            minus_one = node.name + "_minus_one"
            added.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), minus_one))
            new_nodes += [
                helper.make_node("Gather", [weight_name + "_int8", node.input[1]], [rows]),
                helper.make_node("Gather", [weight_name + "_scale", node.input[1]], [row_scales]),
                helper.make_node("Cast", [rows], [rows_f], to=TensorProto.FLOAT),
                helper.make_node("Unsqueeze", [row_scales, minus_one], [scales_col]),
                helper.make_node("Mul", [rows_f, scales_col], list(node.output), name=node.name),
            ]

    kept = [init for init in graph.initializer if init.name not in replaced]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    del graph.node[:]
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(out_path))
    return out_path
