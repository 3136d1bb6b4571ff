"""API REST del clasificador de iris (Clase 1): un paquete pequeño, un concepto por archivo.

| archivo | concepto | notebook |
|---|---|---|
| `contracts.py` | contrato de entrada: Pydantic, unidades y reglas de plausibilidad | 01 |
| `problems.py` | errores RFC 9457 (`application/problem+json`) en español (canónico) | 01 |
| `app.py` | `create_app()`: solo arma las piezas | 01 |
| `responses.py` | contratos de salida de `/v1` y `/v2` | 02, 03 |
| `batch_formats.py` | el lote de `/v2` en JSON o Arrow (negociación de contenido) | 02 |
| `jobs.py` | trabajos asíncronos (202 + sondeo), idempotencia y el `Protocol` `JobStore` | 02 |
| `jobs_memory.py` | `MemoryJobStore`: los trabajos en la memoria del proceso | 02 |
| `jobs_redis.py` | `RedisJobStore`: los trabajos en Redis, compartidos entre procesos | 06 |
| `versions.py` | routers `/v1` (deprecado) y `/v2` con encabezados de deprecación | 02, 03 |
| `health.py` | `/health` (liveness) y `/ready` (readiness) (canónico) | 03 |
| `model.py` | el modelo, cargado una vez por proceso; 503 si falta | 03 |
| `settings.py` | configuración desde el entorno (`MODEL_PATH`, `APP_ENV`, `JOB_STORE`…) | 03 |
| `cli.py`, `__main__.py` | `python -m iris_api` | 03 |
| `ops.py` | métricas Prometheus y un log JSON por solicitud | 05 |

Fuera de Jupyter, desde `clase1/hands-on/`:

    python iris_train.py                                      # artifacts/iris_rf.joblib
    python -m iris_api --port 8000                            # documentación en /docs
    uvicorn --factory iris_api.app:create_app --port 8000     # lo mismo, con uvicorn directo
    JOB_STORE=redis uvicorn --factory iris_api.app:create_app --workers 2   # trabajos en Redis
"""
