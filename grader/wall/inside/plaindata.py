"""Plain data across the wall: what the check child sends back, and the fixtures it is sent.

Imported by both sides: the grader (as ``grader.wall.inside.plaindata``, through the out-of-kernel check) and the check
child inside the wall (``check_child.py``, as ``plaindata``). Only numbers, strings, numeric arrays,
tuples, lists, dicts, None, a few named function arguments and lesson 11's graphs of ``Value``s cross
(every node reachable through ``.parents`` with its data, grad, op and the id it had where it was encoded,
which the rebuilt node keeps as ``wire_id``); anything else becomes a ``Foreign`` that never matches a
reference answer.
"""
import functools
import importlib
import sys
import types

import numpy as np

MAX_GRAPH_NODES = 2000  # lesson 11's graphs have tens of nodes; a bigger one (built to weigh on the grader) is Foreign


def encode(value):
    """Plain JSON for numbers, strings, arrays, tuples, lists, dicts, None; anything else becomes {'obj': type}."""
    kind = type(value)
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf":
            return {"obj": f"array of {value.dtype}"}
        return {"nd": value.dtype.str, "shape": list(value.shape), "data": value.ravel().tolist()}
    if kind in (bool, int, float, str):
        return {kind.__name__: value}
    if isinstance(value, np.generic) and kind in (np.float64, np.float32, np.int64, np.int32, np.bool_):
        return {"np": np.dtype(kind).str, "v": value.item()}
    if kind in (tuple, list):
        return {kind.__name__: [encode(v) for v in value]}
    if kind is dict:
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if value is None:
        return {"none": 1}
    if kind is functools.partial and not value.keywords:  # a function argument (lesson 06's f): by name
        return {"partial": encode(value.func), "args": [encode(a) for a in value.args]}
    if callable(value) and getattr(value, "__module__", None) == "backprop.curves" \
            and getattr(sys.modules.get("backprop.curves"), getattr(value, "__name__", ""), None) is value:
        return {"curve": value.__name__}
    autograd = sys.modules.get("backprop.autograd")
    if autograd is not None and kind is autograd.Value:
        return _encode_graph(value, autograd.Value)
    if callable(value) and autograd is not None and getattr(value, "__module__", None) == "backprop.autograd" \
            and getattr(autograd, getattr(value, "__name__", ""), None) is value:  # a backward rule (lesson 11)
        return {"rule": value.__name__}
    return {"obj": kind.__name__}


def _encode_graph(root, value_type, limit=MAX_GRAPH_NODES + 1):
    """A graph of Values as plain data: {"graph": [[id, data, grad, op, [parent ids]], ...], "root": id}
    (at most `limit` nodes: one over MAX_GRAPH_NODES is enough for the other side to refuse it)."""
    nodes, seen, stack = [], set(), [root]
    while stack and len(nodes) < limit:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        parents = node.parents if type(node.parents) is tuple else ()
        parents = [p for p in parents if type(p) is value_type]
        op = node.op if type(node.op) is str else repr(node.op)
        nodes.append([id(node), encode(node.data), encode(node.grad), op, [id(p) for p in parents]])
        stack += parents
    return {"graph": nodes, "root": id(root)}


def _decode_graph(data):
    """The Values _encode_graph described, rebuilt (each with its old id as wire_id); returns the root.
    A graph of more than MAX_GRAPH_NODES nodes is not rebuilt: what the checks walk stays small."""
    from backprop.autograd import Value
    if len(data["graph"]) > MAX_GRAPH_NODES:
        return Foreign(f"graph of more than {MAX_GRAPH_NODES} Values")
    built = {}
    for wire_id, node_data, grad, op, _ in data["graph"]:
        node = Value(0.0)
        node.data, node.grad, node.op, node.wire_id = decode(node_data), decode(grad), str(op), int(wire_id)
        built[wire_id] = node
    for wire_id, _, _, _, parents in data["graph"]:
        built[wire_id].parents = tuple(built[p] for p in parents if p in built)
    return built.get(data["root"], Foreign("Value"))


class Foreign:
    """Stands for an object the child returned that is not plain data: it never matches anything."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


def decode(data):
    """The value encode() described (Foreign for anything that was not plain data)."""
    if "nd" in data:
        return np.array(data["data"], dtype=np.dtype(data["nd"])).reshape(data["shape"])
    if "np" in data:
        return np.dtype(data["np"]).type(data["v"])
    for key, kind in (("bool", bool), ("int", int), ("float", float), ("str", str)):
        if key in data:
            return kind(data[key])
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    if "list" in data:
        return [decode(v) for v in data["list"]]
    if "dict" in data:
        return {decode(k): decode(v) for k, v in data["dict"]}
    if "none" in data:
        return None
    if "curve" in data:  # only the public functions of backprop.curves: plain module attributes, never called here
        curves = importlib.import_module("backprop.curves")
        name = str(data["curve"])
        found = getattr(curves, name, None) if name.isidentifier() and not name.startswith("_") else None
        return found if callable(found) and getattr(found, "__module__", None) == "backprop.curves" else Foreign(name)
    if "graph" in data:
        return _decode_graph(data)
    if "rule" in data:  # only the public functions of backprop.autograd
        autograd = importlib.import_module("backprop.autograd")
        name = str(data["rule"])
        found = getattr(autograd, name, None) if name.isidentifier() and not name.startswith("_") else None
        return found if type(found) is types.FunctionType and found.__module__ == "backprop.autograd" else Foreign(name)
    if "partial" in data:
        fn = decode(data["partial"])
        return Foreign("partial") if isinstance(fn, Foreign) else functools.partial(fn, *[decode(a) for a in data["args"]])
    return Foreign(str(data.get("obj")))
