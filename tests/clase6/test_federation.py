"""Integración: federaciones Flower reales (SuperLink + 3 SuperNodes, gRPC en 127.0.0.1).

Se levantan dos federaciones a la vez (una honesta y otra con un SuperNode que envenena su
actualización) y se les envían corridas cortas en paralelo, porque casi todo el tiempo de una
corrida de Flower es espera entre consultas y arranque de procesos, no cómputo.
"""

from __future__ import annotations

import fl_core
import fl_data
import fl_federation
import fl_runs
import numpy as np
import psutil
import pytest

ROUNDS = 2
EPOCHS = 5


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    """Corre todo una vez, detiene las federaciones y devuelve los historiales."""
    (X, y), (X_test, y_test) = fl_data.load_digits_split()
    parts = fl_data.iid_partition(y, 3, seed=0)
    data_dir = tmp_path_factory.mktemp("datos")
    files = [
        fl_data.save_partition(data_dir / f"client-{i}.npz", X[p], y[p])
        for i, p in enumerate(parts)
    ]
    test_file = fl_data.save_partition(data_dir / "test.npz", X_test, y_test)
    common = {"num-server-rounds": ROUNDS, "local-epochs": EPOCHS, "test-data": str(test_file)}

    honest = fl_federation.LocalFederation(tmp_path_factory.mktemp("honesta"), files)
    attacked = fl_federation.LocalFederation(
        tmp_path_factory.mktemp("atacada"), files, node_extra=[{"attack": "sign-flip"}, {}, {}]
    )
    try:
        honest.start(wait_for_nodes=False)  # las dos arrancan a la vez
        attacked.start(wait_for_nodes=False)
        runs = {
            "fedavg+evaluate": honest.submit(
                {"strategy": "fedavg", "fraction-evaluate": 1.0, **common}
            ),
            "attacked-fedavg": attacked.submit({"strategy": "fedavg", **common}),
            "attacked-fedmedian": attacked.submit({"strategy": "fedmedian", **common}),
        }
        # la espera por los logs de los SuperNodes coincide con lo que ve el SuperLink
        honest.wait_for_nodes(timeout=300)
        online = len(honest.online_nodes())
        results = {name: fl_runs.wait_run(run, timeout=900) for name, run in runs.items()}
        family = []
        for process in honest.processes + attacked.processes:
            root = psutil.Process(process.process.pid)
            family += [root, *root.children(recursive=True)]
    finally:
        honest.stop()
        attacked.stop()
    results["_family"] = family
    results["_online"] = online
    return results


def accuracies(history):
    return [m["accuracy"] for _, m in sorted(history["server"].items())]


def test_fedavg_global_model_improves_over_round_zero(histories):
    acc = accuracies(histories["fedavg+evaluate"])
    assert len(acc) == ROUNDS + 1
    assert acc[0] == pytest.approx(0.1, abs=0.02)  # modelo inicial: todo ceros
    assert acc[-1] > acc[0] + 0.6
    assert acc[-1] > 0.85


def test_fedavg_reports_per_client_training_metrics(histories):
    train = histories["fedavg+evaluate"]["train"]
    assert sorted(train) == list(range(1, ROUNDS + 1))
    assert train[1]["clients-partition-id"] == [0, 1, 2]
    assert sum(train[1]["clients-num-examples"]) == 1347
    assert train[ROUNDS]["train-loss"] < train[1]["train-loss"]


def test_fedavg_in_flower_matches_the_numpy_loop(histories):
    (X, y), (X_test, y_test) = fl_data.load_digits_split()
    parts = fl_data.iid_partition(y, 3, seed=0)
    expected = fl_core.run_federated(
        [(X[p], y[p]) for p in parts], (X_test, y_test), rounds=ROUNDS, epochs=EPOCHS
    ).accuracy
    np.testing.assert_allclose(accuracies(histories["fedavg+evaluate"]), expected)


def test_federated_evaluation_on_the_clients(histories):
    evaluate = histories["fedavg+evaluate"]["evaluate"]
    assert sorted(evaluate) == list(range(1, ROUNDS + 1))
    assert 0.85 < evaluate[ROUNDS]["accuracy"] <= 1.0  # sobre los datos de los clientes
    assert evaluate[ROUNDS]["loss"] < evaluate[1]["loss"]


def test_poisoned_supernode_breaks_fedavg_but_not_fedmedian(histories):
    assert accuracies(histories["attacked-fedavg"])[-1] < 0.3
    assert accuracies(histories["attacked-fedmedian"])[-1] > 0.85


def test_no_flower_process_survives_the_federation(histories):
    family = histories["_family"]
    assert len(family) >= 8  # 2 SuperLinks y 6 SuperNodes, con sus procesos hijos
    alive = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"procesos de Flower vivos tras stop(): {[p.pid for p in alive]}"


def test_nodes_ready_by_their_logs_are_online_for_the_superlink(histories):
    assert histories["_online"] == 3
