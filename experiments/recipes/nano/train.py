"""Training one model: fixed seeds, AdamW, fp32 math, a CSV + TensorBoard log, then the HF export."""
import csv
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import export
import model as M
import tbwriter
from schedule import Schedule


class Batches:
    """Epochs over the training tokens: each epoch cuts the stream into windows of seq_len + 1 tokens starting at
    a random offset, shuffles them, and serves `batch` windows per step. data_phase = epoch number (1-based);
    the KJV corpus has no quality tiers, so PLM's multi-phase data mix reduces to passes over the same data."""

    def __init__(self, tokens, batch, seq_len, seed):
        self.tokens = torch.from_numpy(tokens.astype(np.int64))
        self.batch, self.seq_len = batch, seq_len
        self.rng = np.random.RandomState(seed)
        self.epoch = 0
        self.queue = []

    def _new_epoch(self):
        self.epoch += 1
        L = self.seq_len + 1
        start = self.rng.randint(0, L)
        n = (len(self.tokens) - start) // L
        order = self.rng.permutation(n)
        self.queue = [start + i * L for i in order]

    def next(self):
        if len(self.queue) < self.batch:
            self._new_epoch()
        starts, self.queue = self.queue[:self.batch], self.queue[self.batch:]
        x = torch.stack([self.tokens[s:s + self.seq_len + 1] for s in starts])
        return x[:, :-1], x[:, 1:], self.epoch


def val_windows(tokens, seq_len):
    """The whole validation split as consecutive windows (the last partial window dropped)."""
    t = torch.from_numpy(tokens.astype(np.int64))
    L = seq_len + 1
    n = len(t) // seq_len
    wins = [t[i * seq_len:i * seq_len + L] for i in range(n) if i * seq_len + L <= len(t)]
    return torch.stack(wins)


@torch.no_grad()
def evaluate(model, windows, batch=32):
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        w = windows[i:i + batch]
        logits = model(w[:, :-1])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), w[:, 1:].reshape(-1), reduction="sum").item()
        count += w[:, 1:].numel()
    model.train()
    return total / count


@torch.no_grad()
def mlp_zero_fractions(model, windows, batch=32):
    """Mean exact-zero fraction of the MLP activations (the input of down_proj) per layer, over `windows`."""
    recs = [[] for _ in model.mlps()]
    for mlp, r in zip(model.mlps(), recs):
        mlp.record = r
    model.eval()
    for i in range(0, len(windows), batch):
        model(windows[i:i + batch, :-1])
    for mlp in model.mlps():
        mlp.record = None
    return [sum(z for z, _ in r) / sum(n for _, n in r) for r in recs]


@torch.no_grad()
def generate(model, prompt_ids, n_new, max_len, temperature=0.8, top_k=40, seed=0):
    """Plain sampling without a KV cache (recomputes the window every step; fine at this size). temperature 0 =
    greedy."""
    g = torch.Generator().manual_seed(seed)
    ids = list(prompt_ids)
    model.eval()
    for _ in range(n_new):
        logits = model(torch.tensor([ids[-max_len:]]))[0, -1]
        if temperature == 0:
            nxt = int(logits.argmax())
        else:
            v, ix = torch.topk(logits / temperature, top_k)
            nxt = int(ix[torch.multinomial(v.softmax(-1), 1, generator=g)])
        ids.append(nxt)
    return ids


def train(name, cfg, sched: Schedule, train_tokens, val_tokens, tok, out_dir, batch, seq_len, val_every=50,
          seed=1234, log=print):
    torch.manual_seed(seed)
    os.makedirs(out_dir, exist_ok=True)
    model = M.CausalLM(cfg, seed=seed)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=sched.lr(0), betas=(0.9, 0.95), eps=1e-8)
    data = Batches(train_tokens, batch, seq_len, seed)
    vwin = val_windows(val_tokens, seq_len)
    csv_path = os.path.join(out_dir, "training_log.csv")
    tb = tbwriter.EventWriter(out_dir)
    f = open(csv_path, "w", newline="")
    w = csv.writer(f)
    w.writerow(["step", "tokens", "lr", "train_loss", "grad_norm", "data_phase", "lr_phase", "val_loss",
                "wall_time_s"])
    t0 = time.time()
    tokens = 0
    last_train = []
    val = None
    for s in range(sched.total_steps):
        lr = sched.lr(s)
        for gr in opt.param_groups:
            gr["lr"] = lr
        x, y, epoch = data.next()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item()
        opt.step()
        tokens += y.numel()
        step = s + 1
        lv = loss.item()
        if not math.isfinite(lv):
            raise RuntimeError("%s: loss is %r at step %d" % (name, lv, step))
        last_train.append(lv)
        val = evaluate(model, vwin) if (step % val_every == 0 or step == sched.total_steps) else None
        wall = time.time() - t0
        w.writerow([step, tokens, "%.6g" % lr, "%.5f" % lv, "%.4f" % gnorm, epoch, sched.phase(s),
                    "" if val is None else "%.5f" % val, "%.1f" % wall])
        tb.scalars(step, {"train/loss": lv, "train/lr": lr, "train/grad_norm": gnorm, "train/tokens": tokens,
                          "data/phase": epoch, "val/loss": val})
        if val is not None or step == 1 or step % 10 == 0:
            log("%s step %d/%d  lr %.3g  loss %.4f  gnorm %.3f  epoch %d%s  %.1fs (%.2f s/step)" % (
                name, step, sched.total_steps, lr, lv, gnorm, epoch,
                "" if val is None else "  val %.4f" % val, wall, wall / step))
            f.flush()
    wall = time.time() - t0
    f.close()
    tb.close()
    final_train = sum(last_train[-20:]) / len(last_train[-20:])
    return model, {"wall_time_s": wall, "tokens": tokens, "final_train_loss_last20": final_train,
                   "final_val_loss_fp32": val, "epochs": data.epoch, "tb_file": os.path.basename(tb.path),
                   "train_tokens_per_epoch": len(train_tokens)}
