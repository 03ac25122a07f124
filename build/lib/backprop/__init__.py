"""Shared code for the backpropagation course: reference math, pictures, widgets and checks.

Modules:
    reference  the math of every graded function (what later lessons import)
    mistakes   known-wrong versions of each graded function, with the words that name them
    checks     visible checks and hidden-test helpers that say what an answer looks like
    pictures   matplotlib drawings (networks, curves, bars)
    widgets    ipywidgets explorers built on pictures and reference
"""
