"""Learning-rate schedules (see ../shared/reference/schedules.md), as functions of the step s = 0..S-1.

WSDC: warmup 0 -> W (linear from 0), stable at lr_max until D, decay D -> E to lr_min, constant lr_min from E on.
Cosine peer: the same warmup, then 1/2 (1 + cos(pi x)) from lr_max to lr_min over [W, S).
"""
import math
from dataclasses import dataclass


@dataclass
class Schedule:
    kind: str            # "wsdc" or "cosine"
    total_steps: int
    lr_max: float = 2e-3
    lr_min: float = 2e-4
    warmup_frac: float = 0.05
    decay_start_frac: float = 0.60   # WSDC only: end of the stable phase
    decay_end_frac: float = 0.85     # WSDC only: start of the constant tail
    decay_shape: str = "linear"      # WSDC only: linear | cosine | sqrt | square | exponential

    def bounds(self):
        S = self.total_steps
        W = max(1, round(self.warmup_frac * S))
        if self.kind == "cosine":
            return W, W, S
        return W, round(self.decay_start_frac * S), round(self.decay_end_frac * S)

    def phase(self, s):
        W, D, E = self.bounds()
        if s < W:
            return "warmup"
        if self.kind == "cosine":
            return "cosine"
        return "stable" if s < D else "decay" if s < E else "constant"

    def lr(self, s):
        W, D, E = self.bounds()
        if s < W:
            return self.lr_max * (s + 1) / W
        if self.kind == "cosine":
            x = (s - W) / max(1, self.total_steps - 1 - W)
            return self.lr_min + (self.lr_max - self.lr_min) * 0.5 * (1 + math.cos(math.pi * min(1.0, x)))
        if s < D:
            return self.lr_max
        if s >= E:
            return self.lr_min
        x = (s - D) / (E - D)
        g = {"linear": 1 - x, "cosine": 0.5 * (1 + math.cos(math.pi * x)), "sqrt": 1 - math.sqrt(x),
             "square": 1 - x * x}.get(self.decay_shape)
        if g is None:  # exponential
            return self.lr_max * (self.lr_min / self.lr_max) ** x
        return self.lr_min + (self.lr_max - self.lr_min) * g

    def describe(self):
        W, D, E = self.bounds()
        if self.kind == "cosine":
            return ("warmup %d steps (linear from 0 to %g), then cosine to %g at step %d"
                    % (W, self.lr_max, self.lr_min, self.total_steps))
        return ("WSDC: warmup %d steps (linear from 0 to %g), stable to step %d, %s decay to %g by step %d, "
                "constant %g to step %d" % (W, self.lr_max, D, self.decay_shape, self.lr_min, E, self.lr_min,
                                           self.total_steps))
