# webserver-lab. `make` alone lists the targets; each one says what it does.
# Docker targets need Docker with compose v2; serve, test and grade-host do not.

SHELL := bash
.SHELLFLAGS := -Eeuo pipefail -c
.DEFAULT_GOAL := help

COMPOSE = LAB_HOST_SITE_DIR='$(LAB_HOST_SITE_DIR)' docker compose --profile test
TARGET ?=
SITE ?= site
GROUP ?=
# The Compose project of this checkout: its folder name and a short hash of its path, so two
# checkouts on one Docker host never share containers, networks or images (scripts/compose-project).
# Override: make up COMPOSE_PROJECT_NAME=name, or export it.
export COMPOSE_PROJECT_NAME ?= $(shell scripts/compose-project)
# The banner in the container names the host folder it serves (docker-compose.yml). Passed to
# compose only: a server run outside Docker (make serve, the tests) must not inherit it.
LAB_HOST_SITE_DIR := $(abspath $(or $(SITE_DIR),site))
# Images are built without a word unless the build fails (scripts/compose-build).
BUILD := scripts/compose-build
# Reports written by the tester container belong to whoever runs make.
export LAB_UID := $(shell id -u)
export LAB_GID := $(shell id -g)

.PHONY: help
help: ## list the targets
	@printf 'webserver-lab: make TARGET\n\n'
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 24

# --- without Docker -----------------------------------------------------------------------

# npm ci installs exactly what the lockfile says (once: node_modules is kept between runs).
NPM_INSTALL := [ -d node_modules ] || npm ci

# The Node flags the server runs with, as in the Dockerfile's CMD and `npm start` (why: the
# Dockerfile; a test keeps the three in agreement).
SERVER_NODE_FLAGS := --max-semi-space-size=4 --heap-growing-percent=20 --no-concurrent-recompilation

.PHONY: serve
serve: ## install, build and run the server on site/ at http://127.0.0.1:8080 (no Docker; HOST=0.0.0.0 to share it; LIVE_RELOAD=1 reloads pages on an edit)
	$(NPM_INSTALL)
	npm run build
	HOST=$${HOST:-127.0.0.1} node $(SERVER_NODE_FLAGS) server/dist/main.js --root site

.PHONY: test
test: ## the whole test command: lint, build, unit and integration tests, the suite against the server, calibration
	scripts/setup-host
	$(NPM_INSTALL)
	npm run lint
	npm run build
	npm test
	shellcheck -x scripts/grade scripts/calibrate scripts/site-fixtures scripts/setup-host scripts/lab scripts/compose-build scripts/compose-project scripts/checks/*.sh \
	  scripts/grade-submission scripts/grade-class scripts/class/*.sh classroom/gradescope/setup.sh \
	  classroom/gradescope/run_autograder classroom/gradescope/make-zip classroom/test/* \
	  classroom/fixtures/escape/escape classroom/fixtures/*/run starter/python/run
	@printf '\n== calibration: the suite against the reference server, python3 -m http.server, nginx,\n'
	@printf '==   a server with one fault at a time, and hostile targets, with the verdicts asserted\n'
	scripts/calibrate
	@printf '\n== the suite against the reference server on its plain path (--no-cache: no cache, no prepared replies)\n'
	NO_CACHE=1 scripts/calibrate reference
	@printf '\n== grading without Docker: Gradescope'"'"'s run_autograder, grade-class in process mode\n'
	classroom/test/process-mode

.PHONY: calibrate-all
calibrate-all: ## calibration with every fault server graded on the whole suite (make test grades each on its groups)
	$(NPM_INSTALL)
	npm run build
	scripts/calibrate --all

.PHONY: grade-host
grade-host: ## grade a server from this machine, without Docker: make grade-host TARGET=127.0.0.1:8080 [SITE=dir] [GROUP=name]
	@[ -n "$(TARGET)" ] || { echo 'make grade-host needs TARGET=host:port' >&2; exit 2; }
	scripts/grade --target $(TARGET) --site $(SITE) --reports reports $(foreach g,$(GROUP),--group $(g))

# --- grading a class (docs/CLASS.md) --------------------------------------------------------

SUBMISSIONS ?=
JOBS ?= 1
CLASS_OUT ?= reports/class
MODE ?= container

VISIBILITY ?=

.PHONY: grade-class
grade-class: ## grade every submission (one subfolder each): make grade-class SUBMISSIONS=DIR [JOBS=N] [FORCE=1] [MODE=process] [TIMEOUT_SCALE=N] [VISIBILITY=FILE]; writes reports/class/
	@[ -n "$(SUBMISSIONS)" ] || { echo 'make grade-class needs SUBMISSIONS=DIR (one subfolder per submission)' >&2; exit 2; }
	scripts/grade-class --submissions $(SUBMISSIONS) --site $(SITE) --out $(CLASS_OUT) --jobs $(JOBS) --mode $(MODE) \
	  $(if $(FORCE),--force) $(if $(TIMEOUT_SCALE),--timeout-scale $(TIMEOUT_SCALE)) $(if $(VISIBILITY),--visibility $(VISIBILITY))

.PHONY: gradescope
gradescope: ## the Gradescope autograder (setup.sh, run_autograder, the grader and the site): dist/gradescope-autograder.zip [VISIBILITY=FILE]
	classroom/gradescope/make-zip dist/gradescope-autograder.zip $(VISIBILITY)

.PHONY: class-test
class-test: ## Docker: grade-class on the fixture class; asserts every row, the isolation and that nothing is left (JOBS=2)
	JOBS=$(if $(filter command line,$(origin JOBS)),$(JOBS),2) classroom/test/fixture-class

# --- benchmarks (bench, soak) --------------------------------------------------------------

QUICK ?=

.PHONY: bench
bench: ## our server against nginx, Node http and Python under wrk (~17 min; QUICK=1 for ~1.5 min); writes bench/results/
	QUICK=$(QUICK) bench/run

.PHONY: soak
soak: ## minutes of hostile mixed load on the compiled server; fails if fds or RSS grow or a GET fails: make soak [SOAK_MINUTES=3]
	soak/run

.PHONY: fuzz
fuzz: ## coverage-guided fuzzing of the parser, body skipper and resolver (Jazzer.js): make fuzz [FUZZ_SECONDS=60]
	fuzz/run

# --- with Docker --------------------------------------------------------------------------

.PHONY: lab
lab: ## build both images, run the whole suite against the server in Docker, write reports/
	scripts/lab

.PHONY: up
up: ## serve site/ (or SITE_DIR=folder) in Docker at http://localhost:8080 (or PORT=n), in the background (LIVE_RELOAD=1 reloads pages on an edit)
	$(BUILD) server
	$(COMPOSE) up --detach --wait server
	@printf 'serving %s at http://localhost:%s (make logs, make down; compose project %s)\n' \
	  "$(LAB_HOST_SITE_DIR)" "$${PORT:-8080}" "$(COMPOSE_PROJECT_NAME)"

.PHONY: demo-live-reload
demo-live-reload: ## live reload in the container, seen by headless Chromium: the page reloads by itself on an edit
	tools/live-reload-demo

.PHONY: down
down: ## stop and remove the containers
	$(COMPOSE) down --remove-orphans

.PHONY: logs
logs: ## follow the server's logs
	$(COMPOSE) logs --follow server

.PHONY: trace
trace: ## the server in trace mode, in the foreground: every byte and decision (Ctrl-C stops it)
	$(BUILD) server
	TRACE=1 HEALTHCHECK_INTERVAL=1h $(COMPOSE) up server

.PHONY: grade
grade: ## grade any server from the tester container: make grade TARGET=host:port [SITE=dir] [GROUP=name]
	@[ -n "$(TARGET)" ] || { echo 'make grade needs TARGET=host:port (server:8080 after make up; host.docker.internal:PORT for a server on this machine)' >&2; exit 2; }
	mkdir -p reports
	$(BUILD) tester
	SITE_DIR=$(abspath $(SITE)) $(COMPOSE) run --rm --no-deps tester \
	  --target $(TARGET) --site /srv/site --reports /reports $(foreach g,$(GROUP),--group $(g))

.PHONY: shell
shell: ## a shell in the tester container, with nc and curl (after make up, the server is server:8080)
	$(BUILD) tester
	$(COMPOSE) run --rm --no-deps --entrypoint bash tester

.PHONY: clean
clean: ## remove the containers, the images built here, reports/ and the build output
	if command -v docker >/dev/null; then $(COMPOSE) down --rmi local --volumes --remove-orphans; fi
	if command -v docker >/dev/null; then COMPOSE_PROJECT_NAME=$(COMPOSE_PROJECT_NAME)-run $(COMPOSE) down --rmi local --volumes --remove-orphans; fi
	rm -rf reports server/dist coverage dist
