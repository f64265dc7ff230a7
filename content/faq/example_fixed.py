"""The source article's experiment, fixed and runnable: PyTorch, eager, one training loop.

The same experiment as the article's TensorFlow example: 100 random 2-D inputs and 100 random
2-D targets (no relation between them), one ReLU layer y = relu(x W + b) with W ~ N(0, 1) and
b = 0, mean squared error, plain gradient descent with learning rate 0.01, 1000 steps.
What the original lacked: a loop that computes the loss, its gradient and the update each step
(`zero_grad(); loss.backward(); step()`), instead of TF1's graph-mode `minimize(...).run(feed)`
with placeholders that were never defined.

    python content/faq/example_fixed.py
"""

import torch


def run(steps: int = 1000, lr: float = 0.01, seed: int = 0) -> dict[str, list]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(100, 2, generator=g)  # (100, 2) inputs
    y_true = torch.randn(100, 2, generator=g)  # (100, 2) targets
    W = torch.randn(2, 2, generator=g).requires_grad_()
    b = torch.zeros(2, requires_grad=True)
    optimizer = torch.optim.SGD([W, b], lr=lr)

    losses, grad_norms = [], []
    for _ in range(steps):
        y_pred = torch.relu(x @ W + b)
        loss = ((y_true - y_pred) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        grad_norms.append(torch.cat([W.grad.flatten(), b.grad]).norm())
        losses.append(loss.detach())
        optimizer.step()

    return {
        "loss": torch.stack(losses).tolist(),  # one copy to the host, after the loop
        "grad_norm": torch.stack(grad_norms).tolist(),
        "W": W.detach().tolist(),
        "b": b.detach().tolist(),
    }


if __name__ == "__main__":
    out = run()
    print(f"loss: {out['loss'][0]:.4f} -> {out['loss'][-1]:.4f}")
    print(f"largest gradient norm: {max(out['grad_norm']):.4f}")
    print("W =", out["W"], "b =", out["b"])
