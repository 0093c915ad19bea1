"""Builds the nano model zoo from scratch: KJV corpus -> byte-level BPE -> plm-nano, plm-nano-cosine, llama-nano.

    /usr/bin/python3 zoo.py [--smoke] [--out DIR] [--only NAME ...]

Normally run through make_nano_zoo.sh (which installs the Debian packages first and sets the thread variables).
"""
import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # must precede `import torch`; see README (threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import bpe  # noqa: E402
import corpus  # noqa: E402
import export  # noqa: E402
import model as M  # noqa: E402
import train as T  # noqa: E402
from schedule import Schedule  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

FULL = dict(
    vocab=4096, seq_len=256, batch=16, steps=900, val_every=75,
    plm=dict(hidden_size=256, intermediate_size=1024, num_hidden_layers=6, num_attention_heads=8,
             kv_lora_rank=64, qk_nope_head_dim=32, qk_rope_head_dim=16, v_head_dim=32),
    llama=dict(hidden_size=256, intermediate_size=768, num_hidden_layers=6, num_attention_heads=8,
               num_key_value_heads=2, head_dim=32),
)
SMOKE = dict(
    vocab=512, seq_len=64, batch=8, steps=20, val_every=10,
    plm=dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
             kv_lora_rank=32, qk_nope_head_dim=16, qk_rope_head_dim=8, v_head_dim=16),
    llama=dict(hidden_size=64, intermediate_size=192, num_hidden_layers=2, num_attention_heads=4,
               num_key_value_heads=2, head_dim=16),
)
# name -> (family, schedule kind)
MODELS = {"plm-nano": ("plm", "wsdc"), "plm-nano-cosine": ("plm", "cosine"), "llama-nano": ("llama", "wsdc")}
SAMPLE_PROMPTS = ["In the beginning", "And Jesus said unto them,", "The LORD is my shepherd;",
                  "Blessed are the", "1:1 And it came to pass"]
SEED = 1234


def pkg_version(p):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True).stdout
    except OSError:
        return "?"


def tokenize_books(tok, books):
    eot = tok.special_ids["<|endoftext|>"]
    out = []
    for b in books:
        out.extend(tok.encode(b))
        out.append(eot)
    return np.array(out, dtype=np.int32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="tiny models, 20 steps, corpus slice, temp output dir")
    ap.add_argument("--out", help="output folder (default datasets/models, or a temp dir with --smoke)")
    ap.add_argument("--only", nargs="*", choices=list(MODELS), help="train only these models")
    ap.add_argument("--steps", type=int, help="override the number of steps (for throughput measurements)")
    args = ap.parse_args()
    P = dict(SMOKE if args.smoke else FULL)
    if args.steps:
        P["steps"] = args.steps
    out = args.out or (tempfile.mkdtemp(prefix="nano-zoo-smoke-") if args.smoke else
                       os.path.join(REPO, "datasets", "models"))
    torch.set_num_threads(1)  # intra-op OpenMP 1 + OpenBLAS 2 threads measured fastest on 2 cores (README)
    torch.manual_seed(SEED)
    command = "experiments/recipes/nano/make_nano_zoo.sh" + ("".join(" " + shlex.quote(a) for a in sys.argv[1:]))
    t_all = time.time()

    books = corpus.read_bible()
    train_texts, val_texts = corpus.split(books, smoke=args.smoke)
    t = time.time()
    tok = bpe.train_bpe(train_texts, P["vocab"])
    train_ids = tokenize_books(tok, train_texts)
    val_ids = tokenize_books(tok, val_texts)
    print("corpus: %d train books (%d chars, %d tokens), %d val books (%d chars, %d tokens); BPE %d merges, %.1fs"
          % (len(train_texts), sum(map(len, train_texts)), len(train_ids), len(val_texts),
             sum(map(len, val_texts)), len(val_ids), len(tok.merges), time.time() - t), flush=True)

    env = {
        "torch": torch.__version__, "python": platform.python_version(), "numpy": np.__version__,
        "torch_threads": torch.get_num_threads(), "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "cpu": _cpu_name(), "nproc": os.cpu_count(), "bible-kjv-text": pkg_version("bible-kjv-text"),
        "bible-kjv": pkg_version("bible-kjv"), "python3-torch": pkg_version("python3-torch"),
        "libopenblas0-pthread": pkg_version("libopenblas0-pthread"),
    }
    data_info = {
        "train_books": len(train_texts), "val_books": [n for n, _ in books if n in corpus.VAL_BOOKS],
        "train_chars": sum(map(len, train_texts)), "val_chars": sum(map(len, val_texts)),
        "train_tokens": len(train_ids), "val_tokens": len(val_ids), "vocab": P["vocab"],
        "merges": len(tok.merges), "smoke": args.smoke,
    }
    for name in args.only or list(MODELS):
        family, kind = MODELS[name]
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        for f in os.listdir(folder):  # a rerun must not leave an older TensorBoard file next to the new one
            if f.startswith("events.out.tfevents."):
                os.remove(os.path.join(folder, f))
        t_model = time.time()
        base = dict(vocab_size=P["vocab"], max_position_embeddings=P["seq_len"])
        cfg = M.PlmConfig(**base, **P["plm"]) if family == "plm" else M.LlamaConfig(**base, **P["llama"])
        sched = Schedule(kind, P["steps"])
        print("== %s: %s, %d params, %s" % (name, family, M.count_params(M.CausalLM(cfg)), sched.describe()),
              flush=True)
        model, stats = T.train(name, cfg, sched, train_ids, val_ids, tok, folder, P["batch"], P["seq_len"],
                               val_every=P["val_every"], seed=SEED)
        finish(name, model, cfg, sched, stats, tok, folder, val_ids, P, env, data_info, command, t_model)
    print("all done in %.1fs; output in %s" % (time.time() - t_all, out))


def _cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def finish(name, model, cfg, sched, stats, tok, folder, val_ids, P, env, data_info, command, t_model):
    """Export, reload the stored weights, measure on them, write parity + card."""
    tok.save(folder, P["seq_len"])
    export.write_json(os.path.join(folder, "config.json"), export.hf_config(cfg, tok))
    export.write_json(os.path.join(folder, "generation_config.json"), export.generation_config(cfg, tok))
    st = export.stored_state(model)
    path = os.path.join(folder, "model.safetensors")
    export.write_safetensors(path, st, {"plmwb_recipe": "experiments/recipes/nano", "plmwb_model": name})
    back = export.read_safetensors(path)
    for n, t in st.items():
        assert torch.equal(back[n], t.float()), n
    model.load_state_dict(back)  # from here on the model holds exactly the stored weights
    vwin = T.val_windows(val_ids, P["seq_len"])
    val_stored = T.evaluate(model, vwin)
    zeros = T.mlp_zero_fractions(model, vwin)
    worst64 = export.write_parity(model, tok, os.path.join(folder, "parity"))
    samples = []
    for i, p in enumerate(SAMPLE_PROMPTS):
        ids = tok.encode(p)
        greedy = tok.decode(T.generate(model, ids, 40, P["seq_len"], temperature=0))
        sampled = tok.decode(T.generate(model, ids, 60, P["seq_len"], temperature=0.8, top_k=40, seed=SEED + i))
        samples.append((p, greedy, sampled))
    params = M.count_params(model)
    stats["model_wall_time_s"] = time.time() - t_model
    write_card(name, cfg, sched, stats, folder, P, env, data_info, command, params, val_stored, zeros, worst64,
               samples)
    export.write_json(os.path.join(folder, "training_summary.json"), {
        "model": name, "family": cfg.family, "schedule": sched.kind, "schedule_description": sched.describe(),
        "parameters": params, "steps": sched.total_steps, "batch": P["batch"], "seq_len": P["seq_len"],
        "tokens": stats["tokens"], "epochs": stats["tokens"] / data_info["train_tokens"],
        "final_train_loss_last20": stats["final_train_loss_last20"],
        "final_val_loss_fp32": stats["final_val_loss_fp32"], "final_val_loss_stored_bf16": val_stored,
        "mlp_zero_fraction_per_layer": zeros, "train_wall_time_s": stats["wall_time_s"],
        "model_wall_time_s": stats["model_wall_time_s"], "parity_max_abs_fp32_vs_fp64": worst64,
        "data": data_info, "environment": env, "command": command, "seed": SEED,
    })
    sizes = {f: os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
             if os.path.isfile(os.path.join(folder, f))}
    big = {f: s for f, s in sizes.items() if s > 20 * 1024 * 1024}
    if big:
        raise RuntimeError("files over 20 MB: %s" % big)
    print("%s: val %.4f (stored bf16 weights), train %.4f, %.0fs, %s" % (
        name, val_stored, stats["final_train_loss_last20"], stats["wall_time_s"], folder), flush=True)


def write_card(name, cfg, sched, stats, folder, P, env, data_info, command, params, val_stored, zeros, worst64,
               samples):
    fam = cfg.family
    L = []
    a = L.append
    a("# %s%s" % (name, "  (SMOKE RUN: tiny model, a few steps; not a usable model)" if data_info["smoke"] else ""))
    a("")
    if fam == "plm":
        a("A %s-parameter model of the exact PLM architecture (PLM-1.8B at reduced size): Multi-head Latent "
          "Attention without query compression (one q_proj; kv_a_proj_with_mqa -> [latent c ; shared rope key], "
          "kv_a_layernorm on c, kv_b_proj per head [k_nope ; v]), interleaved RoPE (adjacent pairs) on the rope "
          "dims, score scale 1/sqrt(nope + rope), squared-ReLU MLP (up/down only), tied embeddings. "
          % format(params, ","))
    else:
        a("A %s-parameter Llama-style peer of plm-nano: grouped-query attention (%d query heads, %d KV heads, "
          "head_dim %d), RoPE on NeoX halves (HF Llama's rotate_half), SwiGLU MLP (gate/up/down), "
          "**tied** embeddings (`tie_word_embeddings: true`, no lm_head tensor), same tokenizer, data, steps and "
          "tokens as plm-nano. " % (format(params, ","), cfg.num_attention_heads, cfg.num_key_value_heads,
                                    cfg.head_dim))
    a("Trained from scratch on the King James Bible with %s." % (
        "a Warmup-Stable-Decay-Constant (WSDC) schedule" if sched.kind == "wsdc" else "warmup + cosine"))
    a("It writes KJV-style text; it knows nothing else and is not an assistant (it never saw ChatML).")
    a("")
    a("## Result")
    a("| | |")
    a("|---|---|")
    a("| parameters | %s |" % format(params, ","))
    a("| steps | %d (batch %d x seq %d = %d tokens/step) |" % (sched.total_steps, P["batch"], P["seq_len"],
                                                             P["batch"] * P["seq_len"]))
    a("| tokens seen | %s (%.2f epochs of %s train tokens) |" % (
        format(stats["tokens"], ","), stats["tokens"] / data_info["train_tokens"], format(data_info["train_tokens"], ",")))
    a("| final train loss (mean of last 20 steps) | %.4f |" % stats["final_train_loss_last20"])
    a("| final val loss, fp32 training weights | %.4f |" % stats["final_val_loss_fp32"])
    a("| final val loss, stored bf16 weights | %.4f (ppl %.2f) |" % (val_stored, 2.718281828 ** val_stored))
    a("| wall time, training loop incl. periodic val | %.0f s (%.2f s/step) |" % (
        stats["wall_time_s"], stats["wall_time_s"] / sched.total_steps))
    a("| wall time, this model in all (setup, training, export, parity, samples) | %.0f s |"
      % stats["model_wall_time_s"])
    a("")
    a("Losses are mean cross-entropy per token in nats, over the tokenizer's %d-token vocabulary; val = all "
      "%s tokens of the held-out books." % (data_info["vocab"], format(data_info["val_tokens"], ",")))
    a("")
    a("## MLP activation sparsity on held-out text (stored weights)")
    act = "(max(0, up x))^2" if fam == "plm" else "silu(gate x) * up x"
    a("Exact-zero fraction of the down_proj input a = %s, mean over all val tokens and all %d units, per layer:"
      % (act, cfg.intermediate_size))
    a("")
    a("| layer | " + " | ".join(str(i) for i in range(len(zeros))) + " | mean |")
    a("|---" * (len(zeros) + 2) + "|")
    fmt = "%.3f" if fam == "plm" else "%.2e"
    a("| zero fraction | " + " | ".join(fmt % z for z in zeros) + (" | " + fmt + " |") % (sum(zeros) / len(zeros)))
    a("")
    a("## Samples (stored weights; prompt in bold)")
    for p, greedy, sampled in samples:
        a("")
        a("Prompt **%s**" % p)
        a("")
        a("- greedy, 40 tokens: `%s`" % greedy.replace("\n", " / ").replace("`", "'"))
        a("- top-k 40, temperature 0.8, 60 tokens: `%s`" % sampled.replace("\n", " / ").replace("`", "'"))
    a("")
    a("(` / ` marks a newline; each verse is one line `chapter:verse text`.)")
    a("")
    a("## Architecture (config.json)")
    a("| field | value |")
    a("|---|---|")
    for k, v in export.hf_config(cfg, _TokStub(cfg.vocab_size)).items():
        if k not in ("architectures", "initializer_range", "rope_scaling", "attention_dropout", "use_cache"):
            a("| %s | %s |" % (k, v))
    a("")
    a("## Data")
    a("King James Bible from Debian's `bible-kjv-text` %s, read with `bible -f Gen1:1-Rev22:21` (`bible-kjv` %s). "
      "One line per verse (`chapter:verse text`), each book headed by its name and followed by `<|endoftext|>`. "
      "Held-out validation books (never trained on): %s. Train: %d books, %s chars, %s tokens. Val: %s chars, "
      "%s tokens." % (env["bible-kjv-text"], env["bible-kjv"], ", ".join(data_info["val_books"]),
                      data_info["train_books"], format(data_info["train_chars"], ","),
                      format(data_info["train_tokens"], ","), format(data_info["val_chars"], ","),
                      format(data_info["val_tokens"], ",")))
    a("")
    a("Tokenizer: byte-level BPE in the Qwen2 style (NFC, Qwen2 split regex, ByteLevel), trained by the recipe in "
      "pure Python on the train books: ids 0..255 bytes, %d merges, then `<|endoftext|>` %d, `<|im_start|>` %d, "
      "`<|im_end|>` %d. tokenizer_config.json has a ChatML chat_template; eos `<|im_end|>`, pad/bos "
      "`<|endoftext|>`, no BOS added." % (data_info["merges"], cfg.vocab_size - 3, cfg.vocab_size - 2,
                                           cfg.vocab_size - 1))
    a("")
    a("## Training")
    a("- schedule: %s" % sched.describe())
    a("- AdamW (beta 0.9/0.95, eps 1e-8, weight decay 0.1 on matrices, 0 on norms), grad clip 1.0, fp32 math, "
      "init N(0, 0.02) (o_proj/down_proj 0.02/sqrt(2 x layers)), norms 1; seed %d for init and data order." % SEED)
    a("- data order: epochs of shuffled %d-token windows at a random offset per epoch; `data_phase` in the log is "
      "the epoch (KJV has no quality tiers, so PLM's multi-phase data reduces to passes over one corpus)."
      % (P["seq_len"] + 1))
    a("- logs: `training_log.csv` (step, tokens, lr, train_loss, grad_norm, data_phase, lr_phase, val_loss every %d "
      "steps and at the end, wall_time_s) and `%s` (TensorBoard scalars train/loss, train/lr, train/grad_norm, "
      "train/tokens, data/phase, val/loss; written by the recipe's own TFRecord/protobuf writer)."
      % (P["val_every"], stats["tb_file"]))
    a("- machine: %s, %d cores; torch %s (Debian python3-torch %s), Python %s, torch intra-op threads %s, "
      "OPENBLAS_NUM_THREADS %s (libopenblas0-pthread %s)." % (
          env["cpu"], env["nproc"], env["torch"], env["python3-torch"], env["python"], env["torch_threads"],
          env["OPENBLAS_NUM_THREADS"], env["libopenblas0-pthread"]))
    a("- command: `%s` (the whole zoo: corpus, tokenizer, all three models)" % command)
    a("")
    a("## Files")
    a("- `model.safetensors`: all weights in bf16 (round-to-nearest-even from the fp32 training weights), HF names, "
      "no lm_head (tied).")
    a("- `parity/ids.json` + `parity/logits.f32`: PyTorch fp32 logits from the stored bf16 weights for %d fixed "
      "prompts, every position, raw little-endian float32 [prompt][position][vocab]; fp32 vs float64 on the same "
      "weights differs by at most %.2e. A Java implementation should match to 1e-3 max abs."
      % (len(export.PARITY_TEXTS) + 1, worst64))
    a("")
    a("The model code (`experiments/recipes/nano/model.py`) is an independent PyTorch implementation of "
      "../shared/reference/plm.md's equations; it is the cross-implementation check for the Java engine.")
    with open(os.path.join(folder, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


class _TokStub:
    def __init__(self, v):
        self.special_ids = {"<|endoftext|>": v - 3, "<|im_start|>": v - 2, "<|im_end|>": v - 1}


if __name__ == "__main__":
    main()
