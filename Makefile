# Thin shell over `python -m pipeline`. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MODEL ?=
# WeasyPrint's Pango/HarfBuzz, the fonts the templates name and fallbacks for CJK and symbols, the Ding
# German-English dictionary under the checks
# (for make brief); poppler's pdftotext/pdftoppm and Debian's Chromium for the tests (never a
# downloaded browser); PostgreSQL, whose server the tests start in a folder of their own (a team's
# memory lives in one).
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
	fonts-droid-fallback fonts-symbola trans-de-en \
	poppler-utils chromium postgresql
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: help setup setup-cluster cluster cluster-stop system-packages venv model brief test fixture-model bench bench-model peer-venv clean

help:
	@echo "make setup          system packages, pinned .venv, a de->en model if one can be had"
	@echo "make brief          input/*.txt -> output/<name>.html, .pdf, .json"
	@echo "make test           the test suite"
	@echo "make setup-cluster  add Dask distributed for brief --scheduler (optional)"
	@echo "make cluster        a local Dask scheduler and two one-thread workers on 127.0.0.1:$(SCHEDULER_PORT)"
	@echo "make cluster-stop   stop them"
	@echo "make fixture-model  build and install a tiny random-weight de->en package (gibberish English)"
	@echo "make bench          pipeline vs Argos Translate vs bare CTranslate2, whole briefs (LIMIT=300: quick)"
	@echo "make bench-model    build the Transformer-base-shaped random-weight package the benchmark uses"
	@echo "make clean          remove generated outputs (never the model packages)"

setup: system-packages venv model

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "system packages: all present"; fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-argos.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-argos.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

model: venv
	$(PY) -m pipeline model setup $(if $(MODEL),--file "$(MODEL)")

brief: venv
	$(PY) -m pipeline brief

test: venv setup-cluster
	$(PY) -m pytest

setup-cluster: $(VENV)/.cluster-installed

$(VENV)/.cluster-installed: requirements-cluster.txt | venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-cluster.txt
	touch $@

# A scheduler and two one-thread workers on loopback, for trying --scheduler; logs and pids under build/cluster/.
SCHEDULER_PORT ?= 8786
CLUSTER_DIR := build/cluster

cluster: setup-cluster
	@mkdir -p $(CLUSTER_DIR)
	@test ! -f $(CLUSTER_DIR)/scheduler.pid || { echo "a cluster is running (make cluster-stop)"; exit 1; }
	nohup $(VENV)/bin/dask scheduler --host 127.0.0.1 --port $(SCHEDULER_PORT) --no-dashboard \
		> $(CLUSTER_DIR)/scheduler.log 2>&1 & echo $$! > $(CLUSTER_DIR)/scheduler.pid
	for n in 1 2; do \
		nohup $(VENV)/bin/dask worker tcp://127.0.0.1:$(SCHEDULER_PORT) --host 127.0.0.1 \
			--nthreads 1 --no-dashboard --name worker-$$n > $(CLUSTER_DIR)/worker-$$n.log 2>&1 & \
		echo $$! > $(CLUSTER_DIR)/worker-$$n.pid; \
	done
	@echo "python -m pipeline brief DIR --scheduler tcp://127.0.0.1:$(SCHEDULER_PORT)   (logs in $(CLUSTER_DIR)/)"

cluster-stop:
	@for pid in $(CLUSTER_DIR)/worker-*.pid $(CLUSTER_DIR)/scheduler.pid; do \
		test -f $$pid && kill $$(cat $$pid) 2>/dev/null; rm -f $$pid; \
	done; echo "cluster stopped"

fixture-model: venv
	$(PY) -m tools.fixture_model --shape tiny --install

BENCH_MODEL := build/fixture-bench.argosmodel
PEER_VENV := build/peer-venv

bench: venv setup-cluster bench-model peer-venv
	$(PY) -m tools.bench $(if $(LIMIT),--limit $(LIMIT)) $(if $(REUSE_PEER),--reuse-peer)

bench-model: $(BENCH_MODEL)

$(BENCH_MODEL): tools/fixture_model.py | venv
	$(PY) -m tools.fixture_model --shape bench --out $@

# Argos Translate 1.11 with its full dependencies, for the benchmark only. torch first, from the
# local CPU wheel: otherwise pip would pull the CUDA build and gigabytes of NVIDIA packages.
peer-venv: $(PEER_VENV)/.installed

$(PEER_VENV)/.installed: requirements-peer.txt
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q --disable-pip-version-check torch==2.13.0
	$(PEER_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-peer.txt
	touch $@

clean:
	find output -mindepth 1 ! -name .gitkeep -delete
	rm -rf build
