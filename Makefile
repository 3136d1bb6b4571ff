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

# make test en dos núcleos: el stack arranca EN PARALELO con los notebooks y pruebas que no lo
# usan. Dos pytest a la vez: uno, en serie, con todo lo que usa el stack (puertos fijos; espera
# a `stack-up` y empieza por las pruebas del stack, incluida la que reinicia Kafka; su salida va a
# _build/pytest-stack.log y se muestra al terminar) y otro que reparte el resto con pytest-xdist
# (cada notebook entero en un proceso). Después, los benchmarks rápidos solos, con la máquina
# quieta (sus objetivos son cocientes). Al final, el libro y el navegador (tests/test_site.py):
# así la página de estado del libro muestra esta misma corrida. Luego, la tabla de tiempo por
# clase y la lista de pruebas que fallaron.
PYTEST_WORKERS ?= 2
NOTEBOOK_DIRS = $(sort $(wildcard clase*/hands-on))
NBVAL_FLAGS = --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

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
	@status=0; began=$$(date +%s); run="$$began-$$$$"; mkdir -p _build; \
	rm -f _build/stack-up.status; \
	( $(MAKE) --no-print-directory stack-up > _build/stack-up.log 2>&1; \
	  echo $$? > _build/stack-up.status ) & \
	echo ">> stack-up en segundo plano (log: _build/stack-up.log)"; \
	echo ">> pruebas que usan el stack, en serie, en segundo plano (log: _build/pytest-stack.log)"; \
	MLOPS2_TEST_RUN=$$run MLOPS2_STACK_UP_STATUS=$(CURDIR)/_build/stack-up.status \
	  $(PY) -m pytest -p no:xdist --stack-group=only -m "not bench" $(NOTEBOOK_DIRS) tests \
	  --ignore=tests/test_site.py $(NBVAL_FLAGS) > _build/pytest-stack.log 2>&1 & stack_pid=$$!; \
	MLOPS2_TEST_RUN=$$run $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --stack-group=skip \
	  -m "not bench" $(NOTEBOOK_DIRS) tests --ignore=tests/test_site.py $(NBVAL_FLAGS) || status=$$?; \
	wait $$stack_pid || status=$$?; wait; \
	echo ">> pruebas con el stack:"; cat _build/pytest-stack.log; cat _build/stack-up.log; \
	echo ">> benchmarks en modo rápido, solos (un cociente medido con la máquina ocupada no vale)"; \
	MLOPS2_TEST_RUN=$$run MLOPS2_STACK_UP_STATUS=$(CURDIR)/_build/stack-up.status \
	  $(PY) -m pytest -p no:xdist -m bench tests || status=$$?; \
	MLOPS2_TEST_RUN=$$run $(PY) -m pytest tests/test_site.py || status=$$?; \
	$(MAKE) --no-print-directory stack-down || status=$$?; \
	$(PY) -m coursekit.dev.linkcheck; \
	$(PY) -m coursekit.dev.pytest_timing $$run $$(( $$(date +%s) - began )); \
	exit $$status

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
