# Thin shell over `python -m pipeline`. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MODEL ?=
# WeasyPrint's Pango/HarfBuzz and the fonts the templates name (for make brief); poppler's
# pdftotext/pdftoppm and Debian's Chromium for the tests (never a downloaded browser).
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
	poppler-utils chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: help setup system-packages venv model brief test fixture-model clean

help:
	@echo "make setup          system packages, pinned .venv, a de->en model if one can be had"
	@echo "make brief          input/*.txt -> output/<name>.html, .pdf, .json"
	@echo "make test           the test suite"
	@echo "make fixture-model  build and install a tiny random-weight de->en package (gibberish English)"
	@echo "make clean          remove generated outputs (never the model packages)"

setup: system-packages venv model

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "system packages: all present"; fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-argos.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-argos.txt
	touch $@

model: venv
	$(PY) -m pipeline model setup $(if $(MODEL),--file "$(MODEL)")

brief: venv
	$(PY) -m pipeline brief

test: venv
	$(PY) -m pytest

fixture-model: venv
	$(PY) -m pipeline.fixture_model --shape tiny --install

clean:
	find output -mindepth 1 ! -name .gitkeep -delete
	rm -rf build
