"""Recurrent networks: a vanilla RNN, an LSTM or a GRU cell unrolled over the sequence in
Python (nn.RNNCell / nn.LSTMCell / nn.GRUCell: one fused kernel per step), and a Linear head on
the last hidden state (or, for the copy task, on each of the last K states).

Weight matrices in the history's numbering: 1 = the cell's input weights (weight_ih), 2 = its
recurrent weights (weight_hh), 3 = the head. A sigmoid RNN, which nn.RNNCell does not offer,
runs the same equation from an RNNCell's parameters.

Initialisation (seeded, on the CPU, as sim.nn.mlp.build_model): PyTorch's default for the cell
(U(+-1/sqrt(width)) for every weight and bias) and the head, then
- rec_init "orthogonal": each width x width block of weight_hh orthogonal (nn.init.orthogonal_);
  "identity" (IRNN, Le, Jaitly & Hinton 2015): each block the identity, the cell's biases zero;
- forget_bias (LSTM): "zero" or "one" sets the forget gate's bias (b_ih + b_hh) to 0 or 1;
  "chrono" (Tallec & Ollivier 2018): b_f = log(U(1, T_max - 1)), b_i = -b_f, T_max = seq_len.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from sim.config import RunConfig
from sim.sequences import GATES, SEQ_TASKS, copy_symbols

# visit(t, x_t, h_prev): time step t (0-based), its input and the state it starts from
Visit = Callable[[int, torch.Tensor, torch.Tensor], None]
# linear_out(t, h_t): every hidden state h_t (B, width), before any truncation detaches it
LinearOut = Callable[[int, torch.Tensor], None]
CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


class Recurrent(nn.Module):
    def __init__(self, cfg: RunConfig, n_in: int, n_out: int):
        super().__init__()
        self.arch, self.width, self.seq_len = cfg.arch, cfg.width, cfg.seq_len
        self.activation = cfg.activation if cfg.arch == "rnn" else None
        if cfg.arch == "rnn":
            kind = cfg.activation if cfg.activation in ("tanh", "relu") else "tanh"
            self.cell = nn.RNNCell(n_in, cfg.width, nonlinearity=kind)
        else:
            self.cell = CELLS[cfg.arch](n_in, cfg.width)
        self.head = nn.Linear(cfg.width, n_out)
        info = SEQ_TASKS[cfg.seq_task]
        self.tail = copy_symbols(cfg.seq_len) if info.readout == "tail" else 0
        self.tbptt = cfg.tbptt
        self.gates = GATES[cfg.arch]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.trace(x)

    @property
    def weights(self) -> list[torch.Tensor]:
        """Weight matrices 1..3 in the history's numbering: input, recurrent, head."""
        return [self.cell.weight_ih, self.cell.weight_hh, self.head.weight]

    @property
    def recurrent_block(self) -> torch.Tensor:
        """W_hh, or its cell-candidate block for LSTM (g) and GRU (n): the matrix whose
        spectral radius governs the signal through time."""
        w = self.cell.weight_hh
        return w if self.gates == 1 else w[2 * self.width : 3 * self.width]

    def trace(
        self,
        x: torch.Tensor,
        visit: Visit | None = None,
        linear_out: LinearOut | None = None,
        mode: str = "train",
    ) -> torch.Tensor:
        """The network's one forward pass, (B, T, n_in) -> (B, n_out) (or (B, K, n_out) for the
        copy task). Calls visit(t, x_t, h_prev) before each step and linear_out(t, h_t) with
        each hidden state, so that a caller can ask autograd for dL/dh_t (the total
        derivative). With tbptt = k the state is detached after every k-th step: the h_t handed
        out is the one before the cut. `mode` is accepted for MLP.trace's contract: a recurrent
        network has no dropout or normalisation, so every mode computes the same."""
        step = self._step_fn()
        b, t_len = x.shape[0], x.shape[1]
        h = x.new_zeros(b, self.width)
        c = x.new_zeros(b, self.width) if self.arch == "lstm" else None
        k, tail, kept = self.tbptt, self.tail, []
        xs = x.unbind(1)
        for t in range(t_len):
            if visit is not None:
                visit(t, xs[t], h)
            h, c = step(xs[t], h, c)
            if linear_out is not None:
                linear_out(t, h)
            if tail and t >= t_len - tail:
                kept.append(h)
            if k and (t + 1) % k == 0 and t + 1 < t_len:
                h = h.detach()
                c = None if c is None else c.detach()
        if tail:
            return self.head(torch.stack(kept, 1))
        return self.head(h)

    def _step_fn(self) -> Callable:
        """step(x_t, h, c) -> (h, c): the cell's own kernel (torch.lstm_cell, gru_cell,
        rnn_tanh_cell, rnn_relu_cell, the calls nn.*Cell.forward makes, without its per-call
        checks) on the weights taken once per trace."""
        cell = self.cell
        w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        if self.arch == "lstm":
            return lambda x, h, c: torch.lstm_cell(x, (h, c), *w)
        if self.activation == "sigmoid":
            return lambda x, h, c: (_sigmoid_step(x, h, *w), None)
        kernel = torch.rnn_relu_cell if self.activation == "relu" else torch.rnn_tanh_cell
        if self.arch == "gru":
            kernel = torch.gru_cell
        return lambda x, h, c: (kernel(x, h, *w), None)

    @torch.no_grad()
    def gate_values(self, x: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """The sigmoid gates of steps with inputs x (N, n_in) from states h_prev (N, width), as
        (N, gates, width): LSTM (input, forget, output), GRU (reset, update); (N, 0, width) for
        a vanilla RNN. The forget (LSTM) or update (GRU) gate is at index 1."""
        cell, w = self.cell, self.width
        if self.gates == 1:
            return x.new_zeros(x.shape[0], 0, w)
        # LSTM: i, f, (g is the candidate), o; GRU: r, z, (n is the candidate): only the
        # sigmoid gates' rows of the weights enter the products
        blocks = [0, 1, 3] if self.arch == "lstm" else [0, 1]
        w_ih, w_hh = (
            p.view(self.gates, w, -1)[blocks].flatten(0, 1)
            for p in (cell.weight_ih, cell.weight_hh)
        )
        b_ih, b_hh = (p.view(self.gates, w)[blocks].flatten() for p in (cell.bias_ih, cell.bias_hh))
        pre = F.linear(x, w_ih, b_ih)
        pre += F.linear(h_prev, w_hh, b_hh)
        return pre.sigmoid_().view(x.shape[0], len(blocks), w)

    def set_dropout(self, p: float) -> None:
        """No dropout in a recurrent network (the field does not apply)."""


def _sigmoid_step(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.sigmoid(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


# ---------------------------------------------------------------------------------------------
# Initialisation


@torch.no_grad()
def init_recurrent(model: Recurrent, cfg: RunConfig, g: torch.Generator) -> None:
    cell, w = model.cell, model.width
    for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh):
        bound = 1.0 / w**0.5
        p.uniform_(-bound, bound, generator=g)
    head = model.head
    bound = 1.0 / head.in_features**0.5
    head.weight.uniform_(-bound, bound, generator=g)
    head.bias.uniform_(-bound, bound, generator=g)
    blocks = cell.weight_hh.view(model.gates, w, w)
    if cfg.rec_init == "orthogonal":
        for block in blocks:
            nn.init.orthogonal_(block, generator=g)
    elif cfg.rec_init == "identity":
        blocks.copy_(torch.eye(w).expand(model.gates, w, w))
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
    if cfg.arch == "lstm" and cfg.forget_bias != "default":
        _forget_bias(cell, w, cfg, g)


def _forget_bias(cell: nn.LSTMCell, w: int, cfg: RunConfig, g: torch.Generator) -> None:
    """LSTM bias blocks are (input, forget, candidate, output); the pair b_ih + b_hh acts."""
    f = slice(w, 2 * w)
    cell.bias_hh[f] = 0.0
    if cfg.forget_bias == "chrono":
        t_max = max(float(cfg.seq_len), 3.0)
        b_f = torch.log(1.0 + torch.rand(w, generator=g) * (t_max - 2.0))
        cell.bias_ih[f] = b_f
        cell.bias_ih[:w] = -b_f
        cell.bias_hh[:w] = 0.0
    else:
        cell.bias_ih[f] = 0.0 if cfg.forget_bias == "zero" else 1.0


def build_recurrent(cfg: RunConfig, n_in: int, n_out: int) -> Recurrent:
    """Build on the CPU with a seeded generator, so every device starts from the same weights."""
    model = Recurrent(cfg, n_in, n_out)
    init_recurrent(model, cfg, torch.Generator().manual_seed(cfg.seed + 1))
    return model
