"""API segura del clasificador de dígitos (Clase 7).

Sigue el patrón de la API de la Clase 1 (fábrica `create_app`, modelo cargado una vez en el
*lifespan*, errores RFC 9457 en español) y agrega las capas de seguridad de un servicio real:

- **Autenticación** con clave de API (cabecera `X-API-Key`) o con JWT obtenido por el flujo
  *password* de OAuth2 (`POST /token`); tokens HS256 con vencimiento, emisor y audiencia.
- **Autorización** por *scopes*: `predict` para predecir, `admin` para leer la auditoría.
- **Contraseñas** guardadas solo como hash Argon2 (pwdlib); claves de API solo como SHA-256.
- **Secretos** desde variables de entorno, con valores de desarrollo documentados; con
  `SECURE_API_ENV=production` la API se niega a arrancar si alguno sigue en su valor de desarrollo.
- **Límite de tasa** por cliente con un *token bucket* propio (el costo es la cantidad de filas):
  429 con `Retry-After`. También limita los intentos de inicio de sesión.
- **Salida mínima**: por defecto solo la etiqueta; las probabilidades, si se habilitan, redondeadas.
- **Modelo firmado**: se verifica la firma HMAC del artefacto antes de deserializarlo.
- **Auditoría**: quién llamó a qué, con qué resultado y con qué versión del modelo.

Fuera de Jupyter:
    python secure_model.py                      # entrena y firma artifacts/digits_lr.joblib
    uvicorn secure_api:app --port 8000          # documentación interactiva en /docs
    python secure_api.py hash-password          # hash Argon2 para un usuario nuevo
    python secure_api.py new-api-key            # clave de API nueva y su SHA-256

Variables de entorno (entre paréntesis, el valor de desarrollo):
    SECURE_API_ENV                    development | production  (development)
    SECURE_API_JWT_SECRET             secreto HS256 de al menos 32 bytes  (DEV_JWT_SECRET)
    SECURE_API_TOKEN_TTL_S            vida de un token, en segundos  (900)
    SECURE_API_IDENTITIES_FILE        JSON con usuarios y claves de API  (DEV_IDENTITIES)
    SECURE_MODEL_SIGNING_KEY          clave HMAC de los modelos  (ver secure_model.py)
    SECURE_API_MODEL_PATH             artefacto del modelo  (artifacts/digits_lr.joblib)
    SECURE_API_RATE_CAPACITY          filas en ráfaga por cliente  (200)
    SECURE_API_RATE_PER_S             filas por segundo que se recuperan  (20)
    SECURE_API_RETURN_PROBABILITIES   true | false  (false: solo la etiqueta)
    SECURE_API_PROBA_DECIMALS         decimales de las probabilidades  (2)
    SECURE_API_AUDIT_LOG              archivo JSONL de auditoría  (vacío: solo en memoria)

Identidades de desarrollo (DEV_IDENTITIES): usuaria `analista` / `analista-dev-2026` (predict),
usuaria `auditora` / `auditora-dev-2026` (predict, admin) y la clave de API
`dev-api-key-lote-nocturno-0001` del cliente `lote-nocturno` (predict).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import sys
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import jwt
import numpy as np
import secure_model
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import (
    APIKeyHeader,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    SecurityScopes,
)
from pwdlib import PasswordHash
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("secure_api")

JWT_ALGORITHM = "HS256"  # el ÚNICO algoritmo que se acepta al verificar (nunca "none")
JWT_ISSUER = "secure_api"
JWT_AUDIENCE = "secure_api:clientes"
SCOPES = {
    "predict": "Pedir predicciones al modelo.",
    "admin": "Leer la auditoría y los metadatos de operación.",
}
MAX_BATCH_ROWS = 1000
MAX_REPORTED_ERRORS = 10

# --------------------------------------------------------------------------------------
# Valores de DESARROLLO. Sirven para correr el curso sin configurar nada; en producción
# cada uno llega por variable de entorno (desde un gestor de secretos) y estos quedan prohibidos.
# --------------------------------------------------------------------------------------
DEV_JWT_SECRET = "dev-secreto-jwt-NO-USAR-EN-PRODUCCION-0123456789"
DEV_IDENTITIES = {
    "users": [
        {  # contraseña de desarrollo: analista-dev-2026
            "username": "analista",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$Ui+aX2y/rtsKbVMbpEO+gQ$"
            "7PIxpNRnumK8GikZX2rtSVHFZryYeEnGeVUYU55TIgI",
            "scopes": ["predict"],
        },
        {  # contraseña de desarrollo: auditora-dev-2026
            "username": "auditora",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$HY73q0dhA7H8UxxPtok5Cg$"
            "gWJc2nvVHDVLQQkawGdErNordkBSmz94LsFbxZKl994",
            "scopes": ["predict", "admin"],
        },
    ],
    "api_keys": [
        {  # clave de desarrollo: dev-api-key-lote-nocturno-0001 (se guarda solo su SHA-256)
            "client_id": "lote-nocturno",
            "key_sha256": "d30fc4768a0ee977632922c13b225540506d59d4899ceb790fded299c7e0392c",
            "scopes": ["predict"],
        }
    ],
}
# Hash de una contraseña que nadie tiene: se verifica contra él cuando el usuario no existe,
# para que "usuario inexistente" y "contraseña incorrecta" tarden lo mismo (sin enumeración).
DUMMY_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$G8SGU0WYvKyjgMmqHKGfvw$"
    "DV+zQr9qm56Ts8bAAi+jlz9HtKx5s3sdjrGbEnp9bes"
)
password_hasher = PasswordHash.recommended()  # Argon2id con los parámetros recomendados


# --------------------------------------------------------------------------------------
# Configuración: todo secreto sale del entorno
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    key_sha256: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class Identities:
    users: dict[str, User]
    api_clients: tuple[ApiClient, ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> Identities:
        users = {
            u["username"]: User(u["username"], u["password_hash"], frozenset(u["scopes"]))
            for u in data.get("users", [])
        }
        clients = tuple(
            ApiClient(k["client_id"], k["key_sha256"].lower(), frozenset(k["scopes"]))
            for k in data.get("api_keys", [])
        )
        unknown = {s for x in [*users.values(), *clients] for s in x.scopes} - set(SCOPES)
        if unknown:
            raise ValueError(f"scopes desconocidos en las identidades: {sorted(unknown)}")
        return cls(users, clients)


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    jwt_secret: str = DEV_JWT_SECRET
    token_ttl_s: int = 900
    identities: Identities = field(default_factory=lambda: Identities.from_dict(DEV_IDENTITIES))
    signing_key: str = secure_model.DEV_SIGNING_KEY
    model_path: Path = secure_model.DEFAULT_MODEL_PATH
    rate_capacity: float = 200.0
    rate_per_s: float = 20.0
    login_capacity: float = 5.0  # intentos de inicio de sesión en ráfaga por usuario e IP
    login_per_s: float = 1 / 12  # …y uno nuevo cada 12 s
    return_probabilities: bool = False
    proba_decimals: int = 2
    audit_log_path: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Lee la configuración del entorno; lo que falta toma su valor de desarrollo."""
        env = os.environ if environ is None else environ
        identities_file = env.get("SECURE_API_IDENTITIES_FILE")
        identities = Identities.from_dict(
            json.loads(Path(identities_file).read_text()) if identities_file else DEV_IDENTITIES
        )
        audit_log = env.get("SECURE_API_AUDIT_LOG")
        settings = cls(
            env=env.get("SECURE_API_ENV", "development"),
            jwt_secret=env.get("SECURE_API_JWT_SECRET") or DEV_JWT_SECRET,
            token_ttl_s=int(env.get("SECURE_API_TOKEN_TTL_S", 900)),
            identities=identities,
            signing_key=env.get("SECURE_MODEL_SIGNING_KEY") or secure_model.DEV_SIGNING_KEY,
            model_path=Path(env.get("SECURE_API_MODEL_PATH", secure_model.DEFAULT_MODEL_PATH)),
            rate_capacity=float(env.get("SECURE_API_RATE_CAPACITY", 200)),
            rate_per_s=float(env.get("SECURE_API_RATE_PER_S", 20)),
            return_probabilities=env.get("SECURE_API_RETURN_PROBABILITIES", "false").lower()
            in ("1", "true", "yes", "si", "sí"),
            proba_decimals=int(env.get("SECURE_API_PROBA_DECIMALS", 2)),
            audit_log_path=Path(audit_log) if audit_log else None,
        )
        settings.check()
        return settings

    @property
    def dev_defaults_in_use(self) -> list[str]:
        """Qué secretos siguen con su valor de desarrollo (se compara el valor, no el origen)."""
        used = []
        if self.jwt_secret == DEV_JWT_SECRET:
            used.append("SECURE_API_JWT_SECRET")
        if self.signing_key == secure_model.DEV_SIGNING_KEY:
            used.append("SECURE_MODEL_SIGNING_KEY")
        if self.identities == Identities.from_dict(DEV_IDENTITIES):
            used.append("SECURE_API_IDENTITIES_FILE")
        return used

    def check(self) -> None:
        """Falla al arrancar (no al primer pedido) si la configuración es insegura."""
        if len(self.jwt_secret.encode()) < 32:
            raise ValueError("SECURE_API_JWT_SECRET debe tener al menos 32 bytes (RFC 7518 §3.2).")
        if self.env == "production" and self.dev_defaults_in_use:
            raise RuntimeError(
                "SECURE_API_ENV=production pero faltan secretos y se usarían los valores de "
                f"desarrollo de: {', '.join(self.dev_defaults_in_use)}. Definirlos en el entorno."
            )


# --------------------------------------------------------------------------------------
# Errores: RFC 9457 (application/problem+json) con mensajes en español
# --------------------------------------------------------------------------------------
def problem(
    status: int, title: str, detail: str, headers: dict | None = None, **extra
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


class ProblemError(Exception):
    """Error que la API devuelve como problem+json (con cabeceras opcionales)."""

    def __init__(self, status: int, title: str, detail: str, headers: dict | None = None, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers, self.extra = headers, extra


def unauthorized(code: str, detail: str, scheme_error: str = "invalid_token") -> ProblemError:
    """401: no sabemos quién es. RFC 6750: la respuesta dice cómo autenticarse."""
    challenge = f'Bearer realm="secure_api", error="{scheme_error}"'
    if scheme_error == "":
        challenge = 'Bearer realm="secure_api"'  # sin credenciales: no hay "error" que informar
    return ProblemError(
        401, "No autenticado", detail, headers={"WWW-Authenticate": challenge}, code=code
    )


MESSAGES_ES = {
    "missing": "campo obligatorio",
    "float_parsing": "debe ser un número",
    "float_type": "debe ser un número",
    "finite_number": "debe ser un número finito (no NaN ni infinito)",
    "greater_than_equal": "debe ser mayor o igual que {ge}",
    "less_than_equal": "debe ser menor o igual que {le}",
    "too_short": "debe tener al menos {min_length} elemento(s)",
    "too_long": "admite como máximo {max_length} elementos",
    "json_invalid": "el cuerpo no es JSON válido",
    "extra_forbidden": "campo no permitido (¿error de tipeo?)",
    "list_type": "debe ser una lista",
    "model_attributes_type": "debe ser un objeto JSON",
    "dict_type": "debe ser un objeto JSON",
    "string_type": "debe ser un texto",
}


def translate_error(error: dict) -> dict:
    ctx = {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in error.get("ctx", {}).items()}
    template = MESSAGES_ES.get(error["type"])
    message = template.format(**ctx) if template else error["msg"]
    location = [] if error["type"] == "json_invalid" else list(error["loc"])
    field_path = ".".join(str(p) for p in location if p != "body")
    return {"field": field_path or "(cuerpo)", "message": message, "type": error["type"]}


# --------------------------------------------------------------------------------------
# Límite de tasa: token bucket por cliente, escrito a mano (sin dependencias)
# --------------------------------------------------------------------------------------
class TokenBucket:
    """Un balde con `capacity` fichas que se recarga a `refill_per_s` fichas por segundo.

    Cada pedido gasta `cost` fichas (aquí, una por fila a predecir). Permite ráfagas de hasta
    `capacity` y, a la larga, un caudal medio de `refill_per_s`.
    """

    def __init__(self, capacity: float, refill_per_s: float, now: float):
        self.capacity, self.refill_per_s = capacity, refill_per_s
        self.tokens, self.updated = capacity, now

    def take(self, cost: float, now: float) -> float:
        """Gasta `cost` fichas y devuelve 0; si no alcanzan, no gasta y devuelve cuánto esperar."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_s)
        self.updated = now
        if cost <= self.tokens:
            self.tokens -= cost
            return 0.0
        if cost > self.capacity:
            return math.inf  # nunca alcanzará: el pedido es más grande que el balde
        return (cost - self.tokens) / self.refill_per_s


class RateLimiter:
    """Un balde por clave (cliente, o usuario+IP para el login), con tope de claves en memoria."""

    def __init__(
        self,
        capacity: float,
        refill_per_s: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.capacity, self.refill_per_s, self.clock = capacity, refill_per_s, clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str, cost: float = 1.0) -> float:
        """0 si el pedido pasa; si no, los segundos que hay que esperar (inf si nunca pasará)."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.capacity, self.refill_per_s, now)
                if len(self._buckets) > self.max_keys:  # olvidar el balde menos usado
                    self._buckets.popitem(last=False)
            self._buckets.move_to_end(key)
            return bucket.take(cost, now)


def enforce_rate_limit(limiter: RateLimiter, key: str, cost: float, what: str) -> None:
    wait = limiter.check(key, cost)
    if wait == 0:
        return
    if math.isinf(wait):
        raise ProblemError(
            429,
            "Demasiadas solicitudes",
            f"El pedido cuesta {cost:g} fichas y la cuota admite como máximo "
            f"{limiter.capacity:g} por ráfaga: dividirlo en partes más chicas.",
            code="excede_rafaga",
        )
    retry_after = max(1, math.ceil(wait))
    raise ProblemError(
        429,
        "Demasiadas solicitudes",
        f"Se agotó la cuota de {what}. Reintentar en {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
        code="cuota_agotada",
    )


# --------------------------------------------------------------------------------------
# Tokens JWT
# --------------------------------------------------------------------------------------
def create_access_token(
    subject: str, scopes: set[str] | frozenset[str], secret: str, expires_in_s: int = 900
) -> str:
    """JWT firmado con HS256: quién es (`sub`), qué puede (`scope`) y hasta cuándo (`exp`)."""
    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "sub": subject,
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "exp": now + expires_in_s,
        "jti": uuid.uuid4().hex,  # identificador único: permite revocar un token concreto
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str, secret: str) -> dict:
    """Verifica firma, algoritmo, vencimiento, emisor y audiencia; traduce cada falla a un 401."""
    try:
        return jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],  # lista cerrada: rechaza "none" y cualquier otro
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise unauthorized(
            "token_vencido", "El token venció: pedir uno nuevo en POST /token."
        ) from None
    except jwt.InvalidAlgorithmError:
        raise unauthorized(
            "algoritmo_no_permitido",
            "El token declara un algoritmo de firma no permitido "
            f"(solo se acepta {JWT_ALGORITHM}).",
        ) from None
    except jwt.InvalidSignatureError:
        raise unauthorized(
            "firma_invalida",
            "La firma del token no es válida: el token fue alterado o lo firmó otra clave.",
        ) from None
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
        raise unauthorized(
            "emisor_o_audiencia_invalidos",
            "El token no fue emitido por esta API o no es para ella.",
        ) from None
    except jwt.MissingRequiredClaimError as exc:
        raise unauthorized(
            "claim_faltante", f"Al token le falta el claim obligatorio '{exc.claim}'."
        ) from None
    except jwt.InvalidTokenError:
        raise unauthorized("token_mal_formado", "El token no es un JWT válido.") from None


# --------------------------------------------------------------------------------------
# Autenticación y autorización (dependencias de FastAPI)
# --------------------------------------------------------------------------------------
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES, auto_error=False)
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Clave de API de un cliente de máquina."
)


@dataclass(frozen=True)
class Principal:
    """Quién hace el pedido, con qué permisos y cómo se autenticó."""

    subject: str
    scopes: frozenset[str]
    method: str  # "jwt" o "api_key"


def principal_from_token(token: str, settings: Settings) -> Principal:
    claims = decode_access_token(token, settings.jwt_secret)
    user = settings.identities.users.get(claims["sub"])
    if user is None:  # el usuario se dio de baja después de emitir el token
        raise unauthorized("usuario_inexistente", "El usuario del token ya no existe.")
    # Permisos = los del token ∩ los actuales del usuario: quitar un scope rige de inmediato.
    scopes = frozenset(claims.get("scope", "").split()) & user.scopes
    return Principal(user.username, scopes, "jwt")


def principal_from_api_key(api_key: str, settings: Settings) -> Principal:
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    for client in settings.identities.api_clients:
        if hmac.compare_digest(digest, client.key_sha256):  # comparación en tiempo constante
            return Principal(client.client_id, client.scopes, "api_key")
    raise unauthorized("clave_invalida", "La clave de API no es válida.")


def authenticate(
    security_scopes: SecurityScopes,
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    """401 si no sabemos quién es; 403 si lo sabemos pero no tiene el permiso pedido."""
    settings: Settings = request.app.state.settings
    if token and api_key:
        raise ProblemError(
            400,
            "Credenciales ambiguas",
            "Enviar un solo tipo de credencial: Authorization: Bearer o X-API-Key, no ambos.",
            code="credenciales_ambiguas",
        )
    if token:
        principal = principal_from_token(token, settings)
    elif api_key:
        principal = principal_from_api_key(api_key, settings)
    else:
        raise unauthorized(
            "sin_credenciales",
            "Faltan credenciales: enviar 'Authorization: Bearer <token>' o 'X-API-Key: <clave>'.",
            scheme_error="",
        )
    request.state.principal = principal  # para la auditoría, aunque falle el permiso
    missing = [s for s in security_scopes.scopes if s not in principal.scopes]
    if missing:
        needed = " ".join(security_scopes.scopes)
        raise ProblemError(
            403,
            "Permiso insuficiente",
            f"'{principal.subject}' está autenticado pero le falta el permiso "
            f"{', '.join(repr(s) for s in missing)} para esta operación.",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
            code="permiso_insuficiente",
        )
    return principal


PredictPrincipal = Annotated[Principal, Security(authenticate, scopes=["predict"])]
AdminPrincipal = Annotated[Principal, Security(authenticate, scopes=["admin"])]


# --------------------------------------------------------------------------------------
# Contratos de entrada y salida
# --------------------------------------------------------------------------------------
Pixel = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Image = Annotated[list[Pixel], Field(min_length=64, max_length=64)]


class DigitImage(BaseModel):
    """Una imagen de 8×8 en orden de filas, intensidades en [0, 1] (0 = fondo)."""

    model_config = ConfigDict(extra="forbid")
    pixels: Image


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[Image] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class Prediction(BaseModel):
    label: int
    probabilities: list[float] | None = None
    model_version: str


class BatchPrediction(BaseModel):
    labels: list[int]
    probabilities: list[list[float]] | None = None
    model_version: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class ModelInfo(BaseModel):
    version: str
    algorithm: str
    sha256: str
    test_accuracy: float
    classes: list[int]
    returns_probabilities: bool


# --------------------------------------------------------------------------------------
# Modelo y auditoría (estado del proceso)
# --------------------------------------------------------------------------------------
class ModelService:
    def __init__(self, bundle: dict):
        self.model = bundle["model"]
        self.version = bundle["version"]
        self.sha256 = bundle["sha256"]
        self.test_accuracy = bundle["test_accuracy"]
        self.classes = [int(c) for c in bundle["classes"]]

    def predict_proba(self, matrix: np.ndarray) -> tuple[list[int], np.ndarray]:
        proba = self.model.predict_proba(matrix)
        labels = [self.classes[i] for i in proba.argmax(axis=1)]
        return labels, proba


class AuditLog:
    """Registro de auditoría en memoria (últimos `maxlen`) y, si se pide, en un archivo JSONL."""

    def __init__(self, path: Path | None = None, maxlen: int = 10_000):
        self.path = path
        self._records: deque[dict] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        with self._lock:
            self._records.append(record)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def tail(self, limit: int, client: str | None = None) -> list[dict]:
        with self._lock:
            records = [r for r in self._records if client is None or r["client"] == client]
        return records[-limit:]


def get_model(request: Request) -> ModelService:
    model = request.app.state.model
    if model is None:
        raise ProblemError(503, "Modelo no disponible", request.app.state.model_error)
    return model


ModelDep = Annotated[ModelService, Depends(get_model)]


def charge(request: Request, principal: Principal, rows: int) -> None:
    """Cobra `rows` fichas al balde del cliente: una fila = una consulta al modelo."""
    enforce_rate_limit(
        request.app.state.limiter, f"cliente:{principal.subject}", rows, "predicciones"
    )


def remember_input(request: Request, matrix: np.ndarray) -> None:
    """La auditoría guarda un resumen del pedido (filas y huella), nunca los datos."""
    digest = hashlib.sha256(np.ascontiguousarray(matrix, dtype=np.float64).tobytes()).hexdigest()
    request.state.audit_extra = {"n_rows": int(matrix.shape[0]), "input_sha256": digest[:16]}


def format_output(settings: Settings, proba: np.ndarray) -> list[list[float]] | None:
    """Salida mínima: sin probabilidades salvo que se habiliten, y redondeadas."""
    if not settings.return_probabilities:
        return None
    return proba.round(settings.proba_decimals).tolist()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


# --------------------------------------------------------------------------------------
# POST /token: flujo "password" de OAuth2
# --------------------------------------------------------------------------------------
auth_router = APIRouter(tags=["autenticación"])


@auth_router.post("/token", response_model=TokenResponse)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, settings: SettingsDep
) -> TokenResponse:
    """Usuario y contraseña (formulario) → JWT firmado con los scopes pedidos."""
    client_ip = request.client.host if request.client else "desconocida"
    enforce_rate_limit(  # contra la fuerza bruta: pocos intentos por usuario e IP
        request.app.state.login_limiter,
        f"login:{form.username}:{client_ip}",
        1,
        "inicios de sesión",
    )
    user = settings.identities.users.get(form.username)
    # Siempre se verifica un hash (aunque el usuario no exista): mismo tiempo de respuesta.
    valid = password_hasher.verify(
        form.password, user.password_hash if user else DUMMY_PASSWORD_HASH
    )
    if user is None or not valid:
        raise unauthorized(
            "credenciales_incorrectas", "Usuario o contraseña incorrectos.", "invalid_grant"
        )
    requested = set(form.scopes) or set(user.scopes)
    not_allowed = requested - user.scopes
    if not_allowed:
        raise ProblemError(
            400,
            "Scope no permitido",
            f"El usuario '{user.username}' no puede pedir: {', '.join(sorted(not_allowed))}.",
            error="invalid_scope",  # el código que espera un cliente OAuth2 (RFC 6749)
        )
    request.state.principal = Principal(user.username, frozenset(requested), "password")
    token = create_access_token(user.username, requested, settings.jwt_secret, settings.token_ttl_s)
    return TokenResponse(
        access_token=token, expires_in=settings.token_ttl_s, scope=" ".join(sorted(requested))
    )


# --------------------------------------------------------------------------------------
# /v1: predicción (scope "predict")
# --------------------------------------------------------------------------------------
v1 = APIRouter(prefix="/v1", tags=["predicción"])


@v1.post("/predict", response_model=Prediction, response_model_exclude_none=True)
def predict(
    image: DigitImage,
    principal: PredictPrincipal,
    model: ModelDep,
    settings: SettingsDep,
    request: Request,
) -> Prediction:
    matrix = np.asarray([image.pixels])
    remember_input(request, matrix)
    charge(request, principal, 1)
    [label], proba = model.predict_proba(matrix)
    output = format_output(settings, proba)
    return Prediction(
        label=label, probabilities=output[0] if output else None, model_version=model.version
    )


@v1.post("/predict/batch", response_model=BatchPrediction, response_model_exclude_none=True)
def predict_batch(
    batch: BatchRequest,
    principal: PredictPrincipal,
    model: ModelDep,
    settings: SettingsDep,
    request: Request,
) -> BatchPrediction:
    matrix = np.asarray(batch.instances)
    remember_input(request, matrix)
    charge(request, principal, len(matrix))  # el costo es por fila, no por pedido
    labels, proba = model.predict_proba(matrix)
    return BatchPrediction(
        labels=labels, probabilities=format_output(settings, proba), model_version=model.version
    )


@v1.get("/model", response_model=ModelInfo)
def model_info(principal: PredictPrincipal, model: ModelDep, settings: SettingsDep) -> ModelInfo:
    """Qué modelo responde: versión, huella SHA-256 del artefacto y política de salida."""
    return ModelInfo(
        version=model.version,
        algorithm=type(model.model).__name__,
        sha256=model.sha256,
        test_accuracy=round(model.test_accuracy, 4),
        classes=model.classes,
        returns_probabilities=settings.return_probabilities,
    )


# --------------------------------------------------------------------------------------
# /admin: operación (scope "admin")
# --------------------------------------------------------------------------------------
admin = APIRouter(prefix="/admin", tags=["administración"])


@admin.get("/audit")
def audit(
    principal: AdminPrincipal,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    client: str | None = None,
) -> dict:
    """Últimos registros de auditoría (opcionalmente, de un solo cliente)."""
    records = request.app.state.audit.tail(limit, client)
    return {"count": len(records), "records": records}


# --------------------------------------------------------------------------------------
# Operación pública: salud y preparación (sin datos sensibles)
# --------------------------------------------------------------------------------------
ops = APIRouter(tags=["operación"])


@ops.get("/health")
def health() -> dict:
    return {"status": "ok"}


@ops.get("/ready")
def ready(request: Request):
    model = request.app.state.model
    if model is None:
        return problem(503, "No está lista", request.app.state.model_error)
    return {"status": "ready", "model_version": model.version}


# --------------------------------------------------------------------------------------
# Armado de la aplicación
# --------------------------------------------------------------------------------------
def create_app(settings: Settings | None = None) -> FastAPI:
    """Crea la app. Sin `settings`, la configuración se lee del entorno (Settings.from_env)."""
    settings = settings or Settings.from_env()
    settings.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.dev_defaults_in_use:
            logger.warning(
                "secure_api usa valores de DESARROLLO para: %s",
                ", ".join(settings.dev_defaults_in_use),
            )
        try:  # la firma se verifica ANTES de deserializar el pickle
            bundle = secure_model.load_verified(settings.model_path, settings.signing_key)
            app.state.model, app.state.model_error = ModelService(bundle), ""
        except secure_model.ArtifactError as exc:
            logger.error("Modelo no cargado: %s", exc)
            app.state.model, app.state.model_error = None, str(exc)
        yield

    app = FastAPI(
        title="API segura de dígitos",
        version="1.0.0",
        description="Servicio de predicción de la Clase 7 (MLOps II, CEIA–FIUBA): "
        "autenticación, autorización por scopes, límite de tasa y auditoría.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.model, app.state.model_error = None, "El modelo todavía no se cargó."
    app.state.limiter = RateLimiter(settings.rate_capacity, settings.rate_per_s)
    app.state.login_limiter = RateLimiter(settings.login_capacity, settings.login_per_s)
    app.state.audit = AuditLog(settings.audit_log_path)
    for router in (auth_router, v1, admin, ops):
        app.include_router(router)
    install_error_handlers(app)
    app.middleware("http")(audit_requests)
    return app


AUDITED_PREFIXES = ("/v1/", "/admin/", "/token")
STATUS_TITLES_ES = {404: "No encontrado", 405: "Método no permitido"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        errors = [translate_error(e) for e in exc.errors()]
        detail = f"La solicitud tiene {len(errors)} error(es) de validación."
        if len(errors) > MAX_REPORTED_ERRORS:  # respuesta acotada aunque la entrada sea enorme
            detail += f" Se muestran los primeros {MAX_REPORTED_ERRORS}."
        return problem(422, "Entrada inválida", detail, errors=errors[:MAX_REPORTED_ERRORS])

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError):
        request.state.problem_code = exc.extra.get("code") or exc.extra.get("error")
        return problem(exc.status, exc.title, exc.detail, headers=exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        title = STATUS_TITLES_ES.get(exc.status_code, "Error HTTP")
        return problem(exc.status_code, title, str(exc.detail), headers=exc.headers)


async def audit_requests(request: Request, call_next):
    """Middleware: un registro de auditoría por pedido a /v1, /admin y /token (también rechazos)."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    if not request.url.path.startswith(AUDITED_PREFIXES):
        return response
    principal: Principal | None = getattr(request.state, "principal", None)
    model = request.app.state.model
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="seconds"),
        "request_id": request_id,
        "client": principal.subject if principal else None,
        "auth": principal.method if principal else None,
        "method": request.method,
        "path": request.url.path,
        "status": response.status_code,
        "outcome": getattr(request.state, "problem_code", None) or "ok",
        "model_version": model.version if model else None,
        "n_rows": None,
        "input_sha256": None,
        **getattr(request.state, "audit_extra", {}),
    }
    if response.status_code >= 400 and record["outcome"] == "ok":
        record["outcome"] = "entrada_invalida" if response.status_code == 422 else "error"
    request.app.state.audit.append(record)
    logger.info(json.dumps(record, ensure_ascii=False))
    return response


# --------------------------------------------------------------------------------------
# Línea de comandos: servir y generar secretos
# --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="API segura de dígitos (Clase 7). La configuración se lee del entorno: "
        "ver el docstring del módulo."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="levanta la API con uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    hash_cmd = sub.add_parser("hash-password", help="imprime el hash Argon2 de una contraseña")
    hash_cmd.add_argument("--password", help="si se omite, se pide sin eco por la terminal")
    sub.add_parser("new-api-key", help="genera una clave de API aleatoria y su SHA-256")
    sub.add_parser("new-secret", help="genera un secreto aleatorio para SECURE_API_JWT_SECRET")
    args = parser.parse_args(argv)
    if args.command == "serve":
        import uvicorn

        uvicorn.run(create_app(), host=args.host, port=args.port)
    elif args.command == "hash-password":
        password = args.password or getpass.getpass("Contraseña: ")
        print(password_hasher.hash(password))
    elif args.command == "new-api-key":
        key = secrets.token_urlsafe(32)
        print(f"clave (entregar al cliente una sola vez): {key}")
        digest = hashlib.sha256(key.encode()).hexdigest()
        print(f"key_sha256 (guardar en el archivo de identidades): {digest}")
    elif args.command == "new-secret":
        print(secrets.token_urlsafe(48))
    return 0


# Para `uvicorn secure_api:app`: la configuración se lee del entorno al importar.
app = create_app()

if __name__ == "__main__":
    sys.exit(main())
