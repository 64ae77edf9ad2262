# Quick start: `make build` builds the site into output/, `make test` runs the whole test suite.
# Both create .venv from requirements.lock when it is missing or older than the lock.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: build test clean-venv

build: $(STAMP)
	$(VENV)/bin/invoke build

test: $(STAMP)
	tools/need_system_packages.sh
	$(VENV)/bin/python -m pytest

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) tools/make_venv.py $(VENV) requirements.lock
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
