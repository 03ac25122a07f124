"""Lesson 11: move an input or a weight of one sigmoid node and see every Value of its half cost, and its gradient."""
from .. import pictures
from ..autograd import RULES, backward
from .controls import live, slider


def value_graph_explorer(x=2.0, w=0.3, b=0.25, t=1.0):
    """Sliders for x, w and b of o = sigmoid(w * x + b) with known answer t: the expression graph of
    C/2 = 0.5 * (t - o)**2 is rebuilt, run backward (the course's rules) and redrawn on every change."""

    def draw(x, w, b):
        cost, names = pictures.neuron_graph(x, w, b, t)
        backward(cost, RULES)
        pictures.draw_value_graph(cost, names, title=f"C/2 = {cost.data:.4f}; under each value its grad: "
                                                    "how fast C/2 changes as that value changes")

    controls = {"x": slider("input x", x, -3, 3, 0.1), "w": slider("weight w", w, -3, 3, 0.05),
                "b": slider("bias b", b, -3, 3, 0.05)}
    return live(draw, controls)
