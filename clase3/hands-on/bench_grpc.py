"""Benchmark de la Clase 3: gRPC (y, en el modo completo, REST y GraphQL) contra el mismo modelo
llamado en proceso.

Los servidores corren como procesos aparte, con su comando de producción; mide
`transport_timing.run`, el mismo cliente del notebook 03: `coursekit.measure.compare` con brazos
intercalados, calentamiento y el invariante de que ningún brazo por la red es más rápido que el
modelo en proceso, con el que mide y los servidores fijados a un mismo núcleo. Cada pedido se arma
dentro de lo medido, desde la matriz de NumPy, como lo haría un cliente.

- Objetivo, con el modelo de la clase (el bosque de `iris_model.py`) y lotes de 10 000 filas:
  mediana en proceso / mediana por gRPC ≥ 0,5, es decir, gRPC sostiene al menos la mitad de las
  filas por segundo del modelo en proceso. `--quick` mide solo esto (segundos; `make test`).
- Modo completo: sobrecosto por pedido (mediana por la red − mediana en proceso, con su intervalo
  del 95 %) de REST, GraphQL y gRPC con 1, 100 y 10 000 filas, con el bosque y con la regresión
  logística; y los bytes de los mensajes protobuf de un lote.

    python bench_grpc.py --quick                    # el objetivo, en segundos
    python bench_grpc.py --output resultado.json    # todo, con más repeticiones
"""

from __future__ import annotations

import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import inference_codegen
import iris_model
from transport_timing import overhead, run

from coursekit import BackgroundProcess, benchmark, free_port, measure

HERE = Path(__file__).resolve().parent
TARGET_ROWS = 10_000
TARGET_RATIO = 0.5
QUICK = {"kinds": ("forest",), "transports": ("gRPC",), "repeats": {TARGET_ROWS: 5}}
FULL = {
    "kinds": ("logistic", "forest"),
    "transports": ("REST", "GraphQL", "gRPC"),
    "repeats": {1: 100, 100: 50, TARGET_ROWS: 10},
}
COMMANDS = {
    "REST": ["-m", "rest_iris"],
    "GraphQL": ["graphql_iris_service.py"],
    "gRPC": ["-m", "grpc_inference"],
}
LABELS = {"forest": "pesado (bosque)", "logistic": "liviano (regresión logística)"}


def start_server(transport: str, model_path: Path, log_dir: Path, stack: ExitStack):
    """Un servidor en su proceso, esperado hasta que está listo; se detiene al cerrar `stack`."""
    port = free_port()
    server = BackgroundProcess(
        [sys.executable, *COMMANDS[transport], "--port", str(port), "--model", str(model_path)],
        log_path=log_dir / f"{transport.lower()}_{model_path.stem}.log",
        cwd=HERE,
        name=f"{transport} (bench)",
    )
    if transport == "gRPC":
        stack.enter_context(server.start(ready_port=("127.0.0.1", port), timeout=180))
    else:
        ready = f"http://127.0.0.1:{port}/ready"
        stack.enter_context(server.start(ready_url=ready, timeout=180))
    return f"127.0.0.1:{port}", server.process.pid


def start_all(spec: dict, log_dir: Path, stack: ExitStack) -> dict:
    """Entrena y guarda cada modelo, levanta sus servidores y devuelve el plan de medición."""
    plan = {"models": {}, "server_pids": [], "repeats": spec["repeats"]}
    for kind in spec["kinds"]:
        path = iris_model.save(iris_model.train(kind), log_dir / f"{kind}.joblib")
        servers = {}
        for transport in spec["transports"]:
            servers[transport], pid = start_server(transport, path, log_dir, stack)
            plan["server_pids"].append(pid)
        plan["models"][kind] = {"path": str(path), "label": LABELS[kind], "servers": servers}
    return plan


def message_sizes(rows: int) -> dict[str, int]:
    """Bytes de un lote en el cable según protobuf: mensaje serializado + 5 B de prefijo."""
    import inference_pb2 as pb2  # generado por inference_codegen.ensure() en main()

    matrix = iris_model.sample_rows(rows, seed=1)
    proba = iris_model.train("logistic")["model"].predict_proba(matrix)
    request = pb2.BatchRequest(features=matrix.ravel(), num_features=matrix.shape[1])
    response = pb2.BatchResponse(
        class_index=proba.argmax(axis=1), probabilities=proba.ravel(), num_classes=3
    )
    return {"rows": rows, "request": 5 + request.ByteSize(), "response": 5 + response.ByteSize()}


def add_overheads(report: benchmark.Report, kind: str, rows: str, results: measure.Results):
    """Las muestras de cada brazo y el sobrecosto (ms, con su intervalo) de cada transporte."""
    report.add_comparison(f"{kind}_{rows}_filas", results)
    overheads = {}
    for arm in results:
        if arm != "en proceso":
            p50, low, high = overhead(results, arm)
            overheads[arm] = {"p50_ms": p50 * 1e3, "ci95_ms": [low * 1e3, high * 1e3]}
    report.add(f"{kind}_{rows}_filas_sobrecosto", overheads)


def main() -> int:
    args = benchmark.parse_args(__doc__)
    inference_codegen.ensure()  # el código de inference.proto, antes de importar los clientes
    spec = QUICK if args.quick else FULL
    report = benchmark.Report("clase3_grpc", quick=args.quick)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        samples = run(start_all(spec, Path(tmp), stack))
    compared = {
        (kind, rows): {arm: measure.Summary(arm, tuple(v)) for arm, v in arms.items()}
        for kind, by_rows in samples.items()
        for rows, arms in by_rows.items()
    }
    for (kind, rows), results in compared.items():
        add_overheads(report, kind, rows, results)
    target = compared["forest", str(TARGET_ROWS)]
    ratio = target["en proceso"].p50 / target["gRPC"].p50
    report.check_target("grpc_vs_en_proceso_lote_10000", ratio, TARGET_RATIO)
    report.add("bytes_protobuf", [message_sizes(rows) for rows in (100, TARGET_ROWS)])
    return report.finish(args.output)


if __name__ == "__main__":
    sys.exit(main())
