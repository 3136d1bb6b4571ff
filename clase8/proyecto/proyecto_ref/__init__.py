"""Proyecto de referencia de la Clase 8: un ciclo completo de desarrollo y despliegue.

Un concepto por archivo:

- ``config``: configuración por entorno (``APP_ENV`` = development, containers, production).
- ``data``: esquema de los datos, generación de lotes y validación.
- ``lake``: las zonas *raw* y *curated* del data lake (S3).
- ``training``: entrenamiento y evaluación; ``registry``: el registro de MLflow.
- ``promotion``: la regla que decide si el retador pasa a ``champion``.
- ``pipeline``: el ciclo completo en un proceso (lo mismo que hace el DAG de Airflow).
- ``champion``: recarga del campeón de MLflow (archivo compartido del libro, copia tal cual).
- ``prediction``: el campeón del proyecto y cómo se ve una predicción.
- ``problems``, ``health``: errores problem+json, ``/health`` y ``/ready`` (archivos compartidos).
- ``metrics``: ``/metrics`` para Prometheus, con los mismos nombres que la API de la Clase 1.
- ``schemas``, ``auth``, ``routes``, ``graphql_schema``, ``app``: la API (REST y GraphQL).
- ``streaming``: el consumidor de Kafka que predice por micro-lotes con el mismo modelo.
- ``airflow_client``: disparar el DAG por la API REST de Airflow.
- ``cli``: la línea de comandos (``python -m proyecto_ref serve|token|consume|pipeline|trigger``).

Este archivo no importa nada pesado: el DAG de Airflow importa el paquete en cada parseo.
"""

__version__ = "1.0.0"
