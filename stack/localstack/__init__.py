"""Stack local del curso, sin Docker: los mismos servicios, puertos y variables que docker compose.

Uso (desde la raíz del repositorio, con el Python del libro; `make stack-up` hace lo mismo):

    .venv/bin/python -m stack.localstack up [servicio ...]  # todo, o esos y sus dependencias
    .venv/bin/python -m stack.localstack status             # tabla; sale con 1 si algo se cayó
    .venv/bin/python -m stack.localstack down [servicio ...] # detiene todo (o solo esos)
    .venv/bin/python -m stack.localstack env                # `export VAR=valor` del stack
    .venv/bin/python -m stack.localstack airflow ARGS...    # CLI de Airflow, entorno del stack

Cada servicio corre como proceso propio, en su propio grupo de procesos, con su PID, su log y sus
datos bajo `.stack/` (ignorada por git). Lo que se descarga o compila una sola vez (jars de Kafka,
binarios de MinIO y Prometheus, entorno de Airflow) queda en `$MLOPS2_CACHE` (por defecto
~/.cache/mlops2).

Un archivo por idea:

- `layout.py`: dónde queda cada cosa (`.stack/`, el caché); se lee del entorno en `from_env()`.
- `tools.py`: mensajes, pasos de preparación, herramientas del sistema y chequeos de red.
- `processes.py`: archivos PID, qué procesos son de un servicio y cuánta memoria usan.
- `supervisor.py`: lanzar un servicio en su grupo de procesos, esperar su *health check* y
  detenerlo (SIGTERM y, si no alcanza, SIGKILL).
- `service.py`: la declaración de un servicio local (`LocalService`).
- `postgres.py`, `redis.py`, `kafka.py`, `s3.py`, `mlflow.py`, `airflow.py`, `prometheus.py`: un
  servicio cada uno.
- `order.py`: el orden de arranque, derivado de las dependencias de la tabla de servicios
  (`coursekit/stack.py`, la única fuente) con un orden topológico.
- `commands.py` y `status.py`: `up`, `down`, `env` y `status`; `cli.py`: los argumentos.
"""
