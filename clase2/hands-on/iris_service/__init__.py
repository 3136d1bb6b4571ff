"""La API de predicción que observa la fachada de la Clase 2: un modelo de iris detrás de FastAPI.

Es el "otro equipo" del notebook 5: un servicio pequeño y separado, con su propia línea de
comandos, que la fachada GraphQL consulta por HTTP (nunca importa su código).

| archivo | concepto |
|---|---|
| `model.py` | entrenar, guardar y cargar el paquete del modelo (modelo, versión, clases) |
| `predict.py` | `POST /predict`: una flor con sus cuatro medidas → especie y probabilidades |
| `problems.py` | errores RFC 9457 (`application/problem+json`) en español (copia de la Clase 1) |
| `health.py` | `/health` (liveness) y `/ready` (readiness, con la versión) (copia de la Clase 1) |
| `settings.py` | configuración desde el entorno (`MODEL_PATH`, `APP_ENV`) con `check()` |
| `app.py` | `create_app()`: solo arma las piezas |
| `cli.py`, `__main__.py` | `python -m iris_service train` y `python -m iris_service serve` |

Fuera de Jupyter, desde `clase2/hands-on/`:

    python -m iris_service train --output artifacts/iris_service/iris.joblib --version 1
    python -m iris_service serve --model artifacts/iris_service/iris.joblib --port 8000
    MODEL_PATH=artifacts/iris_service/iris.joblib \
        uvicorn --factory iris_service.app:create_app --port 8000
"""
