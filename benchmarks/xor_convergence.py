"""How often does a small sigmoid network learn XOR? Convergence over many random starts (lesson 08).

    .venv/bin/python benchmarks/xor_convergence.py                # print the tables
    .venv/bin/python benchmarks/xor_convergence.py --write        # ... and rewrite backprop/xor_convergence.json

A run is one random start s: weights and biases from `network.init_params(2, n_hidden, 1, seed=s)`
(uniform in [-1, 1]) and `network.train(..., seed=s)` (per-example steps, one shuffled pass over the
four rows per epoch). It has converged when, after the last epoch, all four outputs are on the right
side of 0.5; its "epochs to converge" is the first epoch after which all four are right and stay
right. The runs of one setting are computed side by side (one numpy array per parameter, a leading
axis for the starts): the same arithmetic as `backprop.network.train`, checked against it on a few
starts before anything is printed (`--verify`). Lesson 08 loads the written file; it never trains
fifty networks itself.
"""
import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from backprop import network

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "backprop" / "xor_convergence.json"
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TARGETS = np.array([[0], [1], [1], [0]], dtype=float)
TABLE_HIDDEN, TABLE_RULES, TABLE_LRS = (2, 4), ("story", "exact"), (0.5, 1.0)
SWEEP_LRS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
LONG = ((2, "exact", 0.1),)  # settings also run for ten times the epochs: stuck, or only slow?


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def orders(starts, epochs, n=len(INPUTS)):
    """The visiting order of every start: (n_starts, epochs, n), each row rng.permutation(n) as network.train draws it."""
    out = np.empty((len(starts), epochs, n), dtype=int)
    for i, s in enumerate(starts):
        rng = np.random.default_rng(s)
        for e in range(epochs):
            out[i, e] = rng.permutation(n)
    return out


def train_many(n_hidden, lr, epochs, starts, rule="exact", order=None):
    """Train one network per start side by side; returns (params stacked on axis 0, losses (S, epochs), right (S, epochs)).

    right[s, e] says whether all four outputs were on the right side of 0.5 after epoch e.
    """
    S = len(starts)
    p = [network.init_params(2, n_hidden, 1, seed=s) for s in starts]
    W_ih, b_h, W_ho, b_o = (np.stack([q[k] for q in p]) for k in ("W_ih", "b_h", "W_ho", "b_o"))
    order = orders(starts, epochs) if order is None else order[:, :epochs]
    X, T = INPUTS[:, :, None], TARGETS[:, :, None]          # (4, 2, 1), (4, 1, 1)
    XT, want = INPUTS.T[None], TARGETS.T[None] > 0.5        # (1, 2, 4), (1, 1, 4)
    losses, right = np.zeros((S, epochs)), np.zeros((S, epochs), dtype=bool)
    rows = np.arange(S)
    for e in range(epochs):
        total = np.zeros(S)
        for k in range(order.shape[2]):
            i = order[rows, e, k]
            x, t = X[i], T[i]                                   # (S, 2, 1), (S, 1, 1)
            h = _sigmoid(W_ih @ x + b_h)
            o = _sigmoid(W_ho @ h + b_o)
            e_o = t - o
            total += np.sum(e_o ** 2, axis=(1, 2))
            push_o = e_o * (o * (1 - o))
            e_h = np.swapaxes(W_ho, 1, 2) @ (push_o if rule == "exact" else e_o)
            push_h = e_h * (h * (1 - h))
            W_ih = W_ih + lr * (push_h @ np.swapaxes(x, 1, 2))
            b_h = b_h + lr * push_h
            W_ho = W_ho + lr * (push_o @ np.swapaxes(h, 1, 2))
            b_o = b_o + lr * push_o
        losses[:, e] = total / order.shape[2]
        o_all = _sigmoid(W_ho @ _sigmoid(W_ih @ XT + b_h) + b_o)  # (S, 1, 4)
        right[:, e] = np.all((o_all > 0.5) == want, axis=(1, 2))
    return {"W_ih": W_ih, "b_h": b_h, "W_ho": W_ho, "b_o": b_o}, losses, right


def epochs_to_converge(right):
    """Per start: the first epoch (counting from 1) after which every later epoch is right, or None if the last is wrong."""
    out = []
    for row in right:
        if not row[-1]:
            out.append(None)
            continue
        wrong = np.flatnonzero(~row)
        out.append(int(wrong[-1]) + 2 if len(wrong) else 1)
    return out


def verify(n_hidden, lr, epochs, starts, rule):
    """The side-by-side runs equal network.train's, start by start (largest difference of any parameter or loss)."""
    params, losses, _ = train_many(n_hidden, lr, epochs, starts, rule)
    worst = 0.0
    for i, s in enumerate(starts):
        one, one_losses = network.train(network.init_params(2, n_hidden, 1, seed=s), INPUTS, TARGETS, lr, epochs,
                                        seed=s, rule=rule)
        worst = max([worst, float(np.max(np.abs(np.array(one_losses) - losses[i])))]
                    + [float(np.max(np.abs(one[k] - params[k][i]))) for k in one])
    return worst


def summarise(n_hidden, lr, epochs, starts, rule, order):
    _, losses, right = train_many(n_hidden, lr, epochs, starts, rule, order)
    when = epochs_to_converge(right)
    done = [w for w in when if w is not None]
    return {"hidden": n_hidden, "rule": rule, "lr": lr, "epochs": epochs, "converged": len(done), "runs": len(starts),
            "median_epochs": float(np.median(done)) if done else None,
            "stuck_starts": [int(s) for s, w in zip(starts, when) if w is None],
            "final_loss_median": float(np.median(losses[:, -1]))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=50, help="random starts 0..N-1 per setting (default 50)")
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--verify", type=int, default=2, help="starts per table setting checked against network.train")
    parser.add_argument("--verify-epochs", type=int, default=200)
    parser.add_argument("--write", action="store_true", help=f"write {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    starts = list(range(args.starts))
    t0 = time.perf_counter()

    if args.verify:
        worst = max(verify(h, lr, args.verify_epochs, starts[:args.verify], rule)
                    for h in TABLE_HIDDEN for rule in TABLE_RULES for lr in TABLE_LRS)
        print(f"side-by-side runs vs network.train ({args.verify} starts x 8 settings, {args.verify_epochs} epochs): "
              f"largest difference {worst:.1e}")
        assert worst < 1e-9, "the side-by-side trainer does not reproduce network.train"

    order = orders(starts, args.epochs)
    table = [summarise(h, lr, args.epochs, starts, rule, order)
             for h in TABLE_HIDDEN for lr in TABLE_LRS for rule in TABLE_RULES]
    sweep = [summarise(h, lr, args.epochs, starts, rule, order)
             for h in TABLE_HIDDEN for rule in TABLE_RULES for lr in SWEEP_LRS]
    long_order = orders(starts, 10 * args.epochs)
    long = [summarise(h, lr, 10 * args.epochs, starts, rule, long_order) for h, rule, lr in LONG]
    seconds = time.perf_counter() - t0

    print(f"\nXOR, {args.starts} random starts (0..{args.starts - 1}), {args.epochs} epochs, U[-1, 1] start, "
          "per-example steps in shuffled order")
    print(f"{'network':>8} {'rule':>6} {'lr':>5} {'converged':>10} {'median epochs':>14}  stuck starts")
    for r in table:
        med = "-" if r["median_epochs"] is None else f"{r['median_epochs']:.0f}"
        print(f"{'2-%d-1' % r['hidden']:>8} {r['rule']:>6} {r['lr']:>5} {r['converged']:>4}/{r['runs']:<5} "
              f"{med:>14}  {r['stuck_starts']}")
    print("\nlearning-rate sweep (converged / runs, median epochs to converge)")
    print(f"{'network':>8} {'rule':>6} " + " ".join(f"{lr:>11}" for lr in SWEEP_LRS))
    for h in TABLE_HIDDEN:
        for rule in TABLE_RULES:
            cells = []
            for r in sweep:
                if r["hidden"] == h and r["rule"] == rule:
                    med = "-" if r["median_epochs"] is None else f"{r['median_epochs']:.0f}"
                    cells.append(f"{r['converged']:>2}/{r['runs']} {med:>5}")
            print(f"{'2-%d-1' % h:>8} {rule:>6} " + " ".join(f"{c:>11}" for c in cells))
    for r in long:
        print(f"\n2-{r['hidden']}-1, {r['rule']} rule, learning rate {r['lr']}, {r['epochs']} epochs: "
              f"{r['converged']}/{r['runs']} converged, median {r['median_epochs']:.0f} epochs")
    print(f"\n{seconds:.1f} s on {platform.processor() or platform.machine()}, numpy {np.__version__}")

    if args.write:
        data = {"about": "XOR convergence over random starts; written by benchmarks/xor_convergence.py --write",
                "settings": {"starts": args.starts, "epochs": args.epochs, "init": "network.init_params, U[-1, 1]",
                             "converged": "all four outputs on the right side of 0.5 after the last epoch",
                             "median_epochs": "median over converged starts of the first epoch after which "
                                              "all four stay right"},
                "table": table, "sweep": sweep, "long": long}
        OUTPUT.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
