"""Una federación Flower completa en una sola máquina: SuperLink + N SuperNodes.

Son los mismos procesos de un despliegue real (el *Deployment Runtime* de Flower), que se
comunican por gRPC en 127.0.0.1:

    flwr run ──(Control API)──▶ flower-superlink ◀──(Fleet API)── flower-supernode × N
                                   └ lanza el ServerApp        cada uno con sus datos (.npz);
                                                               lanza un ClientApp por mensaje

Este archivo lanza, espera y detiene esos procesos; enviar corridas con la CLI `flwr` está en
`fl_runs.py`. Desde la línea de comandos (prepara los datos de dígitos, corre y apaga todo):

    python fl_federation.py --clients 3 --rounds 3 --strategy fedavg
    python fl_federation.py --strategy fedprox --config proximal-mu=0.1
    python fl_federation.py --strategy fedmedian --malicious 1 --attack sign-flip
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fl_data
import fl_runs
from fl_runs import BIN, SubmittedRun

from coursekit import BackgroundProcess, free_port

HOST = "127.0.0.1"
# Sin internet: ni telemetría ni búsqueda de versiones nuevas en cada proceso de Flower.
FLOWER_ENV = {"FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"}
# Lo que escribe un SuperNode en su log cuando el SuperLink ya lo activó ("online").
NODE_ONLINE = "SuperNode ID:"


class LocalFederation:
    """SuperLink y SuperNodes como procesos hijos, cada uno en su propio grupo de procesos.

    `node_extra[i]` agrega claves al `--node-config` del SuperNode i (por ejemplo, un ataque).
    """

    def __init__(
        self,
        workdir: str | os.PathLike,
        client_data: Sequence[str | os.PathLike],
        node_extra: Sequence[Mapping[str, object]] | None = None,
    ):
        self.workdir = Path(workdir).resolve()
        self.client_data = [Path(p).resolve() for p in client_data]
        self.node_extra = list(node_extra or [{} for _ in self.client_data])
        self.flwr_home = self.workdir / "flwr-home"
        # El SuperLink y los SuperNodes lanzan a su vez `flower-superexec`, `flwr-serverapp`
        # y `flwr-clientapp` buscándolos en el PATH: primero los de este entorno.
        path = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
        self.env = {**FLOWER_ENV, "FLWR_HOME": str(self.flwr_home), "PATH": path}
        self.processes: list[BackgroundProcess] = []  # [SuperLink, SuperNode 0, 1, …]
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
                "--node-config", fl_runs.config_arg(node_config),
            ]
            # fmt: on
            self._spawn(supernode, f"supernode-{i}", ready=None, timeout=timeout)

    def _spawn(
        self, args: list[str], name: str, ready: tuple[str, int] | None, timeout: float
    ) -> None:
        log_path = self.workdir / f"{name}.log"
        process = BackgroundProcess(args, log_path=log_path, env=self.env, name=name)
        self.processes.append(process)
        self.commands.append(args)
        process.start(ready_port=ready, timeout=timeout)

    def wait_for_nodes(self, timeout: float = 120.0) -> None:
        """Espera a que el SuperLink haya activado a todos los SuperNodes.

        Cada SuperNode escribe `SuperNode ID: …` en su log en cuanto el SuperLink lo registra
        y lo activa; desde ese momento envía latidos y `flwr supernode ls` lo lista "online".
        Leer los logs es instantáneo; preguntarle a la CLI en cada vuelta costaría lanzar un
        intérprete de Python por consulta (segundos en una máquina cargada).
        """
        deadline = time.monotonic() + timeout
        for node in self.processes[1:]:
            while NODE_ONLINE not in node.log_path.read_text(errors="replace"):
                if not node.running:
                    raise RuntimeError(f"{node.name} terminó sin conectarse:\n{node.log_tail()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{node.name} no se conectó al SuperLink en {timeout:.0f} s;"
                        f" ver los logs en {self.workdir}"
                    )
                time.sleep(0.1)

    def online_nodes(self) -> list[dict]:
        """Los SuperNodes que el SuperLink ve en línea, según `flwr supernode ls`."""
        return fl_runs.online_nodes(self.env)

    def submit(self, run_config: Mapping[str, object]) -> SubmittedRun:
        """Envía una corrida de la app a esta federación, sin esperar a que termine."""
        self.runs += 1
        return fl_runs.submit_run(
            {"min-nodes": len(self.client_data), **run_config},
            env=self.env,
            results=self.workdir / f"run-{self.runs}.json",
            log_path=self.workdir / f"run-{self.runs}.log",
        )

    def run(self, run_config: Mapping[str, object], timeout: float = 600.0) -> dict:
        """`flwr run` de la app con esta configuración; espera el fin y lee el historial."""
        return self.run_concurrently([run_config], timeout=timeout)[0]

    def run_concurrently(
        self, run_configs: Sequence[Mapping[str, object]], timeout: float = 600.0
    ) -> list[dict]:
        """Envía varias corridas a la vez al mismo SuperLink y espera a que terminen todas."""
        start = time.monotonic()
        submitted = [self.submit(run_config) for run_config in run_configs]
        histories = [
            fl_runs.wait_run(run, timeout - (time.monotonic() - start)) for run in submitted
        ]
        self.last_duration = time.monotonic() - start
        return histories

    def stop(self) -> None:
        """Detiene los SuperNodes (todos a la vez) y después el SuperLink, cada uno con sus
        procesos hijos. El SuperLink va último porque cada SuperNode, al salir, se da de
        baja en él; en paralelo, porque cada uno tarda unos segundos en salir en orden."""
        superlink, supernodes = self.processes[:1], self.processes[1:]
        with ThreadPoolExecutor(max_workers=max(1, len(supernodes))) as pool:
            list(pool.map(BackgroundProcess.stop, supernodes))
        for process in superlink:
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

    (X, y), (X_test, y_test) = fl_data.load_digits_split()
    if args.alpha is None:
        parts = fl_data.iid_partition(y, args.clients)
    else:
        parts = fl_data.dirichlet_partition(y, args.clients, args.alpha)
    run_config: dict[str, object] = {"strategy": args.strategy, "num-server-rounds": args.rounds}
    run_config |= tomllib.loads("\n".join(args.config))
    attacks = [{"attack": args.attack} if i < args.malicious else {} for i in range(args.clients)]
    workdir = Path(tempfile.mkdtemp(prefix="fl-digits-"))
    try:
        save = fl_data.save_partition
        data = [save(workdir / f"client-{i}.npz", X[p], y[p]) for i, p in enumerate(parts)]
        run_config["test-data"] = str(save(workdir / "test.npz", X_test, y_test))
        with LocalFederation(workdir, data, node_extra=attacks) as federation:
            history = federation.run(run_config)
        for server_round, metrics in sorted(history["server"].items()):
            print(f"ronda {server_round}: exactitud global {metrics['accuracy']:.3f}")
        print(f"({federation.last_duration:.0f} s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
