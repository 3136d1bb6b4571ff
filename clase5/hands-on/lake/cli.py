"""La línea de comandos del lago: `python -m lake ...` (desde `clase5/hands-on`).

    python -m lake setup                               # crea los buckets (idempotente)
    python -m lake ingest --start 2026-01-01 --days 3  # zona raw
    python -m lake etl --start 2026-01-01 --days 3     # raw -> curated -> features
    python -m lake train --start 2026-01-01 --days 5   # entrena, registra y promueve
    python -m lake pipeline --days 3                   # setup + ingest + etl

La configuración sale del entorno (`config.py`). Un error termina el programa con código 1 y un
mensaje corto (lo que un orquestador necesita para marcar la tarea como fallida).
"""

from __future__ import annotations

import argparse

from .config import LakeConfig, ensure_buckets
from .etl import build_features, raw_to_curated
from .ingest import days_from, ingest_raw, raw_key
from .promotion import promote_if_better
from .reference import Reference
from .registry import register
from .training import C_GRID, train_and_log

COMMANDS = ["setup", "ingest", "etl", "train", "pipeline"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lake", description="Data lake de la Clase 5.")
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--start", default="2026-01-01", help="primer día (AAAA-MM-DD)")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument(
        "--C", type=float, nargs="+", default=list(C_GRID), help="valores de C a validar"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        config = LakeConfig.from_env()
    except ValueError as exc:
        raise SystemExit(f"error de configuración: {exc}") from None
    print(f"S3: {config.endpoint_url or 'AWS'} · buckets {config.bucket_prefix}-*", flush=True)
    try:
        run_command(config, args)
    except Exception as exc:
        raise SystemExit(f"error: {describe_error(exc)}") from None


def run_command(config: LakeConfig, args: argparse.Namespace) -> None:
    days = days_from(args.start, args.days)
    if args.command in ("setup", "pipeline"):
        print("buckets creados:", ensure_buckets(config) or "ninguno (ya existían)")
    if args.command in ("ingest", "pipeline"):
        for day in days:
            print("raw:", raw_key(day), ingest_raw(config, day)["bytes"], "bytes")
    if args.command in ("etl", "pipeline"):
        for day in days:
            print("curated:", raw_to_curated(config, day)["rows"], "filas de", day)
        print("features:", build_features(config, days)["rows"], "filas")
    if args.command == "train":
        result = train_and_log(config, days, C_grid=args.C)
        print("C elegido en validación:", result["C"], "· prueba:", result["metrics"])
        version = register(config, result["model_uri"], result["run_id"])
        reference = Reference.from_dict(result["reference"])
        print("versión", version, promote_if_better(config, version, reference)["reason"])


def describe_error(exc: Exception) -> str:
    """Mensaje corto y claro para los errores típicos de S3 (credenciales, bucket, red)."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "?")
        hints = {
            "InvalidAccessKeyId": "la clave de acceso no existe en ese servidor",
            "SignatureDoesNotMatch": "la clave secreta no corresponde a la de acceso",
            "NoSuchBucket": "el bucket no existe (correr `setup`)",
            "NoSuchKey": "el objeto no existe (correr `ingest`)",
            "AccessDenied": "las credenciales no tienen permiso para esa operación",
        }
        return f"S3 respondió {code}: {hints.get(code, error.get('Message', ''))}"
    if isinstance(exc, EndpointConnectionError):
        return f"no se pudo conectar con el endpoint de S3: {exc}"
    return f"{type(exc).__name__}: {exc}"


def finalize_s3() -> None:
    """Cierra el SDK de AWS que usa pyarrow antes de que termine el intérprete. Sin esto, el
    proceso puede abortar al salir ("terminate called without an active exception") aunque todo
    haya funcionado: un problema conocido de pyarrow (apache/arrow#34314, #41087). Después de
    llamarla, pyarrow ya no puede usar S3 en este proceso: solo la llama `__main__.py`."""
    import gc
    import sys

    if "pyarrow.fs" in sys.modules:
        gc.collect()  # suelta los S3FileSystem que ya no se usan
        sys.modules["pyarrow.fs"].finalize_s3()
