"""Interactive explorers: ipywidgets controls that redraw a picture from the reference math, by lesson group.

They work before a student writes any code; pass the student's own function as `mine` to see its
answer printed beside the reference. The lessons write `widgets.NAME`: every name they use is here.
"""
from .activations import activation_explorer  # noqa: F401
from .autograd import value_graph_explorer  # noqa: F401
from .bias import stuck_node_explorer, training_explorer  # noqa: F401
from .blame import (COLUMN_WIDTH, DEEP_NAMES, DEEP_WEIGHTS, E_O2, W_HO2, W_HO3, blame_explorer,  # noqa: F401
                    blame_two_outputs_explorer, error_flow_explorer, matrix_explorer)
from .controls import live, slider  # noqa: F401
from .digits import INK_LEVELS, digit_drawing  # noqa: F401
from .feedforward import W_HO, W_IH, error_explorer, feedforward_explorer, sigmoid_explorer  # noqa: F401
from .gradient_check import gradient_check_explorer  # noqa: F401
from .nudging import (NODE_TARGET, NODE_W, NODE_X, delta_weights_explorer, descent_explorer,  # noqa: F401
                      slope_explorer, wiggle_explorer)
from .xor import XorTrainer, xor_trainer  # noqa: F401
