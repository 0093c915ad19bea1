"""Cross-check of model.py's PLM forward pass against the shared tiny-PLM fixture (llama.cpp F32 and numpy
reference logits, ../shared/fixtures/gguf). Exits non-zero on a mismatch.

    /usr/bin/python3 experiments/recipes/nano/check_fixture.py [fixture dir]
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import model as M  # noqa: E402


def main():
    # ../shared beside the repository (as on developers' machines and in CI)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "fixtures", "gguf")
    if not os.path.isdir(root):
        print("fixture not found at %s: skipped" % root)
        return 0
    cfg_json = json.load(open(os.path.join(root, "hf", "config.json")))
    keys = ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim", "max_position_embeddings",
            "rope_theta", "rms_norm_eps"]
    cfg = M.PlmConfig(**{k: cfg_json[k] for k in keys})
    m = M.CausalLM(cfg)
    m.load_state_dict(export.read_safetensors(os.path.join(root, "hf", "model.safetensors")))
    ids = json.load(open(os.path.join(root, "logits", "logits.json")))["ids"] if os.path.exists(
        os.path.join(root, "logits", "logits.json")) else None
    ids = ids or [300, 17, 42, 255, 0, 128, 64, 480, 3, 42, 511, 7]
    worst = 0.0
    with torch.no_grad():
        for dtype, ref, tol in [(torch.float32, "llamacpp-F32.f32", 1e-4), (torch.float64, "numpy-F32weights.f32",
                                                                             1e-5)]:
            logits = m.to(dtype)(torch.tensor([ids]))[0].double().numpy()
            want = np.fromfile(os.path.join(root, "logits", ref), dtype="<f4").reshape(logits.shape)
            d = float(np.abs(logits - want).max())
            worst = max(worst, d / tol)
            print("model.py (%s) vs %s: max abs diff %.2e (tolerance %.0e)" % (str(dtype)[6:], ref, d, tol))
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
