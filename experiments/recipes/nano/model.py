"""Two small decoder-only models in plain PyTorch, written from the equations, not from any port's code.

PLM (see ../shared/reference/plm.md, "Forward pass"): Multi-head Latent Attention without query compression,
squared-ReLU MLP, tied embeddings, interleaved RoPE on the rope part of each head.

Llama peer: grouped-query attention, SwiGLU MLP, RoPE on NeoX halves (HF Llama's rotate_half convention).

Parameter names are the HF checkpoint names, so `state_dict()` is the checkpoint (minus tied lm_head).
Everything runs in fp32; the checkpoint stores bf16 (see export.py).
"""
import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class PlmConfig:
    vocab_size: int = 4096
    hidden_size: int = 256
    intermediate_size: int = 1024
    num_hidden_layers: int = 6
    num_attention_heads: int = 8
    kv_lora_rank: int = 64
    qk_nope_head_dim: int = 32
    qk_rope_head_dim: int = 16
    v_head_dim: int = 32
    max_position_embeddings: int = 256
    rope_theta: float = 100000.0
    rms_norm_eps: float = 1e-6
    family: str = field(default="plm", init=False)


@dataclass
class LlamaConfig:
    vocab_size: int = 4096
    hidden_size: int = 256
    intermediate_size: int = 768
    num_hidden_layers: int = 6
    num_attention_heads: int = 8
    num_key_value_heads: int = 2
    head_dim: int = 32
    max_position_embeddings: int = 256
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    family: str = field(default="llama", init=False)


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x^2) + eps) * weight, computed in fp32."""

    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        x32 = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * self.weight


def rope_angles(positions, dim, theta, dtype=torch.float32):
    """angle[t, i] = pos_t * theta^(-2i/dim) for i in 0..dim/2-1; shape [T, dim/2] (computed in float64)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    return (positions.to(torch.float64)[:, None] * inv_freq[None, :]).to(dtype)


def rope_interleaved(x, angles):
    """PLM / llama.cpp NORM convention: rotate adjacent pairs (x[2i], x[2i+1]) by angle i. x: [B, T, H, dim]."""
    cos = angles.cos()[None, :, None, :]
    sin = angles.sin()[None, :, None, :]
    x_even, x_odd = x[..., 0::2], x[..., 1::2]
    out_even = x_even * cos - x_odd * sin
    out_odd = x_even * sin + x_odd * cos
    return torch.stack((out_even, out_odd), dim=-1).flatten(-2)


def rope_halves(x, angles):
    """HF Llama / NeoX convention: rotate pairs (x[i], x[i + dim/2]) by angle i. x: [B, T, H, dim]."""
    cos = angles.cos()[None, :, None, :]
    sin = angles.sin()[None, :, None, :]
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)


def causal_attention(q, k, v, scale):
    """q, k: [B, T, H, dk], v: [B, T, H, dv] -> [B, T, H*dv]; softmax(q k^T * scale) over j <= i."""
    B, T, H, _ = q.shape
    scores = torch.einsum("bihd,bjhd->bhij", q, k) * scale
    mask = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)
    scores = scores.masked_fill(mask, float("-inf"))
    p = scores.softmax(dim=-1)
    return torch.einsum("bhij,bjhd->bihd", p, v).reshape(B, T, H * v.shape[-1])


class MlaAttention(nn.Module):
    """plm.md steps 2-8. Caches would hold only [c ; RoPE(k_rope)]; training expands K and V per head."""

    def __init__(self, c: PlmConfig):
        super().__init__()
        self.c = c
        H, nope, rope, vd = c.num_attention_heads, c.qk_nope_head_dim, c.qk_rope_head_dim, c.v_head_dim
        self.q_proj = nn.Linear(c.hidden_size, H * (nope + rope), bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(c.hidden_size, c.kv_lora_rank + rope, bias=False)
        self.kv_a_layernorm = RMSNorm(c.kv_lora_rank, c.rms_norm_eps)
        self.kv_b_proj = nn.Linear(c.kv_lora_rank, H * (nope + vd), bias=False)
        self.o_proj = nn.Linear(H * vd, c.hidden_size, bias=False)

    def forward(self, x, angles):
        c = self.c
        B, T, _ = x.shape
        H, nope, rope, vd = c.num_attention_heads, c.qk_nope_head_dim, c.qk_rope_head_dim, c.v_head_dim
        q = self.q_proj(x).view(B, T, H, nope + rope)                 # 2. per head [q_nope ; q_rope]
        q_nope, q_rope = q[..., :nope], q[..., nope:]
        kv_a = self.kv_a_proj_with_mqa(x)                              # 3. [c ; k~]
        latent, k_shared = kv_a[..., :c.kv_lora_rank], kv_a[..., c.kv_lora_rank:]
        latent = self.kv_a_layernorm(latent)                           # 4. norm on c only
        kv = self.kv_b_proj(latent).view(B, T, H, nope + vd)           # 5. per head [k_nope ; v]
        k_nope, v = kv[..., :nope], kv[..., nope:]
        q_rope = rope_interleaved(q_rope, angles)                      # 6. RoPE, adjacent pairs
        k_rope = rope_interleaved(k_shared.view(B, T, 1, rope), angles).expand(B, T, H, rope)
        q = torch.cat((q_nope, q_rope), dim=-1)                        # 7. scale 1/sqrt(nope + rope)
        k = torch.cat((k_nope, k_rope), dim=-1)
        o = causal_attention(q, k, v, 1.0 / math.sqrt(nope + rope))
        return self.o_proj(o)                                          # 8.


class SquaredReluMlp(nn.Module):
    """down((max(0, up x))^2); no gate. `record` collects the exact-zero fraction of the activations."""

    def __init__(self, hidden, inter):
        super().__init__()
        self.up_proj = nn.Linear(hidden, inter, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)
        self.record = None

    def forward(self, x):
        a = F.relu(self.up_proj(x)).square()
        if self.record is not None:
            self.record.append(((a == 0).sum().item(), a.numel()))
        return self.down_proj(a)


class GqaAttention(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.c = c
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * c.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * c.head_dim, c.hidden_size, bias=False)

    def forward(self, x, angles):
        c = self.c
        B, T, _ = x.shape
        H, KV, D = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        q = rope_halves(self.q_proj(x).view(B, T, H, D), angles)
        k = rope_halves(self.k_proj(x).view(B, T, KV, D), angles)
        v = self.v_proj(x).view(B, T, KV, D)
        k = k.repeat_interleave(H // KV, dim=2)  # query head h uses kv head h // (H / KV), as HF repeat_kv
        v = v.repeat_interleave(H // KV, dim=2)
        return self.o_proj(causal_attention(q, k, v, 1.0 / math.sqrt(D)))


class SwiGluMlp(nn.Module):
    """down(silu(gate x) * up x). `record` collects the exact-zero fraction of silu(gate x) * up x."""

    def __init__(self, hidden, inter):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, inter, bias=False)
        self.up_proj = nn.Linear(hidden, inter, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)
        self.record = None

    def forward(self, x):
        a = F.silu(self.gate_proj(x)) * self.up_proj(x)
        if self.record is not None:
            self.record.append(((a == 0).sum().item(), a.numel()))
        return self.down_proj(a)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        if c.family == "plm":
            self.self_attn = MlaAttention(c)
            self.mlp = SquaredReluMlp(c.hidden_size, c.intermediate_size)
        else:
            self.self_attn = GqaAttention(c)
            self.mlp = SwiGluMlp(c.hidden_size, c.intermediate_size)

    def forward(self, h, angles):
        h = h + self.self_attn(self.input_layernorm(h), angles)        # 1-8
        return h + self.mlp(self.post_attention_layernorm(h))          # 9


class Inner(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class CausalLM(nn.Module):
    """Both families; the output head is the embedding matrix (tied), as in PLM. The llama peer ties too."""

    def __init__(self, c, seed=0):
        super().__init__()
        self.config = c
        self.model = Inner(c)
        self.rope_dim = c.qk_rope_head_dim if c.family == "plm" else c.head_dim
        g = torch.Generator().manual_seed(seed)
        std = 0.02
        resid_std = std / math.sqrt(2 * c.num_hidden_layers)  # GPT-2 style scaling of residual-branch outputs
        for name, p in self.named_parameters():
            if p.dim() == 1:
                continue  # norm weights stay 1
            s = resid_std if name.endswith(("o_proj.weight", "down_proj.weight")) else std
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * s)

    def forward(self, ids):
        T = ids.shape[1]
        h = self.model.embed_tokens(ids)
        angles = rope_angles(torch.arange(T), self.rope_dim, self.config.rope_theta, h.dtype)
        for layer in self.model.layers:
            h = layer(h, angles)
        return self.model.norm(h) @ self.model.embed_tokens.weight.t()  # 10. tied head

    def mlps(self):
        return [layer.mlp for layer in self.model.layers]


def count_params(m):
    return sum(p.numel() for p in m.parameters())
