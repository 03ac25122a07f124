"""A student's nbgrader settings (the Assignments tab): the shared exchange settings only."""
c = get_config()  # noqa: F821 (provided by traitlets)
load_subconfig("../exchange_config.py")  # noqa: F821
