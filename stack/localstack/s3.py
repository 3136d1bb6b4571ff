"""S3: MinIO compilado desde su código con `go install` (o moto, como último recurso).

MinIO dejó de publicar binarios e imágenes en octubre de 2025; el modo local lo compila una
sola vez en el caché, en el último commit publicado de su repositorio (ya archivado). Si no hay
Go, se usa moto (un S3 simulado en memoria) con un aviso bien visible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import StackError, http_ok, need_tool, port_open, run, say, stack_env

MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"  # último commit publicado (repo archivado)


def minio_binary(cache: Path) -> Path:
    """Dónde queda el binario de MinIO compilado, dentro del caché `cache` ($MLOPS2_CACHE)."""
    return cache / "minio" / MINIO_VERSION / "minio"


def s3_server(layout: Layout) -> str:
    """'minio' salvo que no haya binario ni Go para compilarlo (o MLOPS2_S3_SERVER=moto)."""
    chosen = os.environ.get("MLOPS2_S3_SERVER")
    if chosen in ("minio", "moto"):
        return chosen
    return "minio" if minio_binary(layout.cache).exists() or shutil.which("go") else "moto"


def build_minio(layout: Layout) -> Path:
    binary = minio_binary(layout.cache)
    if binary.exists():
        return binary
    go = need_tool("go", "Instalar Go >= 1.24 para compilar MinIO.")
    say(f"  minio: compilando {MINIO_MODULE}@{MINIO_VERSION} con `go install`")
    say("         (solo la primera vez: tarda varios minutos)")
    env = {**os.environ, "GOBIN": str(binary.parent), "CGO_ENABLED": "0"}
    run([go, "install", f"{MINIO_MODULE}@{MINIO_VERSION}"], "la compilación de MinIO", env=env)
    return binary


def prepare(layout: Layout) -> None:
    if s3_server(layout) == "minio":
        build_minio(layout)


def start(layout: Layout) -> subprocess.Popen:
    api, console = table.SERVICES["minio"].ports.values()
    data = layout.state / "minio" / "data"
    data.mkdir(parents=True, exist_ok=True)
    server = s3_server(layout)
    (layout.state / "minio" / "server").write_text(server + "\n")  # para que `status` lo sepa
    if server == "moto":
        return start_moto(layout, api)
    env = stack_env()
    env["MINIO_ROOT_USER"] = table.env("AWS_ACCESS_KEY_ID")
    env["MINIO_ROOT_PASSWORD"] = table.env("AWS_SECRET_ACCESS_KEY")
    env["MINIO_UPDATE"] = "off"
    argv = [str(build_minio(layout)), "server", str(data), "--quiet"]
    argv += ["--address", f"127.0.0.1:{api}", "--console-address", f"127.0.0.1:{console}"]
    return spawn(layout, "minio", argv, env=env)


def start_moto(layout: Layout, port: int) -> subprocess.Popen:
    banner = "!" * 78
    say(f"  {banner}")
    say("  AVISO: se usa moto, un S3 SIMULADO en memoria, en lugar de MinIO (no hay Go para")
    say("  compilarlo, o MLOPS2_S3_SERVER=moto). Los datos se pierden al detenerlo y no hay")
    say("  consola en 9001. Instalar Go para usar MinIO.")
    say(f"  {banner}")
    try:
        import moto.server  # noqa: F401
    except ImportError:
        raise StackError(
            "No hay servidor S3 disponible: instalar Go (para compilar MinIO) o, como último "
            "recurso, `uv pip install 'moto[server]'` en .venv."
        ) from None
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return spawn(layout, "minio", argv)


def ready(layout: Layout) -> bool:
    marker = layout.state / "minio" / "server"
    if marker.exists() and marker.read_text().strip() == "moto":
        return port_open(table.address("minio")[1])
    return http_ok(f"{table.env('AWS_ENDPOINT_URL')}/minio/health/live")


def create_buckets(layout: Layout) -> None:
    """Los buckets del curso (tabla de coursekit/stack.py), si faltan."""
    from minio import Minio  # import perezoso: solo hace falta aquí

    host, port = table.address("minio")
    client = Minio(
        f"{host}:{port}",
        access_key=table.env("AWS_ACCESS_KEY_ID"),
        secret_key=table.env("AWS_SECRET_ACCESS_KEY"),
        secure=False,
    )
    for bucket in table.BUCKETS:
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket)


SERVICE = LocalService(
    name="minio", start=start, ready=ready, timeout=60, prepare=prepare, after=create_buckets
)
