"""Lesson 11: a tiny autograd; each wrong rule, order or backward pass acts on the graph, as a student's would."""
from .base import Mistake, ref, sig


def _add_assigned(node):
    for parent in node.parents:
        parent.grad = node.grad


def _add_no_upstream(node):
    for parent in node.parents:
        parent.grad += 1.0


def _add_first_parent_only(node):
    node.parents[0].grad += node.grad


def _mul_assigned(node):
    a, b = node.parents
    a.grad = node.grad * b.data
    b.grad = node.grad * a.data


def _mul_own_factor(node):
    a, b = node.parents
    a.grad += node.grad * a.data
    b.grad += node.grad * b.data


def _mul_no_upstream(node):
    a, b = node.parents
    a.grad += b.data
    b.grad += a.data


def _mul_like_add(node):
    for parent in node.parents:
        parent.grad += node.grad


def _sigmoid_slope_of(slope, assign=False, upstream=True):
    def rule(node):
        (a,) = node.parents
        step = (node.grad if upstream else 1.0) * slope(node, a)
        a.grad = step if assign else a.grad + step
    return rule


def _order_without_seen(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def _order_node_first(root):
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        order.append(node)
        for parent in node.parents:
            visit(parent)
    visit(root)
    return order


def _order_without_leaves(root):
    return [node for node in ref.topological_order(root) if node.parents]


def _backward_forwards(root, rules):
    root.grad = 1.0
    for node in ref.topological_order(root):
        if node.parents:
            rules[node.op](node)


def _backward_recursive(root, rules):
    root.grad = 1.0

    def visit(node):
        if node.parents:
            rules[node.op](node)
            for parent in node.parents:
                visit(parent)
    visit(root)


def _backward_no_seed(root, rules):
    for node in reversed(ref.topological_order(root)):
        if node.parents:
            rules[node.op](node)


def _backward_leaves_too(root, rules):
    root.grad = 1.0
    for node in reversed(ref.topological_order(root)):
        rules[node.op](node)


ASSIGNED = ("you set the parents' grad with = instead of adding to it with +=: a value used twice (a + a, a * a, "
            "a weight on two paths) must collect every contribution, and what it already holds from other paths "
            "must stay")
MISTAKES = {
    "add_backward": [
        Mistake("= instead of +=", ASSIGNED, _add_assigned),
        Mistake("no upstream gradient", "you added the local slope 1 alone: multiply it by node.grad, the gradient "
                "arriving from above (the chain rule), parent.grad += node.grad * 1", _add_no_upstream),
        Mistake("first parent only", "only the first parent got its share: both parents of a + b get node.grad "
                "(loop over node.parents)", _add_first_parent_only),
    ],
    "mul_backward": [
        Mistake("slope from the node's own parent", "each parent's slope came from its own .data: in a * b the "
                "local slope for a is the OTHER factor, b.data (and for b it is a.data)", _mul_own_factor),
        Mistake("no upstream gradient", "you added the other factor alone: multiply it by node.grad, the gradient "
                "arriving from above, a.grad += node.grad * b.data", _mul_no_upstream),
        Mistake("slope 1, as for +", "you passed node.grad on unchanged, as + does: for a * b the local slope for a "
                "is b.data, so a.grad += node.grad * b.data", _mul_like_add),
        Mistake("= instead of +=", ASSIGNED, _mul_assigned),
    ],
    "sigmoid_backward": [
        Mistake("slope from the input", "you took the slope from the input, a.data * (1 - a.data): y * (1 - y) "
                "needs the sigmoid's OUTPUT, node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: a.data * (1 - a.data))),
        Mistake("sigmoid again", "you applied the sigmoid to node.data, which is already a sigmoid output: "
                "the slope is node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: sig(node.data) * (1 - sig(node.data)))),
        Mistake("no upstream gradient", "you added the local slope alone: multiply it by node.grad, "
                "a.grad += node.grad * node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: node.data * (1 - node.data), upstream=False)),
        Mistake("= instead of +=", ASSIGNED,
                _sigmoid_slope_of(lambda node, a: node.data * (1 - node.data), assign=True)),
    ],
    "topological_order": [
        Mistake("node listed twice", "a node used twice is listed twice: remember the nodes you have visited "
                "(a set) and skip a node you have seen", _order_without_seen),
        Mistake("node before its parents", "a node comes before its parents: visit all of a node's parents "
                "first, then append the node, so the root comes last", _order_node_first),
        Mistake("leaves left out", "the leaves (inputs, weights, numbers) are missing: list every node reachable "
                "from root, those without parents too", _order_without_leaves),
    ],
    "backward": [
        Mistake("wrong order", "you called the rules in topological order, leaves first: a node may pass its "
                "gradient back only once it is complete, so go through reversed(topological_order(root)), "
                "root first", _backward_forwards),
        Mistake("node visited twice", "a node used twice was visited twice and passed its gradient back twice: "
                "call each node's rule exactly once, in reversed(topological_order(root))", _backward_recursive),
        Mistake("root.grad not set", "every gradient stayed 0: start with root.grad = 1.0 (the root's slope "
                "with respect to itself)", _backward_no_seed),
        Mistake("rules for the leaves", "you called a rule for a leaf (op \"\", no parents): call rules[node.op] "
                "only for nodes that have parents", _backward_leaves_too),
    ],
}
