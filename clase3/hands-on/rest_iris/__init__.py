"""API REST mínima del modelo de iris, para la comparación REST / GraphQL / gRPC (Clase 3).

| archivo | concepto |
|---|---|
| `predict.py` | `POST /predict/batch`: contrato de entrada y salida, una llamada al modelo |
| `problems.py` | errores RFC 9457 (`application/problem+json`) en español (copia de la Clase 1) |
| `health.py` | `/health` (liveness) y `/ready` (readiness) (copia de la Clase 1) |
| `settings.py` | configuración desde el entorno (`MODEL_PATH`, `APP_ENV`) con `check()` |
| `app.py` | `create_app()`: solo arma las piezas |
| `cli.py`, `__main__.py` | `python -m rest_iris` |

Fuera de Jupyter, desde `clase3/hands-on/`:

    python iris_model.py                                      # artifacts/iris_rf.joblib
    python -m rest_iris --port 8001                           # documentación en /docs
    uvicorn --factory rest_iris.app:create_app --port 8001    # lo mismo, con uvicorn directo
"""
