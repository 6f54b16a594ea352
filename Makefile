# e-REPS — developer and demo commands. `make help` lists them.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ENV := DEBUG=true

.PHONY: help install run test lint messages check clean bench stack stack-stop stack-status

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

install: $(VENV)/.installed ## install the runtime and test dependencies into .venv

# Installed once per change of the requirements, not again by every target that needs it.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -r requirements-dev.txt
	touch $@

run: install ## install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install ## the whole test suite (PostgreSQL at 127.0.0.1 unless DATABASE_URL says otherwise)
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(BIN)/pytest

lint: install ## ruff, mypy and the layers contract (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy .
	$(BIN)/lint-imports --no-cache --no-logo

messages: ## extract the UI strings into locale/*/LC_MESSAGES/django.po
	$(DEMO_ENV) $(BIN)/python manage.py makemessages -l fr -l nl -l de -l en --ignore=.venv --ignore=var --no-obsolete

check: lint test ## everything CI runs

stack: install ## production-like: nginx, 2 web nodes, 2 workers, beat, Redis, PostgreSQL, S3, SMTP (see docs/deploy.md)
	$(BIN)/python deploy/stack.py up

stack-stop: ## stop every process `make stack` started
	$(BIN)/python deploy/stack.py down

stack-status: ## the processes of `make stack` and their state
	$(BIN)/python deploy/stack.py status

bench: ## the overview benchmark (see bench/README.md)
	$(BIN)/python bench/run.py

clean:
	rm -rf var/db.sqlite3 var/mail var/media var/static
