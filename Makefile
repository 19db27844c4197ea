# Two entry points: `make demo` (JupyterLab on the tour) and `make test` (every test).
# Both build .venv from nothing. Torch comes first as the CPU build so that no
# multi-GB CUDA wheel is pulled by the loose `torch>=2.3` range.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TORCH_CPU ?= torch==2.13.0
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Jupyter refuses to start as root without this flag (CI and fresh containers run as root).
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
JS_SRC := $(shell find js/src -name "*.js") js/build.mjs

.PHONY: demo test test-py test-js install chromium bench notebooks clean

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml js/package.json js/package-lock.json | $(PY)
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q "$(TORCH_CPU)"
	cd js && npm ci --no-audit --no-fund
	$(PY) -m pip install -q -e ".[test,scale]"
	# path_explain is the speed/accuracy anchor; its __init__ imports TensorFlow, so no deps
	$(PY) -m pip install -q --no-deps "path-explain==0.0.7"
	touch $@

# The bundles follow js/src: an edit there rebuilds them before the next test or demo.
$(VENV)/.js-built: $(JS_SRC) js/package-lock.json | $(STAMP)
	cd js && npm run build
	touch $@

install: $(STAMP) $(VENV)/.js-built

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

demo: install
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/01_tabular_interactions.ipynb

test: install chromium
	$(MAKE) test-js
	$(MAKE) test-py

test-js:
	cd js && npm test

# Python unit tests, widget state, browser tests in real Chromium, and nbval over notebooks/.
test-py:
	TW_REQUIRE_BROWSER=1 $(PY) -m pytest tests
	$(PY) -m pytest --nbval --nbval-current-env -p no:randomly notebooks

bench: install
	$(PY) benchmarks/path_methods.py

# Re-execute the tour notebooks headlessly (what is committed is their executed form).
notebooks: install
	for nb in notebooks/*.ipynb; do $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; done

clean:
	rm -rf $(VENV) js/node_modules taylor_widgets/static
