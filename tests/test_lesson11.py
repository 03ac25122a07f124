"""Lesson 11 (a tiny autograd): Value and the reference rules against independent oracles, the checks'
view of a graph, the graph picture and its explorer, the walled check's plain data, and quoted numbers."""
import copy
import math

import matplotlib
import numpy as np
import pytest

from backprop import autograd, checks, mistakes, pictures, widgets
from backprop import reference as ref
from backprop.autograd import RULES, Value
from backprop.network import init_params
from coursekit.course import finished, read
from readable import overlapping_texts, widget_controls

matplotlib.use("Agg")
plt = matplotlib.pyplot
LESSON = "11_autograd"


# --- Value and the rules ------------------------------------------------------------------------

def test_value_records_how_it_was_made():
    a, b = Value(2.0), Value(-3.0)
    s, p, g = a + b, a * b, a.sigmoid()
    assert (s.data, s.op, s.parents) == (-1.0, "+", (a, b))
    assert (p.data, p.op, p.parents) == (-6.0, "*", (a, b))
    assert g.op == "sigmoid" and g.parents == (a,) and g.data == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert a.op == "" and a.parents == () and a.grad == 0.0 and isinstance(a.data, float)


def test_numbers_are_wrapped_as_leaves_on_either_side():
    a = Value(1.5)
    for node, number_first in [(a + 2, False), (2 + a, True), (a * 3, False), (3 * a, True)]:
        number = node.parents[0] if number_first else node.parents[1]
        assert isinstance(number, Value) and number.op == "" and number.parents == ()
        assert a in node.parents
    assert (0.5 + a).data == 2.0 and (-1 * a).data == -1.5


def test_sigmoid_of_a_very_negative_number_does_not_overflow():
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0
    for z in (-30.0, -2.5, 0.0, 2.5, 30.0):
        assert Value(z).sigmoid().data == pytest.approx(float(ref.sigmoid(z)), rel=1e-12)


def _leaf_slope(build, leaves, index, eps=1e-6):
    """Central difference of build(*numbers).data in leaves[index]: the oracle, which never runs backward."""
    up, down = list(leaves), list(leaves)
    up[index] += eps
    down[index] -= eps
    return (build(*[Value(v) for v in up]).data - build(*[Value(v) for v in down]).data) / (2 * eps)


GRAPHS = {
    "a + a": lambda a, b: a + a,
    "a * a": lambda a, b: a * a,
    "a * b + a": lambda a, b: a * b + a,
    "sigmoid(a * b) * a": lambda a, b: (a * b).sigmoid() * a,
    "(a + b) * (a + b)": lambda a, b: (a + b) * (a + b),
    "e * e, e = 1 - sigmoid(a * 2 + b)": lambda a, b: (1.0 + (-1) * (a * 2.0 + b).sigmoid()) * (1.0 + (-1) * (a * 2.0 + b).sigmoid()),
    "shared interior node": lambda a, b: (lambda d: d * d + d * b)((a * b + a).sigmoid()),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_backward_matches_finite_differences(name):
    build = GRAPHS[name]
    rng = np.random.default_rng(len(name))
    for _ in range(5):
        numbers = list(rng.normal(0, 1.2, 2))
        leaves = [Value(v) for v in numbers]
        root = build(*leaves)
        autograd.backward(root, RULES)
        assert root.grad == 1.0
        for i, leaf in enumerate(leaves):
            assert leaf.grad == pytest.approx(_leaf_slope(build, numbers, i), rel=1e-6, abs=1e-8), (name, i)


@pytest.mark.parametrize("rule, op, make", [(autograd.add_backward, "+", lambda a, b: a + b),
                                            (autograd.mul_backward, "*", lambda a, b: a * b),
                                            (autograd.sigmoid_backward, "sigmoid", lambda a, b: a.sigmoid())])
def test_each_rule_adds_node_grad_times_the_local_slope(rule, op, make):
    """The spec's local slopes: 1; the other factor's data; node.data * (1 - node.data); added to what was there."""
    a, b = Value(0.7), Value(-1.3)
    a.grad, b.grad = 0.25, -0.5
    node = make(a, b)
    node.grad = 1.5
    rule(node)
    slopes = {"+": (1.0, 1.0), "*": (-1.3, 0.7), "sigmoid": (node.data * (1 - node.data), None)}[op]
    assert a.grad == pytest.approx(0.25 + 1.5 * slopes[0])
    assert b.grad == pytest.approx(-0.5 + (1.5 * slopes[1] if slopes[1] is not None else 0.0))
    assert node.grad == 1.5 and node.op == op


def test_topological_order_lists_each_node_once_after_its_parents():
    a, b = Value(2.0), Value(-3.0)
    d = a * b
    e = d + a
    root = e * e
    order = autograd.topological_order(root)
    assert order[-1] is root and len(order) == 5 and {id(n) for n in order} == {id(n) for n in (a, b, d, e, root)}
    place = {id(n): i for i, n in enumerate(order)}
    assert all(place[id(p)] < place[id(n)] for n in order for p in n.parents)
    assert autograd.order_verdict(root, order) == dict.fromkeys(autograd.ORDER_VERDICTS, True)
    assert autograd.topological_order(a) == [a]


# --- the lesson's network of Values against lessons 06 and 07 ------------------------------------

def _network_half_cost(net, x, t):
    """The lesson's network of Values, written independently here: C/2 of one example."""
    def layer(W, b, inputs):
        return [(sum((w * v for w, v in zip(row, inputs)), 0.0) + bias).sigmoid() for row, (bias,) in zip(W, b)]
    o = layer(net["W_ho"], net["b_o"], layer(net["W_ih"], net["b_h"], x))
    return sum((0.5 * ((ti + (-1) * oi) * (ti + (-1) * oi)) for oi, ti in zip(o, t)), 0.0)


@pytest.mark.parametrize("shape, lr", [((3, 4, 2), 0.3), ((2, 5, 3), 1.7), ((4, 3, 1), 0.05)])
def test_value_network_gradients_equal_train_step_and_numerical_gradient(shape, lr):
    rng = np.random.default_rng(sum(shape))
    params = init_params(*shape, seed=int(rng.integers(100)), scale=1.5)
    x, t = rng.uniform(-1, 1, (shape[0], 1)), rng.uniform(0.05, 0.95, (shape[2], 1))
    net = {key: [[Value(v) for v in row] for row in array] for key, array in params.items()}
    autograd.backward(_network_half_cost(net, x.ravel(), t.ravel()), RULES)
    stepped = ref.train_step(params, x, t, lr)
    for key in params:
        grad = np.array([[v.grad for v in row] for row in net[key]])
        assert np.max(np.abs(-lr * grad - (stepped[key] - params[key]))) < 1e-12, key

        def f(W, key=key):
            return ref.cost(t, ref.predict(dict(params, **{key: W}), x)) / 2
        assert np.max(np.abs(grad - ref.numerical_gradient(f, params[key]))) < 1e-8, key


# --- how the checks see a graph ----------------------------------------------------------------

def test_check_reports_gradients_by_path_and_names_assignment_on_a_shared_value():
    a = Value(4.0)
    c = a + a
    c.grad = 3.0
    with pytest.raises(AssertionError, match=r"instead of adding to it with \+="):
        checks.check(mistakes.for_function("add_backward")[0].compute, c, name="add_backward")
    checks.check(checks.own_copy(autograd.add_backward), c, want={"node.grad": 3.0, "node.parents[0].grad": 6.0})
    assert c.parents[0].grad == 0.0, "the check works on a copy of the graph"


def test_every_mistake_differs_from_the_reference_on_the_hidden_fixtures():
    """Each catalogued mistake of lesson 11 loses its hidden test (the bank proves it with real nbgrader)."""
    from grader.autograde import out_of_kernel
    tests = out_of_kernel.hidden_cases(read("solutions", LESSON))
    for grade_id, _, cases in tests:
        name = grade_id.removeprefix("test_")
        for mistake in mistakes.for_function(name):
            caught = False
            for case in cases:
                args = copy.deepcopy(case["args"])
                try:
                    got = checks.outcome(name, args, mistake.compute(*args))
                except Exception:
                    caught = True
                    break
                if checks.compare(got, case["want"]) is not None:
                    caught = True
                    break
            assert caught, f"{name}: the hidden test does not catch {mistake.label!r}"


def test_graphs_cross_the_wall_as_plain_data_with_their_shared_nodes():
    import json

    from grader.wall.inside.plaindata import Foreign, decode, encode
    a, b = Value(2.0), Value(-3.0)
    a.grad = 0.5
    d = a * b + a
    root = d * d
    order = autograd.topological_order(root)
    data = json.loads(json.dumps({"root": encode(root), "order": encode(order), "rules": encode(RULES)}))
    back, listed, rules = decode(data["root"]), decode(data["order"]), decode(data["rules"])
    assert rules == RULES
    assert back.parents[0] is back.parents[1] and back.data == root.data
    assert [(n.data, n.grad, n.op) for n in autograd.topological_order(back)] == [(n.data, n.grad, n.op) for n in order]
    verdict = autograd.order_verdict(back, listed, key=autograd.node_key)
    assert verdict == dict.fromkeys(autograd.ORDER_VERDICTS, True)
    assert not autograd.order_verdict(back, listed[::-1], key=autograd.node_key)["each node after its parents"]
    for forged in ("__import__", "Value", "_short", "math"):
        assert isinstance(decode({"rule": forged}), Foreign), forged


def test_a_graph_too_big_to_be_a_fixture_does_not_cross_the_wall():
    """A chain longer than MAX_GRAPH_NODES (a student's code can grow the graph it was handed) comes back Foreign,
    never matching, so the grader never walks it; one at the limit crosses whole."""
    import json

    from grader.wall.inside.plaindata import MAX_GRAPH_NODES, Foreign, decode, encode

    def chain(n):
        node = Value(1.0)
        for _ in range(n - 1):
            node = Value(node.data, (node,), "sigmoid")
        return node
    at_limit = decode(json.loads(json.dumps(encode(chain(MAX_GRAPH_NODES)))))
    assert len(autograd.nodes_by_path(at_limit)) == MAX_GRAPH_NODES
    over = decode(json.loads(json.dumps(encode(chain(MAX_GRAPH_NODES + 50)))))
    assert isinstance(over, Foreign) and checks.compare(over, 1.0) is not None


@pytest.fixture(scope="module")
def out_of_kernel():
    """Grade one submission of lesson 11 the way `python -m grader grade` checks it outside the kernel."""
    from grader import wall as grading_wall
    from grader.autograde import out_of_kernel
    source = read("solutions", LESSON)
    tests = out_of_kernel.hidden_cases(source)
    setup = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    with grading_wall.Wall(allow_unwalled=True) as wall:

        def grade(nb):
            results, _ = out_of_kernel.run_check(out_of_kernel.student_cells(nb), setup, tests, spawn=wall.python_argv)
            wall.reset()
            return {grade_id: score for grade_id, (score, *_) in out_of_kernel.score_results(tests, results).items()}
        yield grade


FUNCTIONS = ["add_backward", "mul_backward", "sigmoid_backward", "topological_order", "backward"]


def _bank_cases():
    import tomllib

    from coursekit.course import BANK
    entries = tomllib.loads((BANK / f"{LESSON}.toml").read_text())["entry"]
    return [pytest.param(e, id=f"{e['function']}:{e['style']}:{e.get('mistake', i)}") for i, e in enumerate(entries)]


def test_out_of_kernel_check_scores_the_finished_and_the_untouched_lesson(out_of_kernel):
    assert out_of_kernel(finished(LESSON)) == {f"test_{f}": 1.0 for f in FUNCTIONS}
    assert out_of_kernel(read("lessons", LESSON)) == {f"test_{f}": 0.0 for f in FUNCTIONS}


@pytest.mark.parametrize("entry", _bank_cases())
def test_out_of_kernel_check_agrees_with_the_bank(entry, out_of_kernel):
    """Graphs and rules reach the walled child: right answers keep the point, wrong ones lose only theirs."""
    scores = out_of_kernel(finished(LESSON, {entry["function"]: entry["code"]}))
    want = {f"test_{f}": 1.0 for f in FUNCTIONS}
    if entry["style"] == "wrong":
        want[f"test_{entry['function']}"] = 0.0
    assert scores == want


# --- the picture and its explorer ----------------------------------------------------------------

def _boxes_overlap(ax):
    """Pairs of node boxes whose drawn extents overlap, and texts that stick out of every box."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, matplotlib.patches.FancyBboxPatch)]
    bad = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        if not any(b.x0 <= extent.x0 and extent.x1 <= b.x1 and b.y0 <= extent.y0 and extent.y1 <= b.y1 for b in boxes):
            bad.append(text.get_text())
    return bad


@pytest.mark.parametrize("x, w, b", [(2.0, 0.3, 0.25), (-3.0, -3.0, 3.0), (0.0, 2.95, -2.95)])
def test_value_graph_is_readable(x, w, b):
    cost, names = pictures.neuron_graph(x, w, b, 1.0)
    autograd.backward(cost, RULES)
    ax = pictures.draw_value_graph(cost, names, title="C/2 of one node")
    try:
        assert ax.figure.get_size_inches()[0] * ax.figure.dpi <= 1100, "wider than a notebook at 1280 px"
        assert not overlapping_texts(ax.figure)
        assert not _boxes_overlap(ax)
        assert len([p for p in ax.patches if isinstance(p, matplotlib.patches.FancyBboxPatch)]) == 13
        assert f"{cost.data:.3f}" in [t.get_text() for t in ax.texts]
    finally:
        plt.close(ax.figure)


def test_graph_shows_the_gradients_backward_computed():
    cost, names = pictures.neuron_graph(2.0, 0.3, 0.25, 1.0)
    autograd.backward(cost, RULES)
    w = next(node for node, name in names.items() if name == "w")
    o = 1 / (1 + math.exp(-0.85))
    assert w.grad == pytest.approx(-(1 - o) * o * (1 - o) * 2.0)
    ax = pictures.draw_value_graph(cost, names)
    assert f"grad {w.grad:+.3f}" in [t.get_text() for t in ax.texts]
    plt.close(ax.figure)


def test_value_graph_explorer_draws_and_redraws_for_every_control(draws):
    box = widgets.value_graph_explorer()
    assert draws and draws[-1] >= 1
    controls = widget_controls(box)
    assert [c.description for c in controls] == ["input x", "weight w", "bias b"]
    for control in controls:
        before = len(draws)
        control.value = control.value + control.step
        assert len(draws) == before + 1 and draws[-1] >= 1, f"moving {control.description} did not redraw"


# --- the lesson's quoted numbers ------------------------------------------------------------------

def _prose():
    return "\n".join(c.source for c in read("solutions", LESSON).cells if c.cell_type == "markdown")


def test_quoted_numbers_of_the_guess_and_the_network():
    x, w, b, t = Value(2.0), Value(0.3), Value(0.25), 1.0
    o = (w * x + b).sigmoid()
    error = t + (-1) * o
    half = 0.5 * (error * error)
    autograd.backward(half, RULES)
    prose = _prose()
    assert f"{o.data:.3f}" == "0.701" and f"{error.data:.3f}" == "0.299" and f"{half.data:.3f}" == "0.045"
    assert f"`w.grad` is {w.grad:.4f}" in prose and f"gives +{-w.grad:.4f}" in prose
    stale_claim = "sits at\nexactly 0.2500"
    assert stale_claim in prose


def test_no_reset_and_xor_numbers_are_the_ones_printed():
    """The XOR run with Values equals lesson 08's train, and without the reset the loss freezes at 0.25."""
    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = np.array([[0.0], [1.0], [1.0], [0.0]])
    start = init_params(2, 2, 1, seed=0)

    def run(reset):
        net = {key: [[Value(v) for v in row] for row in array] for key, array in start.items()}
        weights = [v for rows in net.values() for row in rows for v in row]
        rng, losses = np.random.default_rng(0), []
        for _ in range(300):
            costs = []
            for i in rng.permutation(4):
                if reset:
                    for v in weights:
                        v.grad = 0.0
                loss = _network_half_cost(net, inputs[i], targets[i])
                autograd.backward(loss, RULES)
                costs.append(2 * loss.data)
                for v in weights:
                    v.data -= 1.0 * v.grad
            losses.append(float(np.mean(costs)))
        return losses

    _, course = ref.train(start, inputs, targets, 1.0, 300, seed=0)
    assert np.max(np.abs(np.array(run(True)) - course)) < 1e-12
    stale = run(False)
    assert f"{stale[9]:.4f}" == "0.3822" and f"{stale[99]:.4f}" == f"{stale[299]:.4f}" == "0.2500"
