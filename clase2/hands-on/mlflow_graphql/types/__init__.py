"""Tipos del esquema GraphQL, por dominio (como `definitions/` en los ejemplos de Strawberry).

| archivo | tipos |
|---|---|
| `common.py` | enumeraciones, pares clave/valor, métricas y la interfaz `Tagged` |
| `runs.py` | `Run`, `Experiment` y la página de runs (`RunConnection`, `PageInfo`) |
| `registry.py` | `RegisteredModel`, `ModelVersion`, `ModelAlias` (el registro de modelos) |

Los tipos de entrada de las búsquedas están en `filters.py`; los de las mutaciones, en
`mutation.py`; los de la fachada, en `facade.py`.
"""
