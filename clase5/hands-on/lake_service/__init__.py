"""Servicio de predicción de la Clase 5: sirve el modelo campeón de MLflow y lo recarga cuando
el alias se mueve, sin dejar de servir el anterior si algo falla. Un concepto por archivo:

    settings.py   configuración por entorno (Settings.from_env, check())
    champion.py   el campeón cargado y su recarga (canónico, compartido con la Clase 8)
    schemas.py    lo que entra y sale por HTTP (Pydantic)
    routes.py     POST /predict y POST /reload
    health.py     GET /health y GET /ready (copia de la Clase 1)
    problems.py   errores como problem+json, RFC 9457 (copia de la Clase 1)
    app.py        create_app(): arma lo anterior
    cli.py        `python -m lake_service --port 8000`

Arranque: `python -m lake_service` o `uvicorn --factory lake_service.app:create_app`.
"""
