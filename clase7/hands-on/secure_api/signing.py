"""Artefactos de modelo firmados: la firma se verifica ANTES de deserializar.

Un archivo `.joblib` es un *pickle*: cargarlo puede ejecutar código arbitrario (notebook 6).
`write_signed` guarda el modelo y, a su lado, una firma HMAC-SHA256 de sus bytes (`.sig`) y un
manifiesto (`.json`); `load_verified` comprueba la firma y recién entonces llama a `joblib.load`.
Quien no tenga la clave de firma no puede reemplazar el modelo sin que la API lo note.

La clave llega por la variable de entorno `SECURE_MODEL_SIGNING_KEY`; sin ella se usa el valor
de DESARROLLO de abajo (con `APP_ENV=production` la API se niega a arrancar con él).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from pathlib import Path

import joblib

# Junto al paquete: clase7/hands-on/artifacts/ (carpeta ignorada por git).
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[1] / "artifacts" / "digits_lr.joblib"
# Valor de DESARROLLO: en producción la clave llega por entorno desde un gestor de secretos.
DEV_SIGNING_KEY = "dev-clave-firma-modelos-NO-USAR-EN-PRODUCCION"


class ArtifactError(Exception):
    """El artefacto no existe, no tiene firma o la firma no coincide."""


def signing_key_from_env(environ: Mapping[str, str] | None = None) -> str:
    """La clave de firma del entorno (`SECURE_MODEL_SIGNING_KEY`) o la de desarrollo."""
    env = os.environ if environ is None else environ
    return env.get("SECURE_MODEL_SIGNING_KEY") or DEV_SIGNING_KEY


def file_signature(path: Path, key: str) -> str:
    """HMAC-SHA256 de los bytes del archivo: solo quien conoce `key` puede producirla."""
    return hmac.new(key.encode(), Path(path).read_bytes(), hashlib.sha256).hexdigest()


def write_signed(bundle: dict, path: Path, key: str) -> Path:
    """Guarda el modelo (`bundle["model"]` y sus metadatos), su firma y su manifiesto."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, path)
    Path(f"{path}.sig").write_text(file_signature(path, key) + "\n")
    manifest = {k: v for k, v in bundle.items() if k != "model"}
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["algorithm"] = type(bundle["model"]).__name__
    Path(f"{path}.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return path


def load_verified(path: Path, key: str) -> dict:
    """Verifica la firma y recién entonces deserializa. Lanza ArtifactError si algo no cuadra."""
    path = Path(path)
    sig_path = Path(f"{path}.sig")
    if not path.exists():
        raise ArtifactError(
            f"No se encontró el modelo en {path}: ejecutar `python secure_model.py`."
        )
    if not sig_path.exists():
        raise ArtifactError(f"El modelo {path.name} no tiene firma ({sig_path.name}): no se carga.")
    expected = sig_path.read_text().strip()
    if not hmac.compare_digest(expected, file_signature(path, key)):  # tiempo constante
        raise ArtifactError(
            f"La firma de {path.name} no coincide: el archivo fue modificado o lo firmó otra "
            "clave. No se deserializa (un pickle alterado puede ejecutar código)."
        )
    bundle = joblib.load(path)  # recién ahora: el archivo es el que se firmó
    bundle["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return bundle
