# Two entry points on a fresh machine: `make benchmark` (the main job, on data
# shipped with skdir) and `make test` (the whole suite and the docs build).
# Each creates .venv and installs what it needs.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Arguments for `make benchmark`, e.g. ARGS="--dataset abalone --seeds 5".
ARGS   ?=
# Where pip finds the CPU build of torch. This workplace's machines carry
# torch 2.13.0+cpu on local disk; elsewhere, pass
# TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu".
TORCH_PIP_ARGS ?=

# The torch-free core suite also runs against the oldest versions that
# pyproject.toml allows (pins derived from it by .ci/oldest_requirements.py).
OLDEST ?= .venv-oldest

.PHONY: benchmark test test-oldest docs gpu-checks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch: without a GPU, the CPU build 2.13.0 (on local disk here) is installed
# before the project, so that the `torch>=2.2` requirement does not pull a
# multi-GB CUDA build. With a GPU the requirement picks the CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@if ! $(BIN)/python -c "import torch" 2>/dev/null && ! command -v nvidia-smi >/dev/null 2>&1; then \
		echo "installing the CPU build of torch"; \
		$(BIN)/python -m pip install -q torch==2.13.0 $(TORCH_PIP_ARGS); \
	fi
	$(BIN)/python -m pip install -q -e ".[deep,text,plot,test,docs]"
	touch $@

benchmark: $(VENV)/.installed
	$(BIN)/skdir benchmark $(ARGS)

test: $(VENV)/.installed
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site
	$(MAKE) test-oldest

$(OLDEST)/.installed: pyproject.toml .ci/oldest_requirements.py
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install -q --upgrade pip
	$(PYTHON) .ci/oldest_requirements.py > $(OLDEST)/requirements.txt
	$(OLDEST)/bin/python -m pip install -q -r $(OLDEST)/requirements.txt pytest pytest-xdist hypothesis
	$(OLDEST)/bin/python -m pip install -q --no-deps -e .
	touch $@

# Tests that need torch (or the text extra) skip there: the extras are absent.
test-oldest: $(OLDEST)/.installed
	OMP_NUM_THREADS=1 $(OLDEST)/bin/python -m pytest -n 2 -p no:cacheprovider -q

docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

# The checks that need a CUDA GPU: see benchmarks/gpu_checks.sh.
gpu-checks: $(VENV)/.installed
	PYTHON=$(BIN)/python bash benchmarks/gpu_checks.sh

clean:
	rm -rf $(VENV) $(OLDEST) build .pytest_cache
