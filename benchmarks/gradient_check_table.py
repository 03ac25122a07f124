"""Gradient check of both hidden-error rules on seeded 3-4-2 sigmoid networks with bias: a markdown table.

    .venv/bin/python benchmarks/gradient_check_table.py [--seeds 20] [--eps 1e-5]

For each seed s: parameters from backprop.network.init_params(3, 4, 2, seed=s) (uniform in [-1, 1]),
one input x uniform in [-1, 1]^3 and a target t in {0, 1}^2 drawn by default_rng(1000 + s). Each
rule's step directions come from backprop.network.gradients(params, x, t, rule=...) (bias included;
with the exact rule they are minus the slope of C/2, C = sum((t - o)**2)); the measured slopes from
backprop.reference.numerical_gradient (central differences) of C/2 for every parameter. Per
parameter matrix the relative error is ||step + slope|| / (||step|| + ||slope||) (Frobenius norms):
0 when they agree, 1 when they share nothing. The table gives its median and maximum over the seeds.
A second table compares the story's W_ih step with the chain rule's: the cosine between them (1 =
same direction) and how many times longer the story's step is.
"""
import argparse

import numpy as np

from backprop import network
from backprop import reference as ref

KEYS = ["W_ih", "b_h", "W_ho", "b_o"]
RULES = {"story": "story's rule `W_ho.T @ e_o`", "exact": "chain rule `W_ho.T @ (e_o * o * (1 - o))`"}


def example(seed):
    """The seed's parameters, input column and target column."""
    params = network.init_params(3, 4, 2, seed=seed)
    rng = np.random.default_rng(1000 + seed)
    return params, rng.uniform(-1, 1, (3, 1)), rng.integers(0, 2, (2, 1)).astype(float)


def half_cost(params, x, t):
    return ref.cost(t, network.predict(params, x)) / 2


def slopes(params, x, t, eps):
    """Central-difference slopes of C/2 for every parameter, a dict like params."""
    measured = {}
    for key in KEYS:
        measured[key] = ref.numerical_gradient(lambda P: half_cost(dict(params, **{key: P}), x, t), params[key], eps)
    return measured


def relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def measure(seeds, eps):
    """(errors[rule][key] -> relative errors over the seeds, [(cosine, length ratio)] of the W_ih steps)."""
    errors = {rule: {key: [] for key in KEYS} for rule in RULES}
    directions = []
    for seed in range(seeds):
        params, x, t = example(seed)
        measured = slopes(params, x, t, eps)
        steps = {rule: network.gradients(params, x, t, rule=rule) for rule in RULES}
        for rule in RULES:
            for key in KEYS:
                errors[rule][key].append(relative_error(steps[rule][key], -measured[key]))
        story, exact = steps["story"]["W_ih"].ravel(), steps["exact"]["W_ih"].ravel()
        norms = np.linalg.norm(story) * np.linalg.norm(exact)
        directions.append((float(story @ exact / norms), float(np.linalg.norm(story) / np.linalg.norm(exact))))
    return errors, directions


def direction_table(directions):
    cosines, ratios = np.array(directions).T
    return "\n".join([
        "| story's `W_ih` step against the chain rule's | median | min | max |", "|---|---|---|---|",
        f"| cosine (1 = same direction) | {np.median(cosines):.4f} | {cosines.min():.4f} | {cosines.max():.4f} |",
        f"| length ratio (story / chain rule) | {np.median(ratios):.2f} | {ratios.min():.2f} | {ratios.max():.2f} |"])


def table(errors):
    lines = [f"| parameter | {RULES['story']}: median | max | {RULES['exact']}: median | max |",
             "|---|---|---|---|---|"]
    for key in KEYS:
        cells = []
        for rule in RULES:
            values = np.array(errors[rule][key])
            cells += [f"{np.median(values):.2g}", f"{values.max():.2g}"]
        lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--eps", type=float, default=1e-5)
    args = parser.parse_args()
    errors, directions = measure(args.seeds, args.eps)
    print(f"Relative error per parameter, {args.seeds} seeded 3-4-2 sigmoid networks with bias, "
          f"central differences with eps = {args.eps:g}:\n")
    print(table(errors))
    print()
    print(direction_table(directions))


if __name__ == "__main__":
    main()
