# The project's commands. Each one goes through tools/bootstrap.sh, which gets Odoo 18.0, the
# virtual environment, PostgreSQL and Chromium ready (fast when they already are).
BOOTSTRAP := tools/bootstrap.sh
PYTHON := $(BOOTSTRAP) python
# make run WORKERS=N: Odoo prefork as deployed (N HTTP workers, cron workers, the gevent port for
# websockets) behind tools/devproxy.py on the same URL. Unset: one threaded process.
WORKERS ?=

.PHONY: help bootstrap run test lint bench reset pot screenshots

help:
	@echo "make run    - start Odoo with the three addons and demo data on http://localhost:8069"
	@echo "make run WORKERS=N - the same, Odoo prefork as deployed: N HTTP workers, 2 cron"
	@echo "               workers, websockets on the gevent port 8072, behind a local proxy on 8069"
	@echo "make test   - lint, then every test (Odoo's runner, browser tours, pytest)"
	@echo "make lint   - ruff and pylint-odoo"
	@echo "make bench  - benchmarks on a fresh database"
	@echo "make reset  - drop the databases the project created"
	@echo "make pot    - regenerate each addon's i18n/<addon>.pot"
	@echo "make screenshots - the README's pictures, from the running demo (make run first)"

bootstrap:
	@$(BOOTSTRAP)

run:
	@$(if $(WORKERS),OMNICHANNEL_WORKERS=$(WORKERS) )$(PYTHON) tools/devserver.py run

reset:
	@$(PYTHON) tools/devserver.py reset

test:
	@$(PYTHON) tools/run_tests.py

lint:
	@$(PYTHON) tools/lint.py

bench:
	@$(PYTHON) tools/bench.py

pot:
	@$(PYTHON) tools/devserver.py pot

screenshots:
	@$(PYTHON) tools/screenshots.py
