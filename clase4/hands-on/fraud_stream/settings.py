"""Configuración por entorno: dónde están Kafka y Redis (las mismas variables que el *stack*).

Se lee al ejecutar (`Settings.from_env()` en la CLI), nunca al importar; las opciones de la línea
de comandos (`--bootstrap`, `--redis-url`) tienen prioridad.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse


@dataclass(frozen=True)
class Settings:
    kafka_bootstrap_servers: str = "localhost:9092"
    redis_url: str = "redis://localhost:6379/0"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if environ is None else environ
        d = cls()
        settings = cls(
            kafka_bootstrap_servers=e.get("KAFKA_BOOTSTRAP_SERVERS") or d.kafka_bootstrap_servers,
            redis_url=e.get("REDIS_URL") or d.redis_url,
        )
        settings.check()
        return settings

    def check(self) -> None:
        for server in self.kafka_bootstrap_servers.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(
                    f"KAFKA_BOOTSTRAP_SERVERS={self.kafka_bootstrap_servers!r}: se esperaba "
                    "una lista de host:puerto separados por comas (p. ej., localhost:9092)"
                )
        if urlparse(self.redis_url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                f"REDIS_URL={self.redis_url!r}: se esperaba una URL redis://host:puerto/base"
            )
