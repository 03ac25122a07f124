"""Pictures the lessons draw: networks with their weights, the sigmoid, errors and costs, one module per lesson group.

Every function draws on a matplotlib Axes (made when `ax` is None) and returns it; while nbgrader grades
a notebook nothing is shown (style.py). The lessons write `pictures.NAME`: every name they use is here.
"""
from ..reference import training_run  # noqa: F401 (lesson 07 calls training_run here)
from ..xor_data import load_xor_convergence  # noqa: F401 (lesson 08 loads the sweep here)
from . import alt
from .activations import (ACTIVATION_COLOURS, ACTIVATION_NAMES, SLOPE_FORMULAS, STEEPEST,  # noqa: F401
                          activation_verdict, plot_activations, plot_loss_curves, plot_solved_by_epoch)
from .autograd import OP_SIGNS, draw_value_graph, graph_layout, neuron_graph  # noqa: F401
from .bias import BIAS_COLOURS, draw_bias_node, plot_bias_runs, plot_node, plot_pinned, plot_training  # noqa: F401
from .blame import (plot_bars, plot_blame, plot_matrix_product, plot_rule_comparison,  # noqa: F401
                    plot_transpose_fit)
from .digits import DIGIT_CMAP, plot_confusion, plot_digits, plot_outputs, plot_pixel_values  # noqa: F401
from .error import plot_cost_curve, plot_error, plot_sigmoid  # noqa: F401
from .gradient_check import (GOOD, RULE_STYLE, WRONG, plot_cost_along_weight, plot_eps_errors,  # noqa: F401
                             plot_relative_errors, short_e)
from .networks import (BIAS_DX, LABEL_SPOTS, LAYER_GAP, NODE_RADIUS, draw_network,  # noqa: F401
                       draw_network_with_bias, draw_weight_changes, place_edge_labels)
from .nudging import (descent_verdict, plot_cost_steps, plot_descent, plot_outer,  # noqa: F401
                      plot_slope_from_output, plot_wiggle)
from .style import GRADING, NEGATIVE, NODE, OUTPUT_COLOURS, POSITIVE, figure, grading, subplots  # noqa: F401
from .xor import (RULE_STYLES, XorTrainingPicture, convergence_table, plot_convergence, plot_losses,  # noqa: F401
                  plot_xor_corners, plot_xor_surface, sweep_table)

alt.install()  # in a notebook, every figure is shown with a text alternative
