# Two commands for a new machine: `make book` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
# constraints.txt was frozen on this Python: another minor version would resolve other wheels.
PYTHON_MINOR := 3.11
VENV := .venv
BIN := $(VENV)/bin
BUILD := _build
# Seeded training runs are kept here and reused by every later execution of the same run
# (w2vlib/cache.py): nbval trains each chapter's runs once; the site and the grader reuse them.
CACHE := W2VLIB_CACHE=$(abspath $(BUILD))/cache
# The chapters that are notebooks: MyST markdown files with a jupytext kernelspec header.
CHAPTERS = $(shell grep -l '^kernelspec:' book/*.md)
# $(call to_ipynb,FOLDER): a fresh FOLDER holding an .ipynb copy of every chapter
to_ipynb = rm -rf $(1) && mkdir -p $(1) && \
	for f in $(CHAPTERS); do $(BIN)/jupytext --quiet --to ipynb -o $(1)/$$(basename $${f%.md}).ipynb $$f; done

.PHONY: FORCE book test install unit nbval classroom site browser sandbox assignments grade lab notebooks clean

## make book: install everything, execute every chapter and build the site into _build/html
book: install site
	@echo "The book is at $(CURDIR)/$(BUILD)/html/index.html"

## make test: unit tests, every chapter under nbval, the assignments graded, the build with -W -n,
## the site in a browser
test: install unit nbval classroom site browser

install: $(VENV)/.installed _vendor/.installed

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml $(VENV)/.python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

# The interpreter the virtual environment was made with, checked on every run: another one (an
# upgrade, or another PYTHON=) makes a new environment; a Python other than 3.11 is refused.
$(VENV)/.python: FORCE
	@found=$$($(PYTHON) -c 'import platform, sys; print(platform.python_version(), sys.base_prefix)') \
	  || { echo "make: cannot run $(PYTHON): install Python $(PYTHON_MINOR), or name it with PYTHON=" >&2; exit 1; }; \
	case "$$found" in $(PYTHON_MINOR).*) ;; *) echo "make: $(PYTHON) is Python $${found%% *}, but" \
	  "constraints.txt is frozen on Python $(PYTHON_MINOR): install it, or run make PYTHON=python$(PYTHON_MINOR)" >&2; \
	  exit 1;; esac; \
	if [ "$$(cat $@ 2>/dev/null)" != "$$found" ]; then \
	  if [ -e $(VENV) ]; then echo "make: $(PYTHON) is now $$found: a new $(VENV)"; fi; \
	  rm -rf $(VENV) && mkdir -p $(VENV) && echo "$$found" > $@; fi

FORCE:

# MathJax, pinned in package-lock.json and served by the site itself.
# Not a folder named _static: Jupyter Book would add every .js in it to each page.
_vendor/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf _vendor && mkdir -p _vendor/mathjax/output/chtml/fonts _vendor/mathjax/input/tex
	cp node_modules/mathjax/es5/tex-mml-chtml.js _vendor/mathjax/
	cp -r node_modules/mathjax/es5/output/chtml/fonts/woff-v2 _vendor/mathjax/output/chtml/fonts/
	cp -r node_modules/mathjax/es5/input/tex/extensions _vendor/mathjax/input/tex/
	cp -r node_modules/mathjax/es5/ui node_modules/mathjax/es5/a11y _vendor/mathjax/
	touch $@

site: install
	$(CACHE) $(BIN)/jupyter-book build . --builder html -W -n --keep-going

unit: install
	$(BIN)/python -m pytest -n 2 tests/unit

# nbval collects .ipynb only: convert the MyST chapters into a scratch folder and run them there.
# Each chapter that passes is stored, executed, in the build's jupyter-cache
# (tests/chapters/executed_chapters.py): `make site` after it renders without executing again.
nbval: install
	$(call to_ipynb,$(BUILD)/nbval)
	$(CACHE) PYTHONPATH=tests/chapters $(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax -p no:cacheprovider \
		-p executed_chapters --executed-into $(BUILD)/.jupyter_cache --executed-sources book $(BUILD)/nbval

# Headless Chromium from Debian's packages (Playwright drives it; it never downloads a browser).
browser: install site
	command -v chromium >/dev/null || { apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }
	$(BIN)/python -m pytest -n 2 tests/site

# The autograder runs each submission's kernel in a bubblewrap sandbox (Debian's package) and,
# as root, drops to an unprivileged user with setpriv (util-linux).
sandbox:
	command -v bwrap >/dev/null && command -v setpriv >/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends bubblewrap util-linux; }

# The assignments graded for real, after nbval: its run of each chapter also ran the student
# version of the exercises (tests/chapters/executed_chapters.py, asserted in
# tests/classroom/test_grading.py); the grader grades the rest here, in its sandbox.
classroom: install sandbox nbval
	$(CACHE) $(BIN)/python -m pytest -n 2 --dist loadfile tests/classroom

## make assignments: student and instructor notebooks of every chapter, in _build/assignments
assignments: install
	$(BIN)/python -m w2vlib.classroom assign --out $(BUILD)/assignments $(CHAPTERS)

## make grade SUBMISSIONS=folder: grade folder/<student>/<chapter>.ipynb into _build/grades
## (grades.csv, feedback/<student>.md, review.md); GRADE_ARGS="--time-limit 900 --memory 4G --jobs 2"
## to change limits (python -m w2vlib.classroom grade --help lists them all)
GRADES ?= $(BUILD)/grades
grade: assignments sandbox
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder (holding <student>/<chapter>.ipynb)" >&2; exit 2; }
	$(CACHE) $(BIN)/python -m w2vlib.classroom grade "$(SUBMISSIONS)" --assignments $(BUILD)/assignments --out $(GRADES) $(GRADE_ARGS)

## make lab: JupyterLab with jupytext, so the chapters open as notebooks
lab: install
	$(BIN)/jupyter lab book/ $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

## make notebooks: .ipynb versions of every chapter, for students, in _build/notebooks
notebooks: install
	$(call to_ipynb,$(BUILD)/notebooks)
	@echo "Notebooks written to $(CURDIR)/$(BUILD)/notebooks"

clean:
	rm -rf $(BUILD) _vendor node_modules $(VENV)
