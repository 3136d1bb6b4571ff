"""Quién puede llamar a la API y cómo se guardan sus secretos.

- **Personas**: usuario, hash **Argon2id** de la contraseña (pwdlib) y *scopes*. Un hash lento a
  propósito: quien robe el archivo no puede probar millones de contraseñas por segundo.
- **Clientes de máquina**: identificador, **SHA-256** de la clave de API y *scopes*. Una clave
  aleatoria de 256 bits no necesita un hash lento: no se puede adivinar.

El archivo de identidades (`SECURE_API_IDENTITIES_FILE`) tiene la forma de `DEV_IDENTITIES` y
nunca contiene un secreto en claro. Identidades de DESARROLLO (públicas, solo para el curso):
usuaria `analista` / `analista-dev-2026` (predict), usuaria `auditora` / `auditora-dev-2026`
(predict, admin) y la clave de API `dev-api-key-lote-nocturno-0001` del cliente
`lote-nocturno` (predict).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pwdlib import PasswordHash

SCOPES = {
    "predict": "Pedir predicciones al modelo.",
    "admin": "Leer la auditoría y los metadatos de operación.",
}

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
        """Lee la forma de `DEV_IDENTITIES`; rechaza scopes que la API no conoce."""
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


def authenticate_user(identities: Identities, username: str, password: str) -> User | None:
    """El usuario si la contraseña es correcta; si no, None (sin decir qué parte falló)."""
    user = identities.users.get(username)
    # Siempre se verifica un hash (aunque el usuario no exista): mismo tiempo de respuesta.
    valid = password_hasher.verify(password, user.password_hash if user else DUMMY_PASSWORD_HASH)
    return user if user is not None and valid else None
