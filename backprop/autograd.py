"""Lesson 11: a tiny scalar automatic differentiation, backpropagation for any network.

A `Value` is one number of a calculation together with how it was made: the Values it came from
(`parents`) and the operation (`op`: "+", "*", "sigmoid", or "" for a leaf). Each operation has a
backward rule that knows its own local slope (lesson 04's idea) and adds, to each parent's `grad`, the
node's `grad` times that slope; `backward` walks the graph from the answer back to the leaves in
reverse topological order, so the chain rule (lesson 06) multiplies slopes along every path and adds
the paths up. The graded functions of lesson 11 are the reference versions below.
"""
import math


class Value:
    """One number in a calculation: .data, .grad (dC/d this, starts at 0.0), .parents and .op."""

    def __init__(self, data, parents=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op

    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        other = as_value(other)
        return Value(self.data * other.data, (self, other), "*")

    def __radd__(self, other):
        return as_value(other) + self

    def __rmul__(self, other):
        return as_value(other) * self

    def sigmoid(self):
        """A new node: the logistic function 1 / (1 + e^-data) of this one."""
        if self.data >= 0:
            return Value(1.0 / (1.0 + math.exp(-self.data)), (self,), "sigmoid")
        lift = math.exp(self.data)  # the same number, written so that a very negative data cannot overflow
        return Value(lift / (1.0 + lift), (self,), "sigmoid")

    def __repr__(self):
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={_short(self.data)}, grad={_short(self.grad)}{op})"


def _short(number):
    """A number in 4 significant digits (anything else as its repr)."""
    return f"{number:.4g}" if isinstance(number, (int, float)) else repr(number)


def as_value(x):
    """x itself when it is a Value, else a new leaf holding the number x."""
    return x if isinstance(x, Value) else Value(x)


# --- the graded functions' reference versions -------------------------------------------------

def add_backward(node):
    """node = a + b: the local slope is 1 for both, so each parent gets node.grad added."""
    for parent in node.parents:
        parent.grad += node.grad * 1.0


def mul_backward(node):
    """node = a * b: a's local slope is b.data and b's is a.data; each gets node.grad times it."""
    a, b = node.parents
    a.grad += node.grad * b.data
    b.grad += node.grad * a.data


def sigmoid_backward(node):
    """node = sigmoid(a): the local slope is node.data * (1 - node.data), read from the output."""
    (a,) = node.parents
    a.grad += node.grad * node.data * (1 - node.data)


def topological_order(root):
    """Every node reachable from root once, each after all of its parents (root last)."""
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def backward(root, rules):
    """root.grad = 1, then rules[node.op](node) for every node with parents, root first (reverse topological order)."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        if node.parents:
            rules[node.op](node)


RULES = {"+": add_backward, "*": mul_backward, "sigmoid": sigmoid_backward}


# --- what the course's checks look at (not part of the lesson) --------------------------------

def nodes_by_path(root, name="root"):
    """[(path, node)] for every node reachable from root, each once, named by the first path that reaches it
    breadth-first: "root", "root.parents[0]", "root.parents[0].parents[1]", ..."""
    found, seen, queue = [], set(), [(name, root)]
    while queue:
        path, node = queue.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append((path, node))
        parents = getattr(node, "parents", ())
        queue += [(f"{path}.parents[{i}]", p) for i, p in enumerate(parents if isinstance(parents, tuple) else ())
                  if isinstance(p, Value)]
    return found


def gradients_by_path(root, name="root"):
    """{"<path>.grad": grad} for every node of root's graph (see nodes_by_path): what a backward rule changed."""
    grads = {}
    for path, node in nodes_by_path(root, name):
        grad = getattr(node, "grad", None)
        grads[f"{path}.grad"] = float(grad) if isinstance(grad, (int, float)) and not isinstance(grad, bool) else grad
    return grads


ORDER_VERDICTS = ("a list of this graph's nodes", "every node listed", "no node listed twice",
                  "each node after its parents")


def order_verdict(root, listed, key=id):
    """{verdict: True/False} for `listed` as a topological order of root's graph (the keys are ORDER_VERDICTS).

    key(node) names a node (id by default; the grader passes the ids the walled child saw).
    """
    graph = {key(node): node for _, node in nodes_by_path(root)}
    items = list(listed) if isinstance(listed, (list, tuple)) else []
    ours = isinstance(listed, (list, tuple)) and all(isinstance(n, Value) and key(n) in graph for n in items)
    keys = [key(n) for n in items] if ours else []
    position = {}
    for i, k in enumerate(keys):
        position.setdefault(k, i)
    after_parents = ours and all(all(key(p) in position and position[key(p)] < i for p in graph[k].parents)
                                 for i, k in enumerate(keys))
    return {"a list of this graph's nodes": ours,
            "every node listed": ours and set(keys) == set(graph),
            "no node listed twice": ours and len(keys) == len(set(keys)),
            "each node after its parents": after_parents}


def node_key(node):
    """How the checks tell nodes apart: the node itself, or for a node rebuilt by the grader from what the
    walled check process sent, the id it had there (its `wire_id`)."""
    return getattr(node, "wire_id", id(node))
