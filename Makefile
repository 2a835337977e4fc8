# The README's two commands: `make run` and `make test`. Both call `make setup`, which is idempotent
# and quick when nothing changed.
PY      := .venv/bin/python
STAMP   := .venv/.installed
SAMPLE  := data/sample/manifest.json
CHROMIUM := /usr/bin/chromium
PORT    ?= 8501

.PHONY: setup run test lint format bench clean-cache

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Made again whenever the generator changes, so the embedded sample always matches the code.
$(SAMPLE): $(STAMP) $(wildcard dashboard/sample/*.py)
	rm -rf data/sample
	.venv/bin/dashboard sample --out data/sample

run: setup $(SAMPLE)
	$(PY) -m dashboard.app.serve --server.port $(PORT)

$(CHROMIUM):
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils) \
	  || (echo "Could not install Debian's chromium; run: apt-get install chromium" && exit 1)

test: setup $(SAMPLE) $(CHROMIUM)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest -n 2 --dist loadgroup

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Speed and memory at three scales (never part of `make test`): SCALES=typical,largest for a subset.
bench: setup
	$(PY) -m bench.run $(if $(SCALES),--scales $(SCALES))

clean-cache:
	rm -rf $${XDG_CACHE_HOME:-$$HOME/.cache}/hscp-dashboard
