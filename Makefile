# The user's entry points. Every target runs with the project's pinned Node first on PATH.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/.tools/node/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help setup stack-up stack-down stack-status demo test bench chaos lint typecheck build test-unit test-integration clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: ## install what is missing: apt packages, Node 24, npm deps (offline Kafka client build), Kafka jars; build
	@scripts/setup.sh

# CLUSTER=1: also a 3-master Redis Cluster on 127.0.0.1:7001-7003 (docs/local-stack.md).
CLUSTER ?= 0
stack-up: setup ## start Kafka (KRaft, Apache jars) and Redis on 127.0.0.1 (CLUSTER=1: and a Redis Cluster); a no-op when running
	@CLUSTER=$(CLUSTER) scripts/stack.sh up

stack-down: ## stop what stack-up started, nothing else
	@scripts/stack.sh down

stack-status: ## what runs where
	@CLUSTER=$(CLUSTER) scripts/stack.sh status

demo: setup ## bring the stack up and show streamfold working; Ctrl-C stops what it started
	@scripts/demo.sh

test: setup ## every test tier against the real stack (what CI runs)
	@scripts/test.sh

bench: setup ## the benchmark (streamfold vs ceilings, naive consumer, Kafka Streams); ARGS="--events 200000"
	@scripts/bench.sh $(ARGS)

# make chaos: seconds of load under faults, and the seed of the fault schedule and the load.
DURATION ?= 180
SEED ?= 1
chaos: ## fault injection on a private Kafka+Redis (free ports); DURATION=180 SEED=1 ARGS="--rate 200"
	@npm run --silent build && npm run --silent chaos -- --duration $(DURATION) --seed $(SEED) $(ARGS)

lint: ## eslint + prettier
	@npm run --silent lint

typecheck: ## tsc --noEmit over src and test
	@npm run --silent typecheck

build: ## compile to dist/
	@npm run --silent build

test-unit: ## unit tests only (no stack needed)
	@npm run --silent test:unit

test-integration: ## integration tests (needs make stack-up)
	@npm run --silent test:integration

clean: stack-down ## remove build output and local stack data (keeps .tools caches)
	@rm -rf dist .bench-build .chaos-build .run coverage
