"""API segura del clasificador de dígitos (Clase 7), un concepto por archivo.

Sigue el patrón de la API de la Clase 1 (fábrica `create_app`, modelo cargado una vez en el
*lifespan*, errores RFC 9457 en español) y agrega las capas de seguridad de un servicio real:

    settings.py        configuración desde el entorno; `check()` rechaza lo inseguro
    identities.py      usuarios (hash Argon2) y clientes de máquina (SHA-256 de su clave)
    tokens.py          JWT HS256: emitir y verificar (algoritmo fijo, exp, iss, aud)
    auth.py            clave de API o JWT → Principal; scopes; 401, 403 y 400
    rate_limit.py      token bucket por cliente y por fila: 429 con Retry-After
    body_limit.py      tope al tamaño del cuerpo: 413 antes de leerlo
    audit.py           un registro por pedido (también los rechazados) y GET /admin/audit
    signing.py         modelo firmado con HMAC, verificado antes de deserializar
    model.py           el modelo cargado, la dependencia que lo exige y el chequeo de /ready
    isolation.py       cargar y predecir en un proceso hijo con límites de memoria, CPU y tiempo
    worker.py          ese proceso hijo (python -m secure_api.worker)
    schemas.py         contratos de entrada y salida (Pydantic)
    routes_token.py    POST /token (flujo password de OAuth2)
    routes_predict.py  /v1/predict, /v1/predict/batch, /v1/model (salida mínima)
    errors.py          `code` estable en cada error y tope de errores de validación
    problems.py        errores problem+json (copia tal cual de la Clase 1)
    health.py          /health y /ready (copia tal cual de la Clase 1)
    app.py             create_app(): solo conecta las piezas
    cli.py             serve, new-secret, new-api-key, hash-password

Fuera de Jupyter, desde `clase7/hands-on/`:
    python secure_model.py                              # entrena y firma el modelo
    uvicorn --factory secure_api.app:create_app         # o: python -m secure_api serve
"""
