#!/usr/bin/env python3
"""Stack local del curso, sin Docker: los mismos servicios, puertos y variables que docker compose.

Uso (desde la raíz del repositorio, con el Python del libro):

    .venv/bin/python stack/localstack.py up [servicio ...]  # todo, o esos y sus dependencias
    .venv/bin/python stack/localstack.py status             # tabla; sale con 1 si algo se cayó
    .venv/bin/python stack/localstack.py down               # detiene todo lo que levantó
    .venv/bin/python stack/localstack.py env                # `export VAR=valor` del stack
    .venv/bin/python stack/localstack.py airflow ARGS...    # CLI de Airflow, entorno del stack

Cada servicio corre como proceso propio, en su propio grupo de procesos, con su PID, su log y sus
datos bajo `.stack/` (ignorada por git). Lo que se descarga o compila una sola vez (jars de Kafka,
binario de MinIO, entorno de Airflow) queda en `$MLOPS2_CACHE` (por defecto ~/.cache/mlops2).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from coursekit import stack as table  # noqa: E402  (la tabla única de servicios)

STATE = ROOT / ".stack"
LOGS = STATE / "logs"
RUN = STATE / "run"
CACHE = Path(os.environ.get("MLOPS2_CACHE") or Path.home() / ".cache" / "mlops2")
HERE = Path(__file__).resolve().parent

# Versiones fijadas.
KAFKA_POM = (HERE / "kafka" / "pom.xml").read_text()
KAFKA_VERSION = re.search(r"<kafka.version>(.+)</kafka.version>", KAFKA_POM)[1]
MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"  # último commit publicado (repo archivado)
AIRFLOW_VERSION = "3.3.2"
AIRFLOW_DAG_FOLDERS = ("clase5/hands-on/dags", "clase8/hands-on/dags")
# Código que importan esos DAG (paquetes de cada clase): va en el PYTHONPATH de Airflow, como
# en docker-compose.yml; los DAG no tocan sys.path.
AIRFLOW_CODE_FOLDERS = ("clase5/hands-on", "clase8/proyecto")

# Orden de arranque (las dependencias primero); `down` usa el inverso.
ORDER = ("postgres", "redis", "kafka", "minio", "mlflow", "airflow")


class StackError(RuntimeError):
    """Error con un mensaje para el usuario (en castellano, con la causa y la solución)."""


# --------------------------------------------------------------------------- utilidades


def say(message: str) -> None:
    print(message, flush=True)


def log_path(name: str) -> Path:
    return LOGS / f"{name}.log"


def rel(path: Path) -> str:
    """Ruta relativa a la raíz del repositorio, para mensajes más cortos."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


def run(argv: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Ejecuta un paso de preparación; si falla, StackError con su salida."""
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise StackError(f"Falló {what} (código {result.returncode}):\n  " + "\n  ".join(output))
    return result


def need_tool(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise StackError(f"No encuentro `{tool}` en el PATH. {hint}")
    return path


def is_root() -> bool:
    return os.geteuid() == 0


def stack_env() -> dict[str, str]:
    """Entorno de los procesos del stack: el actual + las variables de la tabla."""
    return {**os.environ, **table.environment()}


# ----------------------------------------------------------------- procesos y archivos PID


def process(pid: int) -> psutil.Process | None:
    """El proceso `pid` si existe y no es un zombi (un zombi ya terminó: solo queda su entrada)."""
    try:
        proc = psutil.Process(pid)
        return proc if proc.status() != psutil.STATUS_ZOMBIE else None
    except psutil.Error:
        return None


def read_pid(name: str) -> tuple[int, float] | None:
    """(pid, hora de inicio) guardados por `spawn`; la hora distingue un PID reutilizado."""
    try:
        pid, started = (RUN / f"{name}.pid").read_text().split()
        return int(pid), float(started)
    except (OSError, ValueError):
        return None


def alive(name: str) -> int | None:
    """PID del servicio si su proceso principal sigue vivo."""
    entry = read_pid(name)
    proc = process(entry[0]) if entry else None
    if proc is None or abs(proc.create_time() - entry[1]) > 0.05:
        return None
    return proc.pid


def service_processes(name: str) -> list[psutil.Process]:
    """Los procesos vivos del servicio: su grupo de procesos y los descendientes del principal
    (algunos, como los de Postgres, se pasan a otro grupo)."""
    entry = read_pid(name)
    if entry is None:
        return []
    pgid = entry[0]
    found = {}
    for proc in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if os.getpgid(proc.pid) == pgid and process(proc.pid):
                found[proc.pid] = proc
    if alive(name):
        main = psutil.Process(pgid)
        for proc in [main, *main.children(recursive=True)]:
            found[proc.pid] = proc
    return [proc for proc in found.values() if process(proc.pid)]


def rss_mb(procs: list[psutil.Process]) -> float:
    """Memoria residente (RSS) sumada, en MB."""
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total / 2**20


def spawn(name: str, argv: list[str], env: dict[str, str] | None = None, user: str | None = None):
    """Arranca `argv` en su propio grupo de procesos, con la salida al log del servicio.
    Con `user` (solo Postgres, como root) corre como ese usuario y en su carpeta de datos."""
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    with open(log_path(name), "ab") as log:
        log.write(f"\n=== {time.strftime('%F %T')} {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env or stack_env(),
            cwd=pg_data().resolve().parent if user else STATE,
            start_new_session=True,  # grupo propio: `down` lo detiene entero
        )
    started = psutil.Process(proc.pid).create_time()
    (RUN / f"{name}.pid").write_text(f"{proc.pid} {started}\n")
    return proc


def stop_service(name: str, sig: int, timeout: float = 30.0) -> None:
    """Envía `sig` a los procesos del servicio; espera; SIGKILL a los que sigan vivos."""
    procs = service_processes(name)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(sig)
    leftovers = wait_gone(procs, timeout)
    if leftovers:
        say(f"  {name}: no terminó en {timeout:.0f} s; lo fuerzo (SIGKILL)")
        for proc in leftovers:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        wait_gone(leftovers, 5)
    (RUN / f"{name}.pid").unlink(missing_ok=True)


def wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Espera a que terminen; devuelve los que siguen vivos. (No usamos psutil.wait_procs: un
    zombi cuyo padre no lo recoge cuenta allí como vivo y la espera duraría todo el plazo.)"""
    deadline = time.monotonic() + timeout
    while (running := [p for p in procs if process(p.pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


def tail(path: Path, lines: int = 15) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "  (sin log)"
    return "\n".join("  | " + line for line in content)


# ------------------------------------------------------------------------------ servicios


@dataclass
class Local:
    """Cómo se prepara, se arranca y se verifica un servicio en modo local."""

    name: str
    start: Callable[[], object]  # prepara lo necesario y lanza el proceso (con spawn)
    ready: Callable[[], bool]  # health check
    timeout: float  # segundos para quedar sano
    stop_signal: int = signal.SIGTERM
    after: Callable[[], None] | None = None  # paso idempotente tras quedar sano
    prepare: Callable[[], object] | None = None  # descarga o compilación (solo la primera vez)


# --- Postgres -------------------------------------------------------------------------


def pg_bin(tool: str) -> str:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), key=lambda p: int(p.parts[-3])
    )
    if candidates:
        return str(candidates[-1])
    return need_tool(tool, "Instalar PostgreSQL: `apt-get install postgresql` (Debian/Ubuntu).")


def pg_user() -> str | None:
    """Postgres no corre como root: en ese caso usamos el usuario `postgres` del sistema."""
    return "postgres" if is_root() else None


def pg_data() -> Path:
    """Carpeta de datos; si `postgres` no puede entrar a .stack (p. ej. clon en /root), usa
    una carpeta en /var/tmp y deja un enlace simbólico en .stack/postgres/data."""
    data = STATE / "postgres" / "data"
    if data.is_symlink() or not is_root():
        return data
    data.mkdir(parents=True, exist_ok=True)
    shutil.chown(data, "postgres", "postgres")
    reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(data)])
    if reachable.returncode == 0:
        return data
    outside = Path("/var/tmp/mlops2-stack") / hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    outside.mkdir(parents=True, exist_ok=True)
    shutil.chown(outside, "postgres", "postgres")
    data.rmdir()
    data.symlink_to(outside, target_is_directory=True)
    say(f"  postgres: el usuario postgres no puede entrar a {rel(STATE)}; datos en {outside}")
    return data


def start_postgres():
    data = pg_data().resolve()  # si es un enlace, la ruta real: la única que postgres alcanza
    if not (data / "PG_VERSION").exists():
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
    argv = [pg_bin("postgres"), "-D", str(data), "-p", table.env("POSTGRES_PORT")]
    argv += ["-c", "listen_addresses=localhost", "-c", "unix_socket_directories="]
    return spawn("postgres", argv, user=pg_user())


def postgres_ready() -> bool:
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


def create_databases() -> None:
    """Crea (una sola vez) las bases de stack/postgres/init.sql, igual que en docker compose."""
    marker = STATE / "postgres" / "init.done"
    if not marker.exists():
        psql("-d", "postgres", "-q", "-f", str(HERE / "postgres" / "init.sql"))
        marker.write_text("ok\n")


# --- Redis ----------------------------------------------------------------------------


def start_redis():
    server = need_tool("redis-server", "Instalar Redis: `apt-get install redis-server`.")
    data = STATE / "redis"
    data.mkdir(parents=True, exist_ok=True)
    argv = [server, "--bind", "127.0.0.1", "--port", str(table.address("redis")[1])]
    argv += ["--dir", str(data), "--appendonly", "yes", "--save", "", "--daemonize", "no"]
    return spawn("redis", argv)


def redis_ready() -> bool:
    try:
        with socket.create_connection(table.address("redis"), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- Kafka ----------------------------------------------------------------------------


def kafka_libs() -> Path:
    """Jars del broker (Maven Central), copiados una sola vez al caché."""
    libs = CACHE / f"kafka-{KAFKA_VERSION}" / "libs"
    done = libs.parent / "libs.done"
    if not done.exists():
        mvn = need_tool("mvn", "Instalar Maven 3 (y Java 17): `apt-get install maven`.")
        say(f"  kafka: descargando los jars de Kafka {KAFKA_VERSION} con Maven en {rel(libs)}")
        say("         (solo la primera vez: unos 45 jars)")
        shutil.rmtree(libs, ignore_errors=True)
        argv = [mvn, "-q", "-B", "-f", str(HERE / "kafka/pom.xml"), "dependency:copy-dependencies"]
        argv += ["-DincludeScope=runtime", f"-DoutputDirectory={libs}"]
        run(argv, "la descarga de Kafka con Maven")
        done.write_text("ok\n")
    return libs


def start_kafka():
    java = need_tool("java", "Instalar Java 17: `apt-get install openjdk-17-jre-headless`.")
    classpath = f"{kafka_libs()}/*"
    folder = STATE / "kafka"
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "server.properties"
    template = (HERE / "kafka/server.properties").read_text()
    config.write_text(template.replace("${LOG_DIRS}", str(data)))
    log4j = f"-Dlog4j2.configurationFile={HERE / 'kafka/log4j2.properties'}"
    if not (data / "meta.properties").exists():
        say("  kafka: formateando el almacenamiento KRaft (StorageTool, solo la primera vez)")
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        cluster_id = cluster_id.replace("-", "A", 1) if cluster_id.startswith("-") else cluster_id
        argv = [java, log4j, "-Dkafka.log.level=WARN", "-cp", classpath, "kafka.tools.StorageTool"]
        argv += ["format", "--standalone", "-t", cluster_id, "-c", str(config)]
        run(argv, "el formateo de Kafka (kafka.tools.StorageTool)")
    argv = [java, "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true", log4j]
    argv += ["-cp", classpath, "kafka.Kafka", str(config)]
    return spawn("kafka", argv)


def kafka_ready() -> bool:
    return all(port_open(port) for port in table.SERVICES["kafka"].ports.values())


# --- S3: MinIO (o moto como último recurso) -------------------------------------------


def s3_server() -> str:
    """'minio' salvo que no haya binario ni Go para compilarlo (o MLOPS2_S3_SERVER=moto)."""
    chosen = os.environ.get("MLOPS2_S3_SERVER")
    if chosen in ("minio", "moto"):
        return chosen
    return "minio" if minio_binary().exists() or shutil.which("go") else "moto"


def minio_binary() -> Path:
    return CACHE / "minio" / MINIO_VERSION / "minio"


def build_minio() -> Path:
    binary = minio_binary()
    if binary.exists():
        return binary
    go = need_tool("go", "Instalar Go >= 1.24 para compilar MinIO.")
    say(f"  minio: compilando {MINIO_MODULE}@{MINIO_VERSION} con `go install`")
    say("         (solo la primera vez: tarda varios minutos)")
    env = {**os.environ, "GOBIN": str(binary.parent), "CGO_ENABLED": "0"}
    run([go, "install", f"{MINIO_MODULE}@{MINIO_VERSION}"], "la compilación de MinIO", env=env)
    return binary


def prepare_s3() -> None:
    if s3_server() == "minio":
        build_minio()


def start_minio():
    api, console = table.SERVICES["minio"].ports.values()
    data = STATE / "minio" / "data"
    data.mkdir(parents=True, exist_ok=True)
    server = s3_server()
    (STATE / "minio" / "server").write_text(server + "\n")  # para que `status` sepa cuál es
    if server == "moto":
        return start_moto(api)
    env = stack_env()
    env["MINIO_ROOT_USER"] = table.env("AWS_ACCESS_KEY_ID")
    env["MINIO_ROOT_PASSWORD"] = table.env("AWS_SECRET_ACCESS_KEY")
    env["MINIO_UPDATE"] = "off"
    argv = [str(build_minio()), "server", str(data), "--quiet"]
    argv += ["--address", f"127.0.0.1:{api}", "--console-address", f"127.0.0.1:{console}"]
    return spawn("minio", argv, env=env)


def start_moto(port: int):
    banner = "!" * 78
    say(f"  {banner}")
    say("  AVISO: uso moto, un S3 SIMULADO en memoria, en lugar de MinIO (no hay Go para")
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
    return spawn("minio", argv)


def minio_ready() -> bool:
    marker = STATE / "minio" / "server"
    if marker.exists() and marker.read_text().strip() == "moto":
        return port_open(table.address("minio")[1])
    return http_ok(f"{table.env('AWS_ENDPOINT_URL')}/minio/health/live")


def create_buckets() -> None:
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


# --- MLflow ---------------------------------------------------------------------------


def mlflow_backend() -> str:
    """Postgres si el entorno tiene psycopg2 (como en docker compose); si no, SQLite."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        say("  mlflow: sin psycopg2 en este entorno; uso SQLite en .stack/mlflow/mlflow.db")
        (STATE / "mlflow").mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{STATE / 'mlflow' / 'mlflow.db'}"
    user, password = table.env("POSTGRES_USER"), table.env("POSTGRES_PASSWORD")
    port = table.env("POSTGRES_PORT")
    return f"postgresql+psycopg2://{user}:{password}@localhost:{port}/mlflow"


def start_mlflow():
    mlflow = Path(sys.executable).parent / "mlflow"
    if not mlflow.exists():
        raise StackError(f"No se encontró {mlflow}: crear el entorno del libro con `make env`.")
    host, port = table.address("mlflow")
    argv = [str(mlflow), "server", "--host", host, "--port", str(port), "--workers", "1"]
    argv += ["--backend-store-uri", mlflow_backend()]
    # Artefactos "proxied": el servidor los guarda en S3; los clientes no necesitan credenciales.
    argv += ["--serve-artifacts", "--artifacts-destination", "s3://mlflow/"]
    # Sin el ejecutor de jobs de MLflow (huey, para funciones de GenAI): el curso no lo usa y
    # sus 7 procesos ocupan ~2 GB de RAM.
    env = {**stack_env(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    return spawn("mlflow", argv, env=env)


def mlflow_ready() -> bool:
    return http_ok(f"{table.env('MLFLOW_TRACKING_URI')}/health")


# --- Airflow --------------------------------------------------------------------------


def airflow_venv() -> Path:
    """Entorno propio de Airflow en el caché, instalado desde stack/airflow/requirements.lock."""
    lock = HERE / "airflow" / "requirements.lock"
    venv = CACHE / f"airflow-{AIRFLOW_VERSION}"
    marker = venv / ".lock-sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text().strip() == digest:
        return venv
    uv = need_tool("uv", "Instalar uv: `python3 -m pip install uv==0.13.8`.")
    say(f"  airflow: creando su entorno en {venv} (uv pip sync; solo la primera vez)")
    if not (venv / "bin" / "python").exists():
        run([uv, "venv", "-q", "--python", sys.executable, str(venv)], "la creación del venv")
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    run([uv, "pip", "sync", "-q", str(lock)], "la instalación de Airflow", env=env)
    marker.write_text(digest + "\n")
    return venv


def airflow_env() -> dict[str, str]:
    home = STATE / "airflow"
    dags = home / "dags"
    venv_bin = CACHE / f"airflow-{AIRFLOW_VERSION}" / "bin"
    user, password = table.env("POSTGRES_USER"), table.env("POSTGRES_PASSWORD")
    port = table.env("POSTGRES_PORT")
    return {
        **stack_env(),
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",  # standalone lanza `airflow`
        "AIRFLOW_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(str(ROOT / folder) for folder in AIRFLOW_CODE_FOLDERS),
        # Carpeta de DAGs: la del stack, salvo que se indique otra (las pruebas lo hacen).
        "AIRFLOW__CORE__DAGS_FOLDER": os.environ.get("AIRFLOW__CORE__DAGS_FOLDER", str(dags)),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",  # 2 núcleos: 2 tareas a la vez
        # Desarrollo local: sin login (todos administradores). Nunca en producción.
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": (
            f"postgresql+psycopg2://{user}:{password}@localhost:{port}/airflow"
        ),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(table.SERVICES["airflow"].ports["http"]),
        "AIRFLOW__API__WORKERS": "1",
    }


def link_dag_folders() -> None:
    """La carpeta de DAGs de Airflow enlaza las de cada clase (como los volúmenes de compose)."""
    dags = STATE / "airflow" / "dags"
    dags.mkdir(parents=True, exist_ok=True)
    for folder in AIRFLOW_DAG_FOLDERS:
        link = dags / folder.split("/")[0]  # clase5, clase8
        if (ROOT / folder).is_dir() and not link.exists():
            link.symlink_to(ROOT / folder, target_is_directory=True)


def airflow_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    venv = airflow_venv()
    return subprocess.run([str(venv / "bin" / "airflow"), *args], env=airflow_env(), **kwargs)


def start_airflow():
    venv = airflow_venv()
    link_dag_folders()
    # `standalone` migra la base (lo mismo que `airflow db migrate`) y luego lanza api-server,
    # scheduler, dag-processor y triggerer: todos en el mismo grupo de procesos.
    return spawn("airflow", [str(venv / "bin" / "airflow"), "standalone"], env=airflow_env())


def airflow_ready() -> bool:
    port = table.SERVICES["airflow"].ports["http"]
    return http_ok(f"http://localhost:{port}/api/v2/monitor/health")


LOCAL: dict[str, Local] = {
    s.name: s
    for s in (
        Local("postgres", start_postgres, postgres_ready, 60, signal.SIGINT, create_databases),
        Local("redis", start_redis, redis_ready, 30),
        Local("kafka", start_kafka, kafka_ready, 120, prepare=kafka_libs),
        Local("minio", start_minio, minio_ready, 60, after=create_buckets, prepare=prepare_s3),
        Local("mlflow", start_mlflow, mlflow_ready, 120),
        Local("airflow", start_airflow, airflow_ready, 300, prepare=airflow_venv),
    )
}


# ------------------------------------------------------------------------------ comandos


def with_dependencies(names: list[str]) -> list[str]:
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in table.SERVICES:
            raise StackError(f"Servicio desconocido: {name}. Son: {', '.join(ORDER)}")
        wanted.add(name)
        for dep in table.SERVICES[name].depends_on:
            add(dep)

    for name in names or ORDER:
        add(name)
    return [name for name in ORDER if name in wanted]


def busy_ports(name: str) -> list[int]:
    return [port for port in table.SERVICES[name].ports.values() if port_open(port)]


def launch(name: str) -> subprocess.Popen | None:
    """Prepara y lanza el servicio; None si ya estaba corriendo."""
    service = LOCAL[name]
    pid = alive(name)
    if pid:
        say(f"- {name}: ya estaba corriendo (pid {pid})")
        return None
    if read_pid(name):
        say(f"- {name}: estaba caído; lo reinicio (log: {rel(log_path(name))})")
        stop_service(name, service.stop_signal, timeout=10)
    busy = busy_ports(name)
    if busy:
        raise StackError(
            f"{name}: el puerto {busy[0]} ya está ocupado por otro proceso (¿otro stack, o los "
            f"contenedores de docker compose?). Miralo con `ss -ltnp | grep :{busy[0]}` y "
            "detenelo antes de `make stack-up`."
        )
    say(f"- {name}: arrancando...")
    return service.start()


def wait_ready(name: str, proc: subprocess.Popen, began: float) -> None:
    """Espera el health check del servicio; si muere o no llega a tiempo, lo detiene y falla."""
    service = LOCAL[name]
    while not service.ready():
        if proc.poll() is not None:
            stop_service(name, signal.SIGKILL, timeout=5)
            raise StackError(
                f"{name}: el proceso terminó al arrancar (código {proc.returncode}). "
                f"Log: {rel(log_path(name))}\n{tail(log_path(name))}"
            )
        if time.monotonic() - began > service.timeout:
            stop_service(name, service.stop_signal, timeout=10)
            raise StackError(
                f"{name}: no quedó sano en {service.timeout:.0f} s. "
                f"Log: {rel(log_path(name))}\n{tail(log_path(name))}"
            )
        time.sleep(0.3)
    if service.after:
        service.after()
    say(f"- {name}: listo en {time.monotonic() - began:.1f} s (pid {proc.pid})")


def cmd_up(names: list[str]) -> int:
    for folder in (STATE, LOGS, RUN):
        folder.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    selected = with_dependencies(names)
    say(f"Stack local: {', '.join(selected)} (estado en {rel(STATE)}, caché en {CACHE})")
    for name in selected:  # lo lento (descargas, compilación) primero: solo la primera vez
        if LOCAL[name].prepare and not alive(name):
            LOCAL[name].prepare()
    done: set[str] = set()
    while len(done) < len(selected):
        # Una "ola": arranca a la vez todo lo que ya tiene sus dependencias listas.
        wave = [
            name
            for name in selected
            if name not in done and set(table.SERVICES[name].depends_on) <= done
        ]
        launched = [(name, launch(name), time.monotonic()) for name in wave]
        for name, proc, started in launched:
            if proc is not None:
                wait_ready(name, proc, started)
        done.update(wave)
    if "airflow" in selected:  # carpetas de DAG nuevas aunque Airflow ya estuviera corriendo
        link_dag_folders()
    say(f"Stack listo en {time.monotonic() - began:.1f} s. Verificar con `make stack-status`.")
    return 0


def cmd_down() -> int:
    names = [name for name in reversed(ORDER) if read_pid(name)]
    if not names:
        say("Stack local: no hay nada corriendo que haya levantado yo.")
    for name in names:
        say(f"- {name}: deteniendo")
        stop_service(name, LOCAL[name].stop_signal)
    deadline = time.monotonic() + 15
    still = [p for n in ORDER for p in table.SERVICES[n].ports.values() if port_open(p)]
    while still and time.monotonic() < deadline:
        time.sleep(0.3)
        still = [p for p in still if port_open(p)]
    if still and names:
        say(f"Atención: siguen escuchando los puertos {still} (¿procesos ajenos al stack local?).")
        return 1
    if names:
        say("Stack local detenido.")
    return 0


def service_state(name: str) -> str:
    if alive(name):
        ready = LOCAL[name].ready()
        return "corriendo" if ready else "NO RESPONDE"
    if read_pid(name):
        return "CAÍDO"
    return "externo" if busy_ports(name) else "detenido"


def cmd_status() -> int:
    rows = [("SERVICIO", "ESTADO", "PID", "PUERTOS", "RSS (MB)", "LOG")]
    failed, total = [], 0.0
    for name in ORDER:
        state = service_state(name)
        if state in ("CAÍDO", "NO RESPONDE"):
            failed.append(name)
        ports = ",".join(str(p) for p in table.SERVICES[name].ports.values())
        pid = alive(name)
        memory = rss_mb(service_processes(name)) if pid else 0.0
        total += memory
        rss = f"{memory:.0f}" if pid else "-"
        rows.append((name, state, str(pid or "-"), ports, rss, rel(log_path(name))))
    rows.append(("total", "", "", "", f"{total:.0f}", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if failed:
        say(f"\nCaídos: {', '.join(failed)}. Revisar su log y reiniciarlos con `make stack-up`.")
        return 1
    return 0


def cmd_env() -> int:
    for var, value in table.environment().items():
        say(f"export {var}={value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stack local del curso (sin Docker).")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="levanta los servicios (todos o los nombrados)")
    up.add_argument("services", nargs="*", metavar="servicio", help=", ".join(ORDER))
    sub.add_parser("down", help="detiene todo lo que levantó")
    sub.add_parser("status", help="muestra el estado; sale con 1 si algún servicio se cayó")
    sub.add_parser("env", help="imprime las variables del stack como `export`")
    airflow = sub.add_parser("airflow", help="ejecuta la CLI de Airflow con el entorno del stack")
    airflow.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            return cmd_up(args.services)
        if args.command == "down":
            return cmd_down()
        if args.command == "status":
            return cmd_status()
        if args.command == "env":
            return cmd_env()
        return airflow_cli(*args.args).returncode
    except StackError as error:
        say(f"ERROR: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
