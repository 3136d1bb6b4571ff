"""Cliente Python tipado para la API de iris (Clase 1).

- Tiempos límite (timeouts) en cada solicitud.
- Reintentos con espera exponencial y jitter ante errores de conexión y respuestas 5xx;
  NUNCA ante 4xx: si el pedido está mal, repetirlo no lo arregla.
- Lotes grandes partidos en trozos que respetan el límite del servidor.

Uso:
    with IrisClient("http://127.0.0.1:8000") as client:
        client.predict({"sepal_length": 5.1, "sepal_width": 3.5,
                        "petal_length": 1.4, "petal_width": 0.2})
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import httpx

RETRYABLE_STATUS = {500, 502, 503, 504}
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]  # orden de columnas


@dataclass(frozen=True)
class Prediction:
    species: str
    probabilities: dict[str, float]
    model_version: str


class IrisAPIError(Exception):
    """Error de la API que no conviene reintentar, o intentos agotados."""

    def __init__(self, status: int | None, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.errors = errors or []


class IrisClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 5.0,
        max_attempts: int = 4,
        backoff: float = 0.1,
        chunk_size: int = 1000,
        on_retry: Callable[[int, str, float], None] | None = None,
    ):
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.chunk_size = chunk_size
        self.on_retry = on_retry  # para ver los reintentos: on_retry(intento, motivo, espera)

    # -- API pública ---------------------------------------------------------------------
    def predict(self, row: dict) -> Prediction:
        data = self._post("/v2/predict", row)
        return Prediction(**data)

    def predict_batch(self, rows: Sequence[dict], unit: str = "cm") -> list[Prediction]:
        """Predice muchas filas (dicts con las 4 medidas) en trozos de `chunk_size`."""
        instances = [[row[name] for name in FEATURES] for row in rows]
        predictions: list[Prediction] = []
        for chunk in chunks(instances, self.chunk_size):
            data = self._post("/v2/predict/batch", {"unit": unit, "instances": list(chunk)})
            # La respuesta es columnar: se arma un Prediction por fila.
            for species, proba in zip(data["species"], data["probabilities"], strict=True):
                probabilities = dict(zip(data["classes"], proba, strict=True))
                predictions.append(Prediction(species, probabilities, data["model_version"]))
        return predictions

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> IrisClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reintentos ----------------------------------------------------------------------
    def _post(self, path: str, payload: dict) -> dict:
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._http.post(path, json=payload)
            except httpx.TransportError as exc:  # conexión rechazada, timeout, etc.
                reason = f"{type(exc).__name__}"
            else:
                if response.status_code < 400:
                    return response.json()
                if response.status_code not in RETRYABLE_STATUS:
                    raise api_error(response)  # 4xx: error del cliente, no se reintenta
                reason = f"HTTP {response.status_code}"
            if attempt == self.max_attempts:
                raise IrisAPIError(None, f"{path}: falló tras {attempt} intentos ({reason})")
            delay = self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)  # jitter
            if self.on_retry:
                self.on_retry(attempt, reason, delay)
            time.sleep(delay)
        raise AssertionError("inalcanzable")


def api_error(response: httpx.Response) -> IrisAPIError:
    """Traduce un problem+json (RFC 9457) a una excepción con los errores por campo."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    errors = body.get("errors", [])
    detail = body.get("detail") or response.text
    lines = [f"HTTP {response.status_code}: {detail}"]
    lines += [f"  - {e['field']}: {e['message']}" for e in errors]
    return IrisAPIError(response.status_code, "\n".join(lines), errors)


def chunks(rows: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
