"""Servicio GraphQL sobre los metadatos de MLflow (Clase 2): Strawberry montado en FastAPI.

Un paquete pequeño, un concepto por archivo (la estructura de los ejemplos de Strawberry):

| archivo | concepto | notebook |
|---|---|---|
| `types/` | el esquema como clases de Python: runs, experimentos, registro de modelos | 01 |
| `filters.py` | filtro y orden tipados de runs, traducidos al lenguaje de MLflow | 01, 02 |
| `gateway.py` | acceso a MLflow que cuenta sus llamadas (`extensions.mlflowCalls`) | 01, 04 |
| `context.py` | el contexto de cada solicitud (`info.context`) | 01 |
| `query.py` | el tipo `Query` | 01, 02 |
| `app.py` | `create_app()`: solo arma las piezas | 01 |
| `router.py` | `/graphql` por HTTP: GraphiQL sin internet, errores de protocolo, OpenAPI | 01 |
| `schema.py` | `build_schema()` y el SDL versionado (`schema.graphql`) | 01, 04 |
| `mutation.py` | el tipo `Mutation` | 03 |
| `subscription.py` | el tipo `Subscription` (WebSocket) | 03 |
| `errors.py`, `validation.py` | errores para el cliente y reglas de entrada | 03 |
| `loaders.py` | DataLoaders contra el problema N+1 | 04 |
| `hardening.py`, `cost.py` | límites de profundidad, tamaño, alias y costo; modo producción | 04 |
| `settings.py` | configuración desde el entorno (`MLFLOW_TRACKING_URI`, `APP_ENV`...) | 04 |
| `facade.py` | el campo `deployment`: MLflow y la API de predicción en una respuesta | 05 |
| `problems.py`, `health.py` | errores HTTP RFC 9457 y `/health`, `/ready` (copias canónicas) | 01 |
| `cli.py`, `__main__.py` | `python -m mlflow_graphql` | 01 |

Fuera de Jupyter, desde `clase2/hands-on/`:

    python mlflow_graphql_seed.py                                  # artifacts/mlflow-seed/
    python -m mlflow_graphql --port 8001                           # GraphiQL en /graphql
    uvicorn --factory mlflow_graphql.app:create_app --port 8001    # lo mismo, con uvicorn
    python -m mlflow_graphql export-schema > schema.graphql
"""
