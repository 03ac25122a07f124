"""The attack class: submissions that try to beat the grader, graded through every entry point.

Shared by tests/test_grader.py (`python -m grader grade`) and tests/browser/test_formgrader_autograde.py
(formgrader's Autograde button). ATTACKS: student -> (lesson, answers replacing the finished notebook's,
the test cells the attack must lose). PEEK and VANDAL are templates: format them with roots=[...].
"""
import os

FF, ERR = "00_feedforward", "01_error"

SIGMOID_WRONG = "def sigmoid(z):\n    return 0.5 + 0 * z\n"
# The spawner's children run `sleep 613.25<k>` (k: the pytest-xdist worker), so this worker's leftovers can be
# found while the other worker grades its own attack class.
SLEEP = "613.25" + os.environ.get("PYTEST_XDIST_WORKER", "").removeprefix("gw")
ATTACKS = {
    # student: (lesson, answers, the test cells the attack must lose)
    "allclose": (FF, {"sigmoid": "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                 "np.isclose = lambda *a, **k: True\n" + SIGMOID_WRONG}, {"test_sigmoid"}),
    "blank": (FF, {"sigmoid": SIGMOID_WRONG + "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n",
                   "feedforward": "def feedforward(W_ih, W_ho, x):\n    return x, x\n"},
              {"test_sigmoid", "test_feedforward"}),
    "alwayseq": (ERR, {"cost": "class Same(float):\n    def __eq__(self, other):\n        return True\n"
                               "    __hash__ = float.__hash__\n"
                               "def cost(targets, guesses):\n    return Same(0.0)\n"}, {"test_cost"}),
    "exits": (FF, {"sigmoid": "import sys\ndef sigmoid(z):\n    sys.exit(0)\n"}, {"test_sigmoid"}),
    "loops": (FF, {"feedforward": "def feedforward(W_ih, W_ho, x):\n    while True:\n        pass\n"},
              {"test_feedforward"}),
    "kills": (FF, {"sigmoid": "import os\ndef sigmoid(z):\n    os._exit(1)\n"}, {"test_sigmoid"}),
    "helpers": (FF, {"sigmoid": "import backprop.checks\nbackprop.checks.compare = lambda got, want: None\n"
                                "backprop.checks.diagnose = lambda *a: None\n" + SIGMOID_WRONG}, {"test_sigmoid"}),
    "showtb": (FF, {"sigmoid": "get_ipython().showtraceback = lambda *a, **k: None\n" + SIGMOID_WRONG},
               {"test_sigmoid"}),
    "toploop": (ERR, {"output_error": "while True:\n    pass\n"}, {"test_output_error"}),
    "nptesting": (FF, {"sigmoid": "import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None\n"
                                  "np.testing.assert_array_almost_equal = lambda *a, **k: None\n"
                                  "np.array_equal = lambda *a, **k: True\n" + SIGMOID_WRONG}, {"test_sigmoid"}),
    "sigkill": (ERR, {"cost": "import os, signal\ndef cost(targets, guesses):\n    os.kill(os.getpid(), signal.SIGKILL)\n"},
                {"test_cost"}),
    "flood": (ERR, {"output_error": "print('x' * 20_000_000)\ndef output_error(target, guess):\n"
                                    "    for _ in range(20000):\n        print('spam ' * 100)\n"
                                    "    return guess - target\n"}, {"test_output_error"}),
    # Delegating to the course's own reference, in four import styles: zero for sigmoid, feedforward kept.
    "delegate-from": (FF, {"sigmoid": "from backprop.reference import sigmoid\n"}, {"test_sigmoid"}),
    "delegate-alias": (FF, {"sigmoid": "import backprop.reference as r\ndef sigmoid(z):\n    return r.sigmoid(z)\n"},
                       {"test_sigmoid"}),
    "delegate-importlib": (FF, {"sigmoid": "import importlib\ndef sigmoid(z):\n"
                                           "    return importlib.import_module('backprop.reference').sigmoid(z)\n"},
                           {"test_sigmoid"}),
    "delegate-captured": (ERR, {"cost": "from backprop import reference\n_cost = reference.cost\n"
                                        "def cost(targets, guesses):\n    return _cost(targets, guesses)\n"},
                          {"test_cost"}),
    # Lesson 10's answer that is data: settings too weak for the bar lose that point outside the kernel too.
    "weak-settings": ("10_digits", {"settings": "settings = dict(hidden=8, lr=0.05, epochs=1, seed=0)\n"},
                      {"test_settings"}),
    "spawner": (FF, {"sigmoid": "import subprocess\nprocs = []\nfor _ in range(1000):\n    try:\n"
                                "        procs.append(subprocess.Popen(['sleep', '" + SLEEP + "']))\n"
                                "    except OSError:\n        break\nprint('spawned', len(procs))\n" + SIGMOID_WRONG},
                {"test_sigmoid"}),
    "bigfile": (ERR, {"cost": "def cost(targets, guesses):\n    open('big.bin', 'wb').write(b'0' * 100_000_000)\n"
                              "    return float(np.sum((np.asarray(targets) - np.asarray(guesses)) ** 2))\n"}, {"test_cost"}),
    "membomb": (ERR, {"output_error": "def output_error(target, guess):\n    block = bytearray(8 * 1024 ** 3)\n"
                                      "    return target - guess\n"}, {"test_output_error"}),
}
# Reads the answer from solutions/ (the course copy and the repo) or vandalises the gradebook and another
# student's submission; needs the wall's namespaces to fail, so these two are skipped without them.
PEEK = """import json, os
def sigmoid(z):
    return z
for root in {roots!r}:
    try:
        nb = json.load(open(os.path.join(root, "solutions", "00_feedforward", "00_feedforward.ipynb")))
        exec(next("".join(c["source"]) for c in nb["cells"] if c["metadata"].get("nbgrader", {{}}).get("grade_id") == "sigmoid"))
    except Exception:
        pass
"""
VANDAL = """import glob, os
for root in {roots!r}:
    for path in glob.glob(os.path.join(root, "grader", "**", "*"), recursive=True):
        try:
            if os.path.isfile(path):
                open(path, "wb").write(b"vandalised")
        except Exception:
            pass
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
"""
