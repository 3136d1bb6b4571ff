"""Configuración de la API segura: todo secreto sale del entorno.

`Settings.from_env()` lee las variables de abajo; lo que falta toma su valor de DESARROLLO
(documentado aquí, para que el curso funcione sin configurar nada). `check()` falla al arrancar,
no al primer pedido, si la configuración es insegura; con `APP_ENV=production` también falla si
algún secreto sigue en su valor de desarrollo.

Variables de entorno (entre paréntesis, el valor de desarrollo):
    APP_ENV                           development | production  (development)
    SECURE_API_JWT_SECRET             secreto HS256 de al menos 32 bytes  (DEV_JWT_SECRET)
    SECURE_API_TOKEN_TTL_S            vida de un token, en segundos  (900)
    SECURE_API_IDENTITIES_FILE        JSON con usuarios y claves de API  (DEV_IDENTITIES)
    SECURE_MODEL_SIGNING_KEY          clave HMAC de los modelos  (signing.DEV_SIGNING_KEY)
    SECURE_API_MODEL_PATH             artefacto del modelo  (artifacts/digits_lr.joblib)
    SECURE_API_RATE_CAPACITY          filas en ráfaga por cliente  (200)
    SECURE_API_RATE_PER_S             filas por segundo que se recuperan  (20)
    SECURE_API_RETURN_PROBABILITIES   true | false  (false: solo la etiqueta)
    SECURE_API_PROBA_DECIMALS         decimales de las probabilidades  (2)
    SECURE_API_AUDIT_LOG              archivo JSONL de auditoría  (vacío: solo en memoria)
    SECURE_API_MAX_BODY_BYTES         bytes máximos del cuerpo (413 si se pasa)  (2000000)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .identities import DEV_IDENTITIES, Identities
from .signing import DEFAULT_MODEL_PATH, DEV_SIGNING_KEY, signing_key_from_env

ENVIRONMENTS = ("development", "production")
# Valor de DESARROLLO: en producción llega por entorno, desde un gestor de secretos.
DEV_JWT_SECRET = "dev-secreto-jwt-NO-USAR-EN-PRODUCCION-0123456789"
TRUE_VALUES = ("1", "true", "yes", "si", "sí")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    jwt_secret: str = DEV_JWT_SECRET
    token_ttl_s: int = 900
    identities: Identities = field(default_factory=lambda: Identities.from_dict(DEV_IDENTITIES))
    signing_key: str = DEV_SIGNING_KEY
    model_path: Path = DEFAULT_MODEL_PATH
    rate_capacity: float = 200.0
    rate_per_s: float = 20.0
    login_capacity: float = 5.0  # intentos de inicio de sesión en ráfaga por usuario e IP
    login_per_s: float = 1 / 12  # …y uno nuevo cada 12 s
    return_probabilities: bool = False
    proba_decimals: int = 2
    audit_log_path: Path | None = None
    max_body_bytes: int = 2_000_000  # 1000 filas en JSON: ~0,4 a 1,3 MB según los decimales

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee la configuración del entorno, la valida (`check`) y la devuelve."""
        env = os.environ if environ is None else environ
        audit_log = env.get("SECURE_API_AUDIT_LOG")
        settings = cls(
            env=env.get("APP_ENV") or "development",
            jwt_secret=env.get("SECURE_API_JWT_SECRET") or DEV_JWT_SECRET,
            token_ttl_s=_number(env, "SECURE_API_TOKEN_TTL_S", 900, int),
            identities=_identities(env.get("SECURE_API_IDENTITIES_FILE")),
            signing_key=signing_key_from_env(env),
            model_path=Path(env.get("SECURE_API_MODEL_PATH") or DEFAULT_MODEL_PATH),
            rate_capacity=_number(env, "SECURE_API_RATE_CAPACITY", 200.0, float),
            rate_per_s=_number(env, "SECURE_API_RATE_PER_S", 20.0, float),
            return_probabilities=env.get("SECURE_API_RETURN_PROBABILITIES", "false").lower()
            in TRUE_VALUES,
            proba_decimals=_number(env, "SECURE_API_PROBA_DECIMALS", 2, int),
            audit_log_path=Path(audit_log) if audit_log else None,
            max_body_bytes=_number(env, "SECURE_API_MAX_BODY_BYTES", 2_000_000, int),
        )
        settings.check()
        return settings

    @property
    def dev_defaults_in_use(self) -> list[str]:
        """Qué secretos siguen con su valor de desarrollo (se compara el valor, no el origen)."""
        used = []
        if self.jwt_secret == DEV_JWT_SECRET:
            used.append("SECURE_API_JWT_SECRET")
        if self.signing_key == DEV_SIGNING_KEY:
            used.append("SECURE_MODEL_SIGNING_KEY")
        if self.identities == Identities.from_dict(DEV_IDENTITIES):
            used.append("SECURE_API_IDENTITIES_FILE")
        return used

    def check(self) -> None:
        """Falla al arrancar (no al primer pedido) si la configuración es insegura o inválida."""
        if self.env not in ENVIRONMENTS:
            raise ValueError(f"APP_ENV={self.env!r} no es válido: usar development o production.")
        if len(self.jwt_secret.encode()) < 32:
            raise ValueError("SECURE_API_JWT_SECRET debe tener al menos 32 bytes (RFC 7518 §3.2).")
        positive = (self.token_ttl_s, self.rate_capacity, self.rate_per_s, self.max_body_bytes)
        if min(positive) <= 0:
            raise ValueError(
                "SECURE_API_TOKEN_TTL_S, SECURE_API_RATE_CAPACITY, SECURE_API_RATE_PER_S y "
                "SECURE_API_MAX_BODY_BYTES deben ser mayores que 0."
            )
        if self.env == "production" and self.dev_defaults_in_use:
            raise ValueError(
                "APP_ENV=production pero faltan secretos y se usarían los valores de "
                f"desarrollo de: {', '.join(self.dev_defaults_in_use)}. Definirlos en el entorno "
                "(`python -m secure_api new-secret` genera uno)."
            )


def _number(env: Mapping[str, str], name: str, default: float, kind: type) -> float:
    """Un número del entorno, con un mensaje que nombra la variable si no lo es."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        tipo = "un número entero" if kind is int else "un número"
        raise ValueError(f"{name}={raw!r} no es válido: debe ser {tipo}.") from None


def _identities(path: str | None) -> Identities:
    """Las identidades del archivo JSON indicado, o las de desarrollo si no hay archivo."""
    if not path:
        return Identities.from_dict(DEV_IDENTITIES)
    try:
        return Identities.from_dict(json.loads(Path(path).read_text()))
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise ValueError(f"SECURE_API_IDENTITIES_FILE={path!r} no se pudo leer: {exc}") from None
