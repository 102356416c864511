"""A fully connected network whose parameters live in one flat array.

Layer i keeps its weight and bias side by side as one matrix P_i = [W_i | b_i]
of shape (out, in + 1), a view into the flat vector `params`.  W_i is in
PyTorch's (out, in) layout.  Each layer's input carries a trailing column of
ones, so one matmul gives W a + b and one matmul gives both gradients
(dZ^T [a | 1] = [dW | db]).  The flat layout lets an optimizer or a
regularizer update every parameter in a couple of NumPy calls.

At the sizes a playground trains (tens of neurons, batches of ten) a step
costs its number of NumPy calls, so forward and backward write into
preallocated buffers, one set per batch size.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation, get_activation
from .losses import Head


class _Workspace:
    """Buffers for one batch size: per layer logits z, activations [a | 1], grads."""

    def __init__(self, n: int, sizes: tuple[int, ...]) -> None:
        outs = sizes[1:]
        self.z = [np.empty((n, k)) for k in outs]
        # hidden activations with their ones column; the last layer's output has none
        self.a_aug = [np.ones((n, k + 1)) for k in outs[:-1]]
        self.a = [buf[:, :-1] for buf in self.a_aug]
        self.output = np.empty((n, outs[-1]))
        self.dz = [np.empty((n, k)) for k in outs]
        self.dz_t = [d.T for d in self.dz]  # views made once, not per step
        self.da = [np.empty((n, k)) for k in outs[:-1]]
        self.scratch = np.empty((n, outs[-1]))
        self.inv_n = np.array(1.0 / n)  # 0-d: no float conversion per call


class Network:
    def __init__(self, sizes: tuple[int, ...], activation: str, head: Head) -> None:
        if len(sizes) < 2:
            raise ValueError("a network needs at least an input and an output size")
        self.sizes = tuple(int(s) for s in sizes)
        self.activation: Activation = get_activation(activation)
        self.head = head
        shapes = [(o, i + 1) for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True)]
        total = sum(o * c for o, c in shapes)
        self.params = np.zeros(total)
        self.grads = np.zeros(total)
        self.layers: list[np.ndarray] = []  # P_i views into params
        self.grad_layers: list[np.ndarray] = []
        self.bias_mask = np.zeros(total, dtype=bool)
        start = 0
        for o, c in shapes:
            stop = start + o * c
            self.layers.append(self.params[start:stop].reshape(o, c))
            self.grad_layers.append(self.grads[start:stop].reshape(o, c))
            self.bias_mask[start:stop].reshape(o, c)[:, -1] = True
            start = stop
        # views made once: a fresh .T or slice per step costs as much as a ufunc
        self._p_t = [p.T for p in self.layers]
        self._w = [p[:, :-1] for p in self.layers]
        self._last = len(self.layers) - 1
        self._workspaces: dict[int, _Workspace] = {}

    # --- parameters in PyTorch layout ---------------------------------------

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def weight(self, i: int) -> np.ndarray:
        """Live (out, in) view of layer i's weight."""
        return self.layers[i][:, :-1]

    def bias(self, i: int) -> np.ndarray:
        """Live (out,) view of layer i's bias."""
        return self.layers[i][:, -1]

    def get_parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of every (weight, bias), C-contiguous."""
        return [(self.weight(i).copy(), self.bias(i).copy()) for i in range(self.num_layers)]

    def set_parameters(self, layers) -> None:
        if len(layers) != self.num_layers:
            raise ValueError(f"expected {self.num_layers} layers, got {len(layers)}")
        for i, (w, b) in enumerate(layers):
            w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
            want = self.weight(i).shape
            if w.shape != want or b.shape != (want[0],):
                raise ValueError(
                    f"layer {i}: expected weight {want} and bias ({want[0]},), "
                    f"got {w.shape} and {b.shape}"
                )
        for i, (w, b) in enumerate(layers):
            self.weight(i)[...] = w
            self.bias(i)[...] = b

    # --- forward and backward -------------------------------------------------

    def _workspace(self, n: int) -> _Workspace:
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) > 8:  # batch sizes come and go; keep memory bounded
                self._workspaces.clear()
            ws = self._workspaces[n] = _Workspace(n, self.sizes)
        return ws

    def forward(self, x_aug: np.ndarray) -> np.ndarray:
        """Outputs (after the output activation) for inputs with a ones column.

        Returns a buffer owned by the network: copy it to keep it.
        """
        ws = self._workspace(len(x_aug))
        act = self.activation
        inp = x_aug
        last = self._last
        z, a, a_aug = ws.z, ws.a, ws.a_aug
        # ndarray.dot with out= is about 3x cheaper per call than np.matmul here
        for i, p_t in enumerate(self._p_t):
            inp.dot(p_t, out=z[i])
            if i < last:
                act.forward(z[i], a[i])
                inp = a_aug[i]
        self.head.forward(z[last], ws.output)
        return ws.output

    def picture_activations(self, x: np.ndarray, dtype=np.float32) -> list[np.ndarray]:
        """Every layer's outputs, as `activations`, for features `x` without the
        ones column, into new contiguous arrays (they can be handed on and never
        change, and no workspace of this size is kept).

        For pictures (every neuron over a 100 x 100 grid, dozens of times a
        second while training): float32 through each activation's fast
        `picture` form; float64 through the training form, for the rare
        network whose float32 sums overflow.
        """
        fast = np.dtype(dtype) == np.float32
        act, head, last = self.activation, self.head, self._last
        act_f, head_f = (act.picture, head.picture) if fast else (act.forward, head.forward)
        inp = np.asarray(x, dtype=dtype)
        layers = []
        for i, p_t in enumerate(self._p_t):
            p = p_t.astype(dtype, copy=False)  # [W | b] transposed: the bias is its last row
            z = inp.dot(p[:-1])
            z += p[-1]
            out = np.empty_like(z)
            (head_f if i == last else act_f)(z, out)
            layers.append(out)
            inp = out
        return layers

    def backward(self, x_aug: np.ndarray, targets: np.ndarray) -> None:
        """Gradient of the mean data loss into `grads`, after forward(x_aug)."""
        ws = self._workspace(len(x_aug))
        last = self._last
        z, a, a_aug, dz, da = ws.z, ws.a, ws.a_aug, ws.dz, ws.da
        self.head.grad(z[last], ws.output, targets, dz[last], ws.scratch, ws.inv_n)
        act, grad_layers, dz_t, w = self.activation, self.grad_layers, ws.dz_t, self._w
        for i in range(last, 0, -1):
            dz_t[i].dot(a_aug[i - 1], out=grad_layers[i])  # [dW | db] at once
            dz[i].dot(w[i], out=da[i - 1])
            act.backward(z[i - 1], a[i - 1], da[i - 1], dz[i - 1])
        dz_t[0].dot(x_aug, out=grad_layers[0])

    def loss(self, x_aug: np.ndarray, targets: np.ndarray) -> float:
        """Mean data loss (no regularization) over the given points."""
        return self.evaluate(x_aug, targets)[1]

    def evaluate(self, x_aug: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, float]:
        """Outputs (the network's own buffer) and mean data loss, from one forward pass."""
        out = self.forward(x_aug)
        return out, self.head.loss(self._workspace(len(x_aug)).z[-1], out, targets)

    def activations(self, x_aug: np.ndarray, copy: bool = True) -> list[np.ndarray]:
        """Every layer's outputs: hidden activations, then the final output.

        With copy=False they are the network's own buffers, valid until its next pass.
        """
        out = self.forward(x_aug)
        layers = [*self._workspace(len(x_aug)).a, out]
        return [a.copy() for a in layers] if copy else layers
