"""Weight penalties added to the data loss: none, L1, L2, elastic (L1 + L2).

Penalty per parameter w, times the rate lambda:  L1 |w|,  L2 w^2 / 2,
elastic |w| + w^2 / 2.  Which parameters pay is a 0/1 mask over the network's
flat parameter vector (weights only unless biases are asked for), folded into
a per-parameter coefficient once, so a step costs two to four NumPy calls.
"""

from __future__ import annotations

import numpy as np


class Regularizer:
    def __init__(self, kind: str, rate: float, mask: np.ndarray) -> None:
        self.kind = kind
        self.rate = rate
        self.active = kind != "none" and rate > 0.0
        self.coef = rate * mask.astype(np.float64)  # lambda where the penalty applies, else 0
        self._scratch = np.empty_like(self.coef)

    def penalty(self, params: np.ndarray) -> float:
        """lambda * sum of the penalty over the masked parameters."""
        if not self.active:
            return 0.0
        total = 0.0
        if self.kind in ("l1", "elastic"):
            total += float(np.dot(self.coef, np.abs(params)))
        if self.kind in ("l2", "elastic"):
            total += 0.5 * float(np.dot(self.coef, params * params))
        return total

    def add_gradient(self, params: np.ndarray, grads: np.ndarray) -> None:
        """grads += d(penalty)/d(params), in place (|w| has gradient sign(w), 0 at 0)."""
        if not self.active:
            return
        s = self._scratch
        if self.kind == "l2":
            np.multiply(params, self.coef, out=s)
        elif self.kind == "l1":
            np.sign(params, out=s)
            np.multiply(s, self.coef, out=s)
        else:  # elastic
            np.sign(params, out=s)
            np.add(s, params, out=s)
            np.multiply(s, self.coef, out=s)
        np.add(grads, s, out=grads)
