# Comandos del libro. Los dos que importan: `make book` y `make test`.
# Todo lo demás (entorno, stack) lo crean ellos mismos si falta.

SHELL := /bin/bash
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
# Descargas grandes (jars de Kafka, binario del servidor S3, venv de Airflow) fuera del clon.
export MLOPS2_CACHE ?= $(HOME)/.cache/mlops2
# Carpetas de notebooks a grabar/verificar: `make record CLASE=clase1` o NB=ruta.ipynb
CLASE ?=
NB ?=

# make test: ver el orden y el porqué en coursekit/dev/test_all.py (dos núcleos, stack en
# paralelo con lo que no lo usa, benchmarks solos, tabla de tiempos al final).
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help env node-deps doctor book serve lab test test-compose lint format record linkcheck bench stack-up stack-down stack-status clean

help: ## Muestra esta ayuda
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

env: $(VENV)/.synced ## Crea o actualiza el entorno Python (.venv) desde uv.lock

$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || { echo ">> Instalando uv $(UV_VERSION) con pip"; python3 -m pip install --quiet "uv==$(UV_VERSION)"; }
	uv sync --frozen
	@touch $@

# Clientes en otros lenguajes (Clase 3: Node.js con @grpc/grpc-js), instalados desde su lock.
NODE_PROJECTS = $(patsubst %/package-lock.json,%,$(wildcard clase*/hands-on/*/package-lock.json))

node-deps: $(addsuffix /node_modules/.package-lock.json,$(NODE_PROJECTS)) ## Instala las dependencias de Node (npm ci)

%/node_modules/.package-lock.json: %/package-lock.json %/package.json
	@command -v npm >/dev/null 2>&1 || { echo "Falta npm (Node.js): apt-get install nodejs npm"; exit 1; }
	npm ci --prefix $* --no-audit --no-fund

doctor: env ## Chequea el entorno (Python, versiones, puertos, Docker, Java/Go, CRLF, MLflow, protobuf)
	$(PY) -m coursekit.dev.doctor

book: env ## Construye el sitio en _build/html desde las salidas guardadas (no necesita servicios)
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going

serve: book ## Sirve el sitio construido en http://127.0.0.1:8001
	$(PY) -m http.server 8001 --bind 127.0.0.1 --directory _build/html

lab: env ## Abre JupyterLab con el entorno del libro
	$(VENV)/bin/jupyter lab

test: env node-deps ## Todo: stack local, pytest (unidad, contratos, nbval, libro, navegador), stack abajo
	PYTEST_WORKERS=$(PYTEST_WORKERS) $(PY) -m coursekit.dev.test_all

# Con Docker (no es parte de make test; en CI no hay motor): cada perfil en contenedores, las mismas
# pruebas de humo que el modo local y todo abajo (también los volúmenes) al terminar.
COMPOSE_PROFILES_TESTS = streaming:kafka_or_redis datalake:s3_or_mlflow airflow:airflow_api_server

test-compose: env ## Con Docker: cada perfil en contenedores, pruebas de humo y todo abajo
	@docker info >/dev/null 2>&1 || { echo "make test-compose necesita un motor de Docker en marcha \
	(\`docker info\` falla). Sin Docker, \`make test\` usa el stack local."; exit 2; }
	@status=0; for entry in $(COMPOSE_PROFILES_TESTS); do \
	  profile=$${entry%%:*}; tests=$${entry#*:}; \
	  echo ">> perfil $$profile"; \
	  docker compose --profile $$profile up -d --wait || status=1; \
	  [ $$status -ne 0 ] || $(PY) -m pytest tests/stack/test_smoke.py -k "$${tests//_or_/ or }" \
	    || status=1; \
	  docker compose --profile $$profile down -v || status=1; \
	done; exit $$status

lint: env ## ruff (lint y formato) sobre .py y notebooks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: env ## Aplica ruff format y las correcciones automáticas
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

record: env ## Reejecuta notebooks y normaliza (todos, CLASE=claseN o NB=archivo.ipynb)
	$(PY) -m coursekit.dev.record $(if $(NB),$(NB),$(if $(CLASE),$(CLASE),))

linkcheck: env ## Informe de enlaces externos del sitio construido (no bloquea): _build/linkcheck.json
	$(PY) -m coursekit.dev.linkcheck

bench: env ## Benchmarks (QUICK=1: modo rápido): escribe _build/bench/*.json y verifica objetivos
	$(PY) -m coursekit.dev.bench $(if $(QUICK),--quick,)

stack-up: env ## Levanta el stack local (sin Docker)
	$(PY) -m stack.localstack up

stack-down: env ## Detiene el stack local
	$(PY) -m stack.localstack down

stack-status: env ## Estado del stack local
	$(PY) -m stack.localstack status

clean: ## Borra lo generado (_build); no toca .venv ni el caché
	rm -rf _build
