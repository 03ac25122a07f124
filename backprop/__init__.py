"""Shared code for the backpropagation course: reference math, pictures, widgets and checks.

Modules:
    reference  the math of every graded function (what later lessons import), and the one training loop
    network    the course's network with bias: other activations, the story's rule, the digits
    autograd   lesson 11's Value, a number that remembers how it was made, and the backward rules
    mistakes   known-wrong versions of each graded function, with the words that name them
    checks     visible checks and hidden-test helpers that say what an answer looks like
    xor_data   lesson 08's XOR rows and its saved convergence sweep; digits: lesson 10's data and settings
    pictures   matplotlib drawings (networks, curves, bars), a module per lesson group
    widgets    ipywidgets explorers built on pictures and reference, a module per lesson group
"""
