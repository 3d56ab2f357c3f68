# stratops task runner. `make help` lists the targets.
PYTHON_BOOT ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stratops-installed

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint unit node-test bench

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## create the virtualenv with the project and its test tools

demo: $(STAMP) ## backtests, a paper-trading replay and the dashboard on http://127.0.0.1:8000
	$(VENV)/bin/stratops demo

test: $(STAMP) ## lint, then every test tier (unit, packaging, database, cluster, node)
	PYTHON=$(PY) scripts/test

lint: $(STAMP) ## ruff, mypy and the import-layer check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHON=$(PY) scripts/typecheck
	$(VENV)/bin/lint-imports

unit: $(STAMP) ## the fast unit tier only
	$(PY) -m pytest tests/unit -q

node-test: $(STAMP) ## the node tier only: the kind overlay on a real node, in containers (root)
	scripts/k8s-testenv build
	$(PY) -m pytest tests/node -v

# ---- Local cluster (needs Docker, kind and kubectl; not run by CI) -----------------
KIND ?= kind
KUBECTL ?= kubectl
KIND_CLUSTER ?= stratops
IMAGE ?= stratops:dev
.PHONY: image kind-up kind-load deploy kind-down

image: ## build the one stratops image (Docker) as $(IMAGE)
	docker build -t $(IMAGE) .

kind-up: ## create the kind cluster of manifests/kind/cluster.yaml (API on 127.0.0.1:8000)
	$(KIND) create cluster --name $(KIND_CLUSTER) --config manifests/kind/cluster.yaml

kind-load: image ## build the image and load it into the kind cluster's node
	$(KIND) load docker-image $(IMAGE) --name $(KIND_CLUSTER)

deploy: ## apply manifests/overlays/kind (CRD first, then everything) and wait for it
	$(KUBECTL) apply --server-side -k crds
	$(KUBECTL) wait --for=condition=Established crd/tradingstrategies.trading.stratops.dev --timeout=60s
	$(KUBECTL) apply --server-side -k manifests/overlays/kind
	$(KUBECTL) -n stratops rollout status statefulset/stratops-postgres --timeout=180s
	$(KUBECTL) -n stratops rollout status deployment/stratops-operator --timeout=300s
	$(KUBECTL) -n stratops rollout status deployment/stratops-api --timeout=180s
	@echo "dashboard: http://127.0.0.1:8000/"

kind-down: ## delete the kind cluster
	$(KIND) delete cluster --name $(KIND_CLUSTER)

bench: $(STAMP) ## print the performance figures (start-up, engine, API; reconcile needs the control plane)
	$(PY) bench/startup.py
	$(PY) bench/backtest.py
	$(PY) bench/api.py
	$(PY) bench/kube_client.py
	$(PY) bench/reconcile.py
	$(PY) bench/sweep.py
