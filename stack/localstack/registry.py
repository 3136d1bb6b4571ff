"""Los servicios del stack local por nombre (los mismos nombres que la tabla de coursekit)."""

from __future__ import annotations

from . import airflow, kafka, mlflow, postgres, prometheus, redis, s3
from .service import LocalService

LOCAL: dict[str, LocalService] = {
    module.SERVICE.name: module.SERVICE
    for module in (postgres, redis, kafka, s3, mlflow, airflow, prometheus)
}
