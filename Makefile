# The course's two commands: `make lab` (open the lessons) and `make test` (run every test).
# PYTHON: the interpreter .venv is made with (any of 3.11.5 to 3.13: pyproject.toml's requires-python).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
PIP_SHOWN := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on  # make lab: progress shown
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Before making .venv: is $(PYTHON) there, and can it install the pins? (tools/check_python.py says why not)
CHECK_PYTHON = command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: Python '$(PYTHON)' not found. \
Install Python 3.11.5 to 3.13, or name one: make lab PYTHON=/path/to/python3.13" >&2; exit 1; }; \
$(PYTHON) tools/check_python.py

.PHONY: lab test test-quick lessons setup setup-dev lock check-python binder-link clean hub

# The student works in MY_WORK: their copies of lessons/, made once (tools/my_work.py), never overwritten.
MY_WORK ?= my-work
lab: $(VENV)/.student  ## set up, copy new lessons into my-work/, open JupyterLab there
	@$(BIN)/python tools/my_work.py lessons $(MY_WORK)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=$(MY_WORK) $(MY_WORK)/00_feedforward/00_feedforward.ipynb $(LAB_ARGS)

# Every test, on every core (pytest-xdist; --dist loadscope keeps each module on one worker).
test: $(VENV)/.dev  ## set up and run every test (about 14 minutes on 2 cores)
	$(BIN)/python -m pytest -n auto --dist loadscope $(PYTEST_ARGS)

# The inner loop: no real nbgrader runs, browsers, servers or walls. Narrow it to
# lessons with BACKPROP_LESSONS="06 07", or run one file: make test-quick PYTEST_ARGS=tests/test_lesson06.py
QUICK = not (nbgrader or browser or binder or lock or wall or postgres or hub)
test-quick: $(VENV)/.dev  ## the fast tests only (no nbgrader, browser, hub, database or wall)
	$(BIN)/python -m pytest -n auto --dist loadscope -m "$(QUICK)" $(PYTEST_ARGS)

lessons: $(VENV)/.dev  ## regenerate lessons/ from solutions/
	$(BIN)/python -m grader release

setup: $(VENV)/.student
setup-dev: $(VENV)/.dev

check-python:  ## fail with a clear message when $(PYTHON) is missing or too old for the pins
	@$(CHECK_PYTHON)

$(VENV)/.student: binder/requirements.txt constraints.txt pyproject.toml binder/jupyterlab-overrides.json
	@$(CHECK_PYTHON)
	@echo "make: installing the course's Python packages into $(VENV), once (measured: 421 MB, 31 s with pip's cache warm; a first download takes longer). Ctrl-C stops it."
	$(PYTHON) -m venv $(VENV)
	$(PIP_SHOWN) -r binder/requirements.txt -c constraints.txt
	$(PIP) --no-deps -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp binder/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

$(VENV)/.dev: $(VENV)/.student requirements-dev.txt
	$(PIP) -r requirements-dev.txt -c constraints.txt
	touch $@

lock: $(VENV)/.dev  ## re-pin constraints.txt, binder/requirements.txt, environment.yml (UPGRADE=1: newest versions)
	$(BIN)/python tools/lock.py $(if $(UPGRADE),--upgrade,)

binder-link:  ## print the Binder link and badge for this clone's GitHub remote (REMOTE=origin, REF=its default branch)
	@$(firstword $(wildcard $(BIN)/python) $(PYTHON)) -m grader binder-link $(if $(REMOTE),--remote $(REMOTE),) $(if $(REF),--ref $(REF),)

# The class hub (JupyterHub, each student's server as their system user): run as root; README "Teaching on your own JupyterHub".
hub: $(VENV)/.dev  ## start the class hub (installs what is missing; HUB_ARGS go to jupyterhub)
	classhub/start $(HUB_ARGS)

clean:
	rm -rf $(VENV) grader/gradebook.db grader/submitted grader/autograded grader/feedback
