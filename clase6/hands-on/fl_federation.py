"""Una federación Flower completa en una sola máquina: SuperLink + N SuperNodes.

Son los mismos procesos de un despliegue real (el *Deployment Runtime* de Flower), que se
comunican por gRPC en 127.0.0.1:

    flwr run ──(Control API)──▶ flower-superlink ◀──(Fleet API)── flower-supernode × N
                                   └ lanza el ServerApp        cada uno con sus datos (.npz);
                                                               lanza un ClientApp por mensaje

Desde la línea de comandos (prepara los datos de dígitos, corre y apaga todo):

    python fl_federation.py --clients 3 --rounds 3 --strategy fedavg
    python fl_federation.py --strategy fedprox --config proximal-mu=0.1
    python fl_federation.py --strategy fedmedian --malicious 1 --attack sign-flip
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coursekit import BackgroundProcess, free_port

APP_DIR = Path(__file__).resolve().parent  # aquí están pyproject.toml y los *_app.py
BIN = Path(os.path.abspath(sys.executable)).parent  # flower-superlink, flwr… del entorno
HOST = "127.0.0.1"
# Sin internet: ni telemetría ni búsqueda de versiones nuevas en cada proceso de Flower.
FLOWER_ENV = {"FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"}
NO_FORCED_COLOR = ("FORCE_COLOR", "CLICOLOR_FORCE")


def save_partition(path: str | os.PathLike, X: np.ndarray, y: np.ndarray) -> Path:
    """Los datos de un cliente (o la prueba del servidor) en un .npz."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, X=X, y=y)
    return path


def toml_value(value: object) -> str:
    """Valor de `--run-config` / `--node-config` con la sintaxis TOML que espera Flower."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # cadena entre comillas dobles


def config_arg(values: dict[str, object]) -> str:
    """{"a": 1, "b": "x"} → 'a=1 b="x"'."""
    return " ".join(f"{key}={toml_value(value)}" for key, value in values.items())


@dataclass
class SubmittedRun:
    """Una corrida enviada con `flwr run` que todavía puede estar en curso."""

    process: subprocess.Popen
    results: Path
    log_path: Path


class LocalFederation:
    """SuperLink y SuperNodes como procesos hijos, cada uno en su propio grupo de procesos.

    `node_extra[i]` agrega claves al `--node-config` del SuperNode i (por ejemplo, un ataque).
    """

    def __init__(
        self,
        workdir: str | os.PathLike,
        client_data: Sequence[str | os.PathLike],
        node_extra: Sequence[dict[str, object]] | None = None,
    ):
        self.workdir = Path(workdir).resolve()
        self.client_data = [Path(p).resolve() for p in client_data]
        self.node_extra = list(node_extra or [{} for _ in self.client_data])
        self.flwr_home = self.workdir / "flwr-home"
        # El SuperLink y los SuperNodes lanzan a su vez `flower-superexec`, `flwr-serverapp`
        # y `flwr-clientapp` buscándolos en el PATH: primero los de este entorno.
        path = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
        self.env = {**FLOWER_ENV, "FLWR_HOME": str(self.flwr_home), "PATH": path}
        self.processes: list[BackgroundProcess] = []
        self.commands: list[list[str]] = []
        self.runs = 0
        self.last_duration = 0.0

    def start(self, timeout: float = 120.0, wait_for_nodes: bool = True) -> LocalFederation:
        """Levanta el SuperLink, luego los SuperNodes, y espera a que todos estén en línea
        (con `wait_for_nodes=False` no espera: el ServerApp igual aguarda a `min-nodes`).

        Si algo falla a mitad de camino, detiene lo que ya había levantado; y si el intérprete
        termina sin llamar a `stop()` (un error en el notebook), lo detiene `atexit`.
        """
        atexit.register(self.stop)
        try:
            self._launch_processes(timeout)
            if wait_for_nodes:
                self.wait_for_nodes(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _launch_processes(self, timeout: float) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        fleet, appio, control = free_port(), free_port(), free_port()
        # La CLI `flwr` encuentra el SuperLink por nombre en $FLWR_HOME/config.toml.
        self.flwr_home.mkdir(parents=True, exist_ok=True)
        (self.flwr_home / "config.toml").write_text(
            '[superlink]\ndefault = "local"\n\n'
            f'[superlink.local]\naddress = "{HOST}:{control}"\ninsecure = true\n'
        )
        # fmt: off
        superlink = [
            str(BIN / "flower-superlink"),
            "--insecure",                                   # sin TLS: solo en loopback
            "--disable-runtime-dependency-installation",    # usar este entorno, sin `uv sync`
            "--fleet-api-address", f"{HOST}:{fleet}",       # aquí se conectan los SuperNodes
            "--serverappio-api-address", f"{HOST}:{appio}", # aquí se conecta el ServerApp
            "--control-api-address", f"{HOST}:{control}",   # aquí se conecta `flwr run`
        ]
        # fmt: on
        self._spawn(superlink, "superlink", ready=(HOST, control), timeout=timeout)
        for i, data_path in enumerate(self.client_data):
            node_config = {"partition-id": i, "data-path": str(data_path), **self.node_extra[i]}
            # fmt: off
            supernode = [
                str(BIN / "flower-supernode"),
                "--insecure",
                "--superlink", f"{HOST}:{fleet}",
                "--clientappio-api-address", f"{HOST}:{free_port()}",  # para sus ClientApp
                "--node-config", config_arg(node_config),
            ]
            # fmt: on
            self._spawn(supernode, f"supernode-{i}", ready=None, timeout=timeout)

    def _spawn(self, args: list[str], name: str, ready, timeout: float) -> None:
        process = BackgroundProcess(
            args, log_path=self.workdir / f"{name}.log", env=self.env, name=name
        )
        self.processes.append(process)
        self.commands.append(args)
        process.start(ready_port=ready, timeout=timeout)

    def cli_env(self) -> dict[str, str]:
        """Entorno para la CLI `flwr`: sin colores forzados (Jupyter define FORCE_COLOR y la
        CLI colorearía también su salida JSON)."""
        inherited = {k: v for k, v in os.environ.items() if k not in NO_FORCED_COLOR}
        return {**inherited, **self.env, "NO_COLOR": "1"}

    def flwr(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
        """Ejecuta la CLI `flwr` contra este SuperLink (conexión "local" de $FLWR_HOME)."""
        return subprocess.run(
            [str(BIN / "flwr"), *args],
            env=self.cli_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def online_nodes(self) -> list[dict]:
        """Los SuperNodes que el SuperLink ve en línea (`flwr supernode ls`)."""
        result = self.flwr("supernode", "ls", "local", "--format", "json")
        try:  # la salida JSON puede venir precedida de avisos de la CLI
            answer = json.loads(result.stdout[result.stdout.index("{") :])
        except ValueError:
            return []
        return [n for n in answer.get("nodes", []) if n.get("status") == "online"]

    def wait_for_nodes(self, timeout: float = 120.0) -> None:
        """Espera a que el SuperLink vea en línea a todos los SuperNodes."""
        deadline = time.monotonic() + timeout
        while len(self.online_nodes()) < len(self.client_data):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no se conectaron los {len(self.client_data)} SuperNodes en {timeout:.0f} s;"
                    f" ver los logs en {self.workdir}"
                )
            time.sleep(0.5)

    def run(self, run_config: dict[str, object], timeout: float = 600.0) -> dict:
        """`flwr run` de la app con esta configuración; espera el fin y lee el historial."""
        return self.run_concurrently([run_config], timeout=timeout)[0]

    def run_concurrently(
        self, run_configs: Sequence[dict[str, object]], timeout: float = 600.0
    ) -> list[dict]:
        """Envía varias corridas a la vez al mismo SuperLink y espera a que terminen todas."""
        start = time.monotonic()
        submitted = [self.submit(run_config) for run_config in run_configs]
        histories = [self.wait(run, timeout - (time.monotonic() - start)) for run in submitted]
        self.last_duration = time.monotonic() - start
        return histories

    def submit(self, run_config: dict[str, object]) -> SubmittedRun:
        """Lanza `flwr run … --stream` sin esperar: el proceso queda conectado a su corrida
        hasta que el ServerApp termina (bien o mal); el ServerApp escribe el historial en
        `results-path`."""
        self.runs += 1
        results = self.workdir / f"run-{self.runs}.json"
        results.unlink(missing_ok=True)
        config = {"min-nodes": len(self.client_data), **run_config}
        config["results-path"] = str(results)
        # fmt: off
        args = [
            str(BIN / "flwr"), "run", str(APP_DIR), "local",
            "--run-config", config_arg(config),
            "--stream",  # quedarse hasta que termine la corrida, recibiendo sus logs
        ]
        # fmt: on
        log_path = self.workdir / f"run-{self.runs}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                args,
                env=self.cli_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return SubmittedRun(process, results, log_path)

    @staticmethod
    def wait(run: SubmittedRun, timeout: float = 600.0) -> dict:
        """Espera a que termine una corrida enviada con `submit` y devuelve su historial."""
        try:
            code = run.process.wait(timeout=max(1.0, timeout))
        except subprocess.TimeoutExpired:
            run.process.kill()
            run.process.wait()
            code = None
        if code != 0 or not run.results.exists():
            tail = "\n".join(run.log_path.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(
                f"`flwr run` terminó con código {code} y sin {run.results.name};"
                f" últimas líneas de {run.log_path}:\n{tail}"
            )
        history = json.loads(run.results.read_text())
        for section in ("server", "train", "evaluate"):  # JSON guarda las rondas como texto
            history[section] = {int(r): m for r, m in history[section].items()}
        history["log"] = str(run.log_path)
        return history

    def stop(self) -> None:
        """Primero los SuperNodes, después el SuperLink; cada uno con sus procesos hijos."""
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        atexit.unregister(self.stop)

    def __enter__(self) -> LocalFederation:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Federación Flower local sobre dígitos.")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--strategy", default="fedavg")
    parser.add_argument("--alpha", type=float, default=None, help="Dirichlet (sin: IID)")
    parser.add_argument("--malicious", type=int, default=0, help="primeros k clientes atacan")
    parser.add_argument("--attack", default="sign-flip", choices=["sign-flip", "label-flip"])
    parser.add_argument("--config", nargs="*", default=[], help="clave=valor (TOML)")
    args = parser.parse_args()

    import tomllib

    import fl_core

    (X, y), (X_test, y_test) = fl_core.load_digits_split()
    if args.alpha is None:
        parts = fl_core.iid_partition(y, args.clients)
    else:
        parts = fl_core.dirichlet_partition(y, args.clients, args.alpha)
    run_config: dict[str, object] = {"strategy": args.strategy, "num-server-rounds": args.rounds}
    run_config |= tomllib.loads("\n".join(args.config))
    attacks = [{"attack": args.attack} if i < args.malicious else {} for i in range(args.clients)]
    workdir = Path(tempfile.mkdtemp(prefix="fl-digits-"))
    try:
        data = [
            save_partition(workdir / f"client-{i}.npz", X[p], y[p]) for i, p in enumerate(parts)
        ]
        run_config["test-data"] = str(save_partition(workdir / "test.npz", X_test, y_test))
        with LocalFederation(workdir, data, node_extra=attacks) as federation:
            history = federation.run(run_config)
        for server_round, metrics in sorted(history["server"].items()):
            print(f"ronda {server_round}: exactitud global {metrics['accuracy']:.3f}")
        print(f"({federation.last_duration:.0f} s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
