"""Postgres: el servidor de la distribución, con su carpeta de datos en `.stack/postgres/`.

Guarda las bases de MLflow y de Airflow (las crea `stack/postgres/init.sql`, igual que en
docker compose). Postgres se niega a correr como root: en ese caso corre como el usuario
`postgres` del sistema (`runuser`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import is_root, need_tool, run, say


def pg_bin(tool: str) -> str:
    """La versión más nueva instalada de `tool` (initdb, postgres, psql, pg_isready)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), key=lambda p: int(p.parts[-3])
    )
    if candidates:
        return str(candidates[-1])
    return need_tool(tool, "Instalar PostgreSQL: `apt-get install postgresql` (Debian/Ubuntu).")


def pg_user() -> str | None:
    """Postgres no corre como root: en ese caso se usa el usuario `postgres` del sistema."""
    return "postgres" if is_root() else None


def pg_data(layout: Layout) -> Path:
    """Carpeta de datos; si `postgres` no puede entrar a .stack (p. ej. clon en /root), usa
    una carpeta en /var/tmp y deja un enlace simbólico en .stack/postgres/data."""
    data = layout.state / "postgres" / "data"
    if data.is_symlink() or not is_root():
        return data
    data.mkdir(parents=True, exist_ok=True)
    shutil.chown(data, "postgres", "postgres")
    reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(data)])
    if reachable.returncode == 0:
        return data
    digest = hashlib.sha1(str(layout.root).encode()).hexdigest()[:10]
    outside = Path("/var/tmp/mlops2-stack") / digest
    outside.mkdir(parents=True, exist_ok=True)
    shutil.chown(outside, "postgres", "postgres")
    data.rmdir()
    data.symlink_to(outside, target_is_directory=True)
    say(f"  postgres: el usuario postgres no puede entrar a .stack; datos en {outside}")
    return data


def initdb(data: Path) -> None:
    """Crea el clúster (solo la primera vez), con la contraseña de la tabla."""
    say("  postgres: inicializando la base (initdb, solo la primera vez)")
    home = data.parent  # donde el usuario postgres sí puede leer y entrar
    pwfile = home / "initdb.pwfile"
    pwfile.write_text(table.env("POSTGRES_PASSWORD") + "\n")
    if is_root():
        shutil.chown(pwfile, "postgres", "postgres")
    argv = [pg_bin("initdb"), "-D", str(data), "-U", table.env("POSTGRES_USER")]
    argv += [f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=trust"]
    argv += ["-E", "UTF8", "--no-locale"]
    if pg_user():
        argv = ["runuser", "-u", "postgres", "--", *argv]
    try:
        run(argv, "initdb de Postgres", cwd=home)
    finally:
        pwfile.unlink(missing_ok=True)


def start(layout: Layout) -> subprocess.Popen:
    data = pg_data(layout).resolve()  # si es un enlace, la ruta real: la única que alcanza
    if not (data / "PG_VERSION").exists():
        initdb(data)
    argv = [pg_bin("postgres"), "-D", str(data), "-p", table.env("POSTGRES_PORT")]
    argv += ["-c", "listen_addresses=localhost", "-c", "unix_socket_directories="]
    user = pg_user()
    return spawn(layout, "postgres", argv, user=user, cwd=data.parent if user else None)


def ready(layout: Layout) -> bool:
    port = table.env("POSTGRES_PORT")
    check = subprocess.run(
        [pg_bin("pg_isready"), "-q", "-h", "localhost", "-p", port], capture_output=True
    )
    return check.returncode == 0


def psql(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PGPASSWORD": table.env("POSTGRES_PASSWORD")}
    argv = [pg_bin("psql"), "-h", "localhost", "-p", table.env("POSTGRES_PORT")]
    argv += ["-U", table.env("POSTGRES_USER"), "-v", "ON_ERROR_STOP=1", *args]
    return run(argv, "psql", env=env)


def create_databases(layout: Layout) -> None:
    """Crea (una sola vez) las bases de stack/postgres/init.sql, igual que en docker compose."""
    marker = layout.state / "postgres" / "init.done"
    if not marker.exists():
        psql("-d", "postgres", "-q", "-f", str(layout.config / "postgres" / "init.sql"))
        marker.write_text("ok\n")


# SIGINT = "fast shutdown" de Postgres: corta las conexiones abiertas y apaga ordenado.
SERVICE = LocalService(
    name="postgres",
    start=start,
    ready=ready,
    timeout=60,
    stop_signal=signal.SIGINT,
    after=create_databases,
)
