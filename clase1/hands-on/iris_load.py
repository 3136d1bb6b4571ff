"""Carga de lazo abierto para la API de iris: una tasa fija de pedidos y la latencia de cada uno.

    python iris_load.py --url http://127.0.0.1:8000 --rate 20 --duration 10 --output carga.json

Corre en su propio proceso, nunca en el intérprete del servidor que carga (compartirían el GIL y
la medición sería de esa pelea). Es de **lazo abierto**: el pedido `i` sale en el instante
`i / rate`, haya respondido o no el anterior, como llegan los usuarios reales a un servicio; así la
tasa es conocida (la que Prometheus debería medir) y una API lenta acumula pedidos en vuelo en vez
de frenar al generador. Uno de cada `--invalid-every` pedidos lleva una unidad que no existe
(`"unit": "km"`): un 422, error del cliente. Guarda, por pedido, cuándo salió (tiempo Unix),
cuánto tardó visto desde el cliente (`latency_s`) y el estado HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

FLOWER = {"sepal_length": 6.3, "sepal_width": 2.8, "petal_length": 5.1, "petal_width": 1.5}
INVALID = {**FLOWER, "unit": "km"}  # unidad inexistente: la API responde 422


def payload(i: int, invalid_every: int) -> dict:
    """El cuerpo del pedido `i`: inválido uno de cada `invalid_every` (0: ninguno)."""
    if invalid_every and i % invalid_every == invalid_every - 1:
        return INVALID
    return FLOWER


async def one_request(client: httpx.AsyncClient, i: int, invalid_every: int) -> dict:
    sent = time.time()
    start = time.perf_counter()  # reloj monótono: una duración, no una fecha
    response = await client.post("/v2/predict", json=payload(i, invalid_every))
    return {"sent": sent, "latency_s": time.perf_counter() - start, "status": response.status_code}


async def run(url: str, rate: float, duration: float, invalid_every: int = 0) -> list[dict]:
    """Manda `rate * duration` pedidos a `/v2/predict`, el `i`-ésimo en el instante `i / rate`."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        loop = asyncio.get_running_loop()
        start, tasks = loop.time(), []
        for i in range(round(rate * duration)):
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
            tasks.append(asyncio.create_task(one_request(client, i, invalid_every)))
        return list(await asyncio.gather(*tasks))


def save(requests: list[dict], path: Path, **meta) -> None:
    """Escribe el JSON de forma atómica: quien lo lea nunca ve un archivo a medias."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        json.dump({**meta, "requests": requests}, out)
    os.replace(tmp, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Carga de lazo abierto sobre /v2/predict.")
    parser.add_argument("--url", required=True, help="URL base de la API")
    parser.add_argument("--rate", type=float, default=20.0, help="pedidos por segundo")
    parser.add_argument("--duration", type=float, default=10.0, help="segundos de carga")
    parser.add_argument("--invalid-every", type=int, default=0, help="uno de cada N inválido")
    parser.add_argument("--output", type=Path, default=Path("artifacts/carga.json"))
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.invalid_every < 0:
        raise SystemExit("--rate y --duration deben ser positivos, --invalid-every >= 0")
    requests = asyncio.run(run(args.url, args.rate, args.duration, args.invalid_every))
    save(requests, args.output, url=args.url, rate=args.rate, duration_s=args.duration)
    statuses = Counter(r["status"] for r in requests)
    print(
        f"{len(requests)} pedidos en {args.duration:g} s; estados: {dict(sorted(statuses.items()))}"
    )


if __name__ == "__main__":
    main()
