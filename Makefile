# The book's commands. The two that matter (README.md):
#   make book   build the site from nothing: .venv, pinned stack, chapters executed, HTML
#   make test   every test tier, fastest first
# Each step runs only when its inputs changed, so a second `make book` returns at once.

SHELL := bash
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
EXECUTED := _build/.executed
SITE := _build/html/index.html

TEMPLATES := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
MISSING := $(patsubst book/%,notebooks/%,$(filter-out $(wildcard $(TEMPLATES:notebooks/%=book/%)),$(TEMPLATES:notebooks/%=book/%)))
# What chapters import: every module but the book machinery (adaptlib/book/, which no chapter
# imports) and the command on top. adaptlib.book.deps picks the chapters a change affects.
LIBRARY := $(filter-out adaptlib/book/% adaptlib/cli.py adaptlib/report.py adaptlib/__main__.py,$(wildcard adaptlib/*.py adaptlib/*/*.py))
DATA := $(shell find data -type f -not -name '*.md' 2>/dev/null)
PAGES := $(wildcard book/*.md book/*.ipynb book/*.bib) _config.yml _toc.yml

# Chapters to execute: those whose template, or an adaptlib module they import, changed (all of
# them when the data or the installed stack changed), and those with no executed copy yet.

TIERS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=
# The browser tier drives Debian's Chromium (tests read the same variable).
BOOK_CHROMIUM ?= /usr/bin/chromium
export BOOK_CHROMIUM
NEEDS_BROWSER := $(if $(TIERS),$(filter browser,$(TIERS)),all)
NEEDS_TEX := $(if $(TIERS),$(filter pdf,$(TIERS)),all)
# Debian's TeX for `make pdf` and the pdf tier (adaptlib/book/pdf.py lists why each is needed).
TEX_PACKAGES := texlive-latex-extra texlive-xetex latexmk texlive-fonts-recommended fonts-freefont-otf poppler-utils

.PHONY: help book test venv lab student browser pdf tex lock clean distclean FORCE

help:
	@echo "make book    build the book from nothing (venv, chapters, site) into _build/html"
	@echo "make test    run every test tier (TIERS='unit smoke' for some only)"
	@echo "make lab     open the chapter templates in JupyterLab"
	@echo "make student the student edition: student/notebooks and student/site without solutions"
	@echo "make browser install Chromium for the browser tier (Debian's package) if it is missing"
	@echo "make pdf     the book and its student edition as PDFs in _build/pdf (installs TeX if missing)"
	@echo "make lock    re-resolve the pinned stack (requirements.lock, environment.yml)"
	@echo "make clean   remove the built sites and test artifacts; make distclean also .venv and runs/"

book: $(SITE)
	@echo "The book is built: open $(abspath $(SITE))"

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml requirements.lock
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing the pinned stack (requirements.lock) into $(VENV)"
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[book,test]"
	@touch $@

$(EXECUTED): $(TEMPLATES) $(LIBRARY) $(DATA) $(INSTALLED) $(if $(MISSING),FORCE)
	@chapters="$$($(PY) -m adaptlib.book.deps $(filter-out FORCE,$?)) $(MISSING)"; \
	if [ -n "$${chapters// /}" ]; then $(PY) -m adaptlib.book.runner --to-book $$chapters; \
	else echo "no chapter imports what changed: nothing to execute"; fi
	@mkdir -p $(@D) && touch $@

$(SITE): $(EXECUTED) $(PAGES) adaptlib/book/sphinx_site.py $(wildcard adaptlib/book/static/*)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(INSTALLED) $(if $(NEEDS_BROWSER),browser) $(if $(NEEDS_TEX),tex)
	$(PY) tools/run_tiers.py $(TIERS)

lab: $(INSTALLED)
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG) $(LAB_ARGS)

student: $(EXECUTED)
	$(PY) -m adaptlib.book.student

pdf: $(EXECUTED) tex
	$(PY) -m adaptlib.book.pdf
	$(PY) -m adaptlib.book.pdf --student

tex:
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v pdftotext >/dev/null \
	  && fc-list | grep -q FreeSerif; then echo "TeX for the PDF: $$(command -v xelatex)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(TEX_PACKAGES); \
	elif command -v sudo >/dev/null; then sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(TEX_PACKAGES); \
	else echo "install Debian's $(TEX_PACKAGES) for the PDF"; exit 1; fi

browser:
	@if [ -x "$(BOOK_CHROMIUM)" ]; then echo "Chromium for the browser tier: $(BOOK_CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	elif command -v sudo >/dev/null; then sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else echo "the browser tier needs Chromium at $(BOOK_CHROMIUM): install Debian's chromium package"; exit 1; fi

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[book,test,parquet]"
	{ echo "# The pinned stack (pip constraints). Regenerate with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v "^pip=="; } > requirements.lock
	.lock-venv/bin/python tools/write_environment.py
	rm -rf .lock-venv

clean:
	rm -rf _build/html _build/.doctrees _build/jupyter_execute student test-artifacts

distclean:
	rm -rf _build runs $(VENV)

FORCE:
