"""ClientApp y ServerApp de Flower llamados directamente (sin red) y utilidades de `fl_runs`."""

from __future__ import annotations

import json

import fl_client_app
import fl_data
import fl_model
import fl_runs
import fl_server_app
import numpy as np
import pytest
from flwr.app import (
    ArrayRecord,
    ConfigRecord,
    Context,
    Message,
    MessageType,
    MetricRecord,
    RecordDict,
)
from flwr.serverapp.strategy import (
    DifferentialPrivacyServerSideFixedClipping,
    FedAvg,
    FedMedian,
    FedProx,
    FedTrimmedAvg,
    Krum,
    Result,
)

TRAIN_CONFIG = {"local-epochs": 2, "learning-rate": 0.5, "batch-size": 32, "seed": 0}


@pytest.fixture(scope="module")
def client_file(tmp_path_factory):
    (X, y), _ = fl_data.load_digits_split()
    path = tmp_path_factory.mktemp("datos") / "client.npz"
    return fl_data.save_partition(path, X[:300], y[:300])


def call_client(client_file, message_type, node_extra=None, server_round=1):
    params = fl_model.init_params(64, 10)
    content = RecordDict(
        {
            "arrays": ArrayRecord(params),
            "config": ConfigRecord({"server-round": server_round, **TRAIN_CONFIG}),
        }
    )
    message = Message(content=content, dst_node_id=7, message_type=message_type)
    node_config = {"partition-id": 2, "data-path": str(client_file), **(node_extra or {})}
    context = Context(
        run_id=1, node_id=7, node_config=node_config, state=RecordDict(), run_config={}
    )
    return params, fl_client_app.app(message, context)


def test_client_train_replies_with_model_and_metrics(client_file):
    params, reply = call_client(client_file, MessageType.TRAIN)
    local = reply.content["arrays"].to_numpy_ndarrays()
    metrics = reply.content["metrics"]
    assert [p.shape for p in local] == [(64, 10), (10,)]
    assert metrics["num-examples"] == 300 and metrics["partition-id"] == 2
    assert metrics["train-loss"] < np.log(10)  # mejor que el modelo inicial
    assert metrics["global-accuracy"] == pytest.approx(0.1, abs=0.05)
    # el mismo cálculo que fl_model, con la semilla derivada de la ronda y el partition-id
    with np.load(client_file) as data:
        expected = fl_model.local_train(
            params, data["X"], data["y"], epochs=2, seed=fl_model.client_seed(0, 1, 2)
        )
    np.testing.assert_allclose(fl_model.flatten(local), fl_model.flatten(expected))


def test_client_sign_flip_attack_sends_the_amplified_opposite_update(client_file):
    params, honest = call_client(client_file, MessageType.TRAIN)
    _, attacked = call_client(
        client_file, MessageType.TRAIN, {"attack": "sign-flip", "boost": 10.0}
    )
    honest_update = fl_model.flatten(honest.content["arrays"].to_numpy_ndarrays())
    attacked_update = fl_model.flatten(attacked.content["arrays"].to_numpy_ndarrays())
    np.testing.assert_allclose(attacked_update, -10 * honest_update)  # global = 0


def test_client_label_flip_attack_trains_on_wrong_labels(client_file):
    _, honest = call_client(client_file, MessageType.TRAIN)
    _, flipped = call_client(client_file, MessageType.TRAIN, {"attack": "label-flip"})
    with np.load(client_file) as data:
        X, y = data["X"], data["y"]
    honest_acc = fl_model.accuracy(honest.content["arrays"].to_numpy_ndarrays(), X, y)
    flipped_acc = fl_model.accuracy(flipped.content["arrays"].to_numpy_ndarrays(), X, y)
    assert honest_acc > 0.8 and flipped_acc < 0.2


def test_client_evaluate_reports_accuracy_on_local_data(client_file):
    _, reply = call_client(client_file, MessageType.EVALUATE)
    metrics = reply.content["metrics"]
    assert metrics["num-examples"] == 300
    assert 0 <= metrics["accuracy"] <= 1 and metrics["loss"] == pytest.approx(np.log(10))


def test_collect_train_metrics_weights_and_keeps_per_client_values():
    def reply(pid, n, loss, acc):
        metrics = {"num-examples": n, "partition-id": pid, "train-loss": loss}
        metrics["global-accuracy"] = acc
        return RecordDict({"metrics": MetricRecord(metrics)})

    records = [reply(1, 300, 0.4, 0.5), reply(0, 100, 0.8, 0.9)]  # llegan desordenadas
    out = fl_server_app.collect_train_metrics(records, "num-examples")
    assert out["train-loss"] == pytest.approx((300 * 0.4 + 100 * 0.8) / 400)
    assert out["global-accuracy"] == pytest.approx((300 * 0.5 + 100 * 0.9) / 400)
    assert out["clients-partition-id"] == [0, 1]
    assert out["clients-num-examples"] == [100, 300]
    assert out["clients-train-loss"] == [0.8, 0.4]


DEFAULTS = {
    "min-nodes": 3,
    "fraction-evaluate": 0.0,
    "proximal-mu": 0.1,
    "trimmed-beta": 0.2,
    "krum-malicious": 1,
    "dp-noise-multiplier": 0.0,
    "dp-clipping-norm": 1.0,
}


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("fedavg", FedAvg),
        ("fedprox", FedProx),
        ("fedmedian", FedMedian),
        ("fedtrimmedavg", FedTrimmedAvg),
        ("krum", Krum),
    ],
)
def test_build_strategy_by_name(name, cls):
    strategy = fl_server_app.build_strategy({**DEFAULTS, "strategy": name})
    assert type(strategy) is cls
    assert strategy.min_available_nodes == 3 and strategy.fraction_evaluate == 0.0


def test_build_strategy_options():
    prox = fl_server_app.build_strategy({**DEFAULTS, "strategy": "fedprox"})
    assert prox.proximal_mu == 0.1
    dp = fl_server_app.build_strategy(
        {**DEFAULTS, "strategy": "fedavg", "dp-noise-multiplier": 0.5}
    )
    assert isinstance(dp, DifferentialPrivacyServerSideFixedClipping)
    assert dp.noise_multiplier == 0.5 and dp.clipping_norm == 1.0 and dp.num_sampled_clients == 3
    with pytest.raises(ValueError, match="desconocida"):
        fl_server_app.build_strategy({**DEFAULTS, "strategy": "fedmagic"})


def test_config_arg_uses_toml_syntax():
    arg = fl_runs.config_arg({"a": 1, "b": 0.5, "c": "x y", "d": True})
    assert arg == 'a=1 b=0.5 c="x y" d=true'


def test_global_evaluation_reads_the_server_test_set(tmp_path):
    X, y = np.eye(3), np.array([0, 1, 2])
    path = fl_data.save_partition(tmp_path / "test.npz", X, y)
    evaluate = fl_server_app.global_evaluation(str(path))
    perfect = [np.eye(3), np.zeros(3)]  # W = I: cada ejemplo elige su propia clase
    metrics = evaluate(1, ArrayRecord(perfect))
    assert metrics["accuracy"] == 1.0
    assert metrics["loss"] == pytest.approx(fl_model.log_loss(perfect, X, y))


def test_run_history_round_trips_through_json(tmp_path):
    result = Result(
        arrays=ArrayRecord([np.ones((2, 2)), np.zeros(2)]),
        train_metrics_clientapp={1: MetricRecord({"train-loss": 0.5})},
        evaluate_metrics_serverapp={
            0: MetricRecord({"accuracy": 0.1}),
            1: MetricRecord({"accuracy": 0.9}),
        },
    )
    path = tmp_path / "run.json"
    marks = {0: 10.0, 1: 12.5}
    path.write_text(json.dumps(fl_server_app.run_history("fedavg", result, marks)))
    history = fl_runs.read_history(path)
    assert history["strategy"] == "fedavg"
    assert history["round-seconds"] == {1: 2.5}
    assert history["server"] == {0: {"accuracy": 0.1}, 1: {"accuracy": 0.9}}
    assert history["train"] == {1: {"train-loss": 0.5}} and history["evaluate"] == {}
    assert history["final-params"] == [[[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0]]


def test_timed_rounds_marks_the_end_of_each_round_and_keeps_the_metrics():
    ticks = iter([100.0, 103.0, 104.5])
    marks: dict[int, float] = {}

    def evaluate(server_round, arrays):
        return MetricRecord({"accuracy": 0.1 * server_round})

    timed = fl_server_app.timed_rounds(evaluate, marks, clock=lambda: next(ticks))
    params = ArrayRecord(fl_model.init_params(2, 2))
    assert [timed(r, params)["accuracy"] for r in (0, 1, 2)] == [0.0, 0.1, 0.2]
    assert marks == {0: 100.0, 1: 103.0, 2: 104.5}
    assert fl_server_app.round_seconds(marks) == {1: 3.0, 2: 1.5}
    assert fl_server_app.round_seconds({}) == {}
