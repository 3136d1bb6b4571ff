"""Proyecto de referencia de la Clase 8: un ciclo completo de desarrollo y despliegue.

Módulos (cada cosa en un solo lugar):

- ``config``: configuración por entorno (``PROYECTO_ENV`` = local, contenedores, produccion).
- ``data``: esquema de los datos, generación de lotes, validación e ingesta al data lake (S3).
- ``training``: entrenamiento, evaluación, registro en MLflow y promoción a ``champion``.
- ``pipeline``: el ciclo completo en un proceso (lo mismo que hace el DAG de Airflow, paso a paso).
- ``model_store``: carga el campeón desde MLflow y lo recarga cuando cambia el alias.
- ``service``: la API de predicción (FastAPI + GraphQL con Strawberry), con clave de API o JWT.
- ``streaming``: el consumidor de Kafka que predice en tiempo real con el mismo modelo.

Este archivo no importa nada pesado: el DAG de Airflow lo importa en cada parseo.
"""

__version__ = "1.0.0"
