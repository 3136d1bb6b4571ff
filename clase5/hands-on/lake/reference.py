"""Los datos exactos de una corrida: ruta en S3 y versión de cada objeto leído.

Un nombre («las features del 5 de enero») no identifica datos: el ETL puede reescribir esa
partición mañana. Lo que sí los identifica es la ruta más el `VersionId` de cada objeto, que en
un *bucket* versionado es inmutable. `Reference` guarda esa identidad y su `digest` (un resumen
corto para comparar). Se usa dos veces:

- el entrenamiento registra con qué datos exactos entrenó y con cuáles evaluó (`training.py`);
- la promoción evalúa campeón y retador sobre **el mismo** conjunto de referencia, y se niega a
  comparar métricas de referencias distintas (`promotion.py`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .config import LakeConfig
from .features import FEATURE_SET


@dataclass(frozen=True)
class Reference:
    """Un conjunto de datos identificado por su ruta y la versión de cada objeto."""

    path: str  # s3://<bucket>/<conjunto>
    versions: Mapping[str, str] = field(hash=False)  # {clave del objeto: VersionId}

    @property
    def digest(self) -> str:
        """12 caracteres que cambian si cambia la ruta o la versión de cualquier objeto."""
        identity = json.dumps({"path": self.path, "versions": dict(self.versions)}, sort_keys=True)
        return hashlib.sha256(identity.encode()).hexdigest()[:12]

    def as_dict(self) -> dict:
        """Forma JSON (para un XCom de Airflow o una etiqueta de MLflow)."""
        return {"path": self.path, "versions": dict(sorted(self.versions.items()))}

    @classmethod
    def from_dict(cls, data: Mapping) -> Reference:
        return cls(path=data["path"], versions=dict(data["versions"]))


def feature_versions(config: LakeConfig, days: list[date]) -> dict[str, str]:
    """{clave: versión} de los Parquet de features de `days`: la referencia exacta de los datos."""
    s3 = config.s3_client()
    versions = {}
    for day in days:
        prefix = f"{FEATURE_SET}/fecha={day.isoformat()}/"
        listed = s3.list_objects_v2(Bucket=config.features_bucket, Prefix=prefix)
        for obj in listed.get("Contents", []):
            head = s3.head_object(Bucket=config.features_bucket, Key=obj["Key"])
            versions[obj["Key"]] = head.get("VersionId") or "null"
    return versions


def features_reference(config: LakeConfig, days: list[date]) -> Reference:
    """La referencia a las features de `days` tal como están ahora en el lago."""
    path = f"s3://{config.features_bucket}/{FEATURE_SET}"
    return Reference(path=path, versions=feature_versions(config, days))


def load_reference(config: LakeConfig, reference: Reference) -> pd.DataFrame:
    """Lee de S3 exactamente esas versiones (aunque después se hayan sobrescrito)."""
    bucket = reference.path.removeprefix("s3://").split("/", 1)[0]
    s3 = config.s3_client()
    parts = []
    for key, version_id in sorted(reference.versions.items()):
        extra = {} if version_id == "null" else {"VersionId": version_id}
        body = s3.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()
        day = key.split("fecha=")[1].split("/")[0]  # la partición va en la clave, no en el archivo
        parts.append(pd.read_parquet(io.BytesIO(body)).assign(fecha=day))
    if not parts:
        raise ValueError(f"la referencia {reference.digest} ({reference.path}) no tiene objetos")
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["fecha", "ts", "device_id"]).reset_index(drop=True)
