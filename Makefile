# The course's two commands: `make lab` (open the lessons) and `make test` (run every test).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lessons setup setup-dev clean

lab: $(VENV)/.student  ## set up and open JupyterLab on lessons/
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=lessons lessons/00_feedforward/00_feedforward.ipynb $(LAB_ARGS)

test: $(VENV)/.dev  ## set up and run every test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lessons: $(VENV)/.dev  ## regenerate lessons/ from solutions/
	$(BIN)/python -m grader release

setup: $(VENV)/.student
setup-dev: $(VENV)/.dev

$(VENV)/.student: binder/requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r binder/requirements.txt -c constraints.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.student requirements-dev.txt
	$(PIP) -r requirements-dev.txt -c constraints.txt
	touch $@

clean:
	rm -rf $(VENV) grader/gradebook.db grader/submitted grader/autograded grader/feedback
