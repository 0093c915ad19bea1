"""Writing a trained model as an HF folder: safetensors by hand, config.json, generation_config.json, and the
parity fixture computed from the weights exactly as stored."""
import json
import os
import struct

import numpy as np
import torch

_DTYPE = {torch.bfloat16: "BF16", torch.float16: "F16", torch.float32: "F32"}


def stored_state(model, dtype=torch.bfloat16):
    """The checkpoint tensors: every parameter rounded (round-to-nearest-even) to `dtype`, HF names, in order."""
    return {name: p.detach().to(dtype).contiguous() for name, p in model.named_parameters()}


def write_safetensors(path, tensors, metadata=None):
    """8-byte LE header length, JSON header (dtype, shape, data_offsets; __metadata__) padded with spaces to a
    multiple of 8, then the raw little-endian data in header order."""
    header = {"__metadata__": dict(metadata or {}, format="pt")}
    blobs, off = [], 0
    for name, t in tensors.items():
        code = _DTYPE[t.dtype]
        raw = _raw(t)
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def _raw(t):
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    return t.numpy().astype("<f4").tobytes()


def read_safetensors(path):
    """{name: fp32 tensor} (a self-check of write_safetensors)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        buf = data[a:b]
        if info["dtype"] == "BF16":
            x = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            arr = x.view(np.float32)
        elif info["dtype"] == "F16":
            arr = np.frombuffer(buf, dtype="<f2").astype(np.float32)
        else:
            arr = np.frombuffer(buf, dtype="<f4").copy()
        out[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return out


def hf_config(c, tok, torch_dtype="bfloat16"):
    common = {
        "vocab_size": c.vocab_size, "hidden_size": c.hidden_size, "intermediate_size": c.intermediate_size,
        "num_hidden_layers": c.num_hidden_layers, "num_attention_heads": c.num_attention_heads,
    }
    eot, eos = tok.special_ids["<|endoftext|>"], tok.special_ids["<|im_end|>"]
    tail = {
        "max_position_embeddings": c.max_position_embeddings, "rope_theta": c.rope_theta,
        "rms_norm_eps": c.rms_norm_eps, "tie_word_embeddings": True, "attention_bias": False, "mlp_bias": False,
        "torch_dtype": torch_dtype, "initializer_range": 0.02, "bos_token_id": eot, "eos_token_id": eos,
        "pad_token_id": eot, "rope_scaling": None, "attention_dropout": 0.0, "use_cache": True,
    }
    if c.family == "plm":
        return {"architectures": ["PLMForCausalLM"], "model_type": "plm", **common,
                "num_key_value_heads": c.num_attention_heads, "q_lora_rank": None,
                "kv_lora_rank": c.kv_lora_rank, "qk_nope_head_dim": c.qk_nope_head_dim,
                "qk_rope_head_dim": c.qk_rope_head_dim, "v_head_dim": c.v_head_dim, "hidden_act": "relu2",
                "rope_interleave": True, **tail}
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **common,
            "num_key_value_heads": c.num_key_value_heads, "head_dim": c.head_dim, "hidden_act": "silu",
            "pretraining_tp": 1, **tail}


def generation_config(c, tok):
    eot, eos = tok.special_ids["<|endoftext|>"], tok.special_ids["<|im_end|>"]
    return {"bos_token_id": eot, "eos_token_id": [eos, eot], "pad_token_id": eot, "do_sample": True,
            "temperature": 0.8, "top_k": 40, "max_length": c.max_position_embeddings}


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


PARITY_TEXTS = [
    "In the beginning God created the heaven and the earth.",
    "1:1 The LORD is my shepherd; I shall not want.",
    "And Jesus answered and said unto them, Verily I say unto you,",
]


def parity_prompts(tok):
    """Fixed prompts as token ids: three plain texts and one ChatML prompt that uses the special tokens."""
    sp = tok.special_ids
    prompts = [{"text": t, "ids": tok.encode(t)} for t in PARITY_TEXTS]
    chat = ([sp["<|im_start|>"]] + tok.encode("user\nWho made the earth?") + [sp["<|im_end|>"]]
            + tok.encode("\n") + [sp["<|im_start|>"]] + tok.encode("assistant\n"))
    prompts.append({"text": "<|im_start|>user\nWho made the earth?<|im_end|>\n<|im_start|>assistant\n",
                    "ids": chat})
    return prompts


@torch.no_grad()
def write_parity(model, tok, folder):
    """parity/ids.json and parity/logits.f32: fp32 logits of the stored (bf16-rounded) weights, every position of
    every prompt, concatenated [prompt][position][vocab], raw little-endian float32. The model must already hold
    the rounded weights. Also records how far fp32 is from a float64 evaluation of the same weights."""
    os.makedirs(folder, exist_ok=True)
    prompts = parity_prompts(tok)
    rows, off, entries = [], 0, []
    worst64 = 0.0
    m64 = _copy_as(model, torch.float64)
    for p in prompts:
        ids = torch.tensor([p["ids"]])
        logits = model(ids)[0].float()
        l64 = m64(ids)[0]
        worst64 = max(worst64, (logits.double() - l64).abs().max().item())
        rows.append(logits.numpy().astype("<f4"))
        entries.append({"text": p["text"], "ids": p["ids"], "row_offset": off, "rows": len(p["ids"]),
                        "argmax": logits.argmax(-1).tolist()})
        off += len(p["ids"])
    data = np.concatenate(rows, axis=0)
    data.tofile(os.path.join(folder, "logits.f32"))
    write_json(os.path.join(folder, "ids.json"), {
        "description": "fp32 logits from PyTorch on the weights as stored in model.safetensors (bf16 widened to "
                       "fp32); every position of every prompt; no BOS added; positions start at 0 per prompt",
        "file": "logits.f32", "dtype": "float32 little-endian", "layout": "[prompt][position][vocab] concatenated",
        "shape": [int(data.shape[0]), int(data.shape[1])], "vocab_size": int(data.shape[1]),
        "tolerance_max_abs": 1e-3, "max_abs_fp32_vs_fp64": worst64,
        "tokenizer_check": "each prompt's ids are what tokenizer.json gives for its 'text' (no special tokens "
                           "added; the ChatML prompt's <|im_start|>/<|im_end|> are matched as added tokens)",
        "prompts": entries,
    })
    return worst64


def _copy_as(model, dtype):
    import copy
    return copy.deepcopy(model).to(dtype)
