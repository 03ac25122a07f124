"""The XOR task of lesson 08: its four rows and targets, and the saved sweep of how often training learns it.

The sweep lives in backprop/xor_convergence.json, written by benchmarks/xor_convergence.py --write;
nothing is computed here. Shapes follow the course: inputs are rows (4, 2), targets rows (4, 1).
"""
import json
from pathlib import Path

import numpy as np

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=float)
XOR_CONVERGENCE = Path(__file__).with_name("xor_convergence.json")


def load_xor_convergence(path=XOR_CONVERGENCE):
    """The convergence table written by benchmarks/xor_convergence.py --write, as a dict."""
    return json.loads(Path(path).read_text())
