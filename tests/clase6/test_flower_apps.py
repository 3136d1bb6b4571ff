"""ClientApp y ServerApp de Flower llamados directamente (sin red) y utilidades del lanzador."""

from __future__ import annotations

import fl_client_app
import fl_core
import fl_federation
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
)

TRAIN_CONFIG = {"local-epochs": 2, "learning-rate": 0.5, "batch-size": 32, "seed": 0}


@pytest.fixture(scope="module")
def client_file(tmp_path_factory):
    (X, y), _ = fl_core.load_digits_split()
    path = tmp_path_factory.mktemp("datos") / "client.npz"
    return fl_federation.save_partition(path, X[:300], y[:300])


def call_client(client_file, message_type, node_extra=None, server_round=1):
    params = fl_core.init_params(64, 10)
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
    # el mismo cálculo que fl_core, con la semilla derivada de la ronda y el partition-id
    with np.load(client_file) as data:
        expected = fl_core.local_train(
            params, data["X"], data["y"], epochs=2, seed=0 * 1_000_003 + 1 * 1_000 + 2
        )
    np.testing.assert_allclose(fl_core.flatten(local), fl_core.flatten(expected))


def test_client_sign_flip_attack_sends_the_amplified_opposite_update(client_file):
    params, honest = call_client(client_file, MessageType.TRAIN)
    _, attacked = call_client(
        client_file, MessageType.TRAIN, {"attack": "sign-flip", "boost": 10.0}
    )
    honest_update = fl_core.flatten(honest.content["arrays"].to_numpy_ndarrays())
    attacked_update = fl_core.flatten(attacked.content["arrays"].to_numpy_ndarrays())
    np.testing.assert_allclose(attacked_update, -10 * honest_update)  # global = 0


def test_client_label_flip_attack_trains_on_wrong_labels(client_file):
    _, honest = call_client(client_file, MessageType.TRAIN)
    _, flipped = call_client(client_file, MessageType.TRAIN, {"attack": "label-flip"})
    with np.load(client_file) as data:
        X, y = data["X"], data["y"]
    honest_acc = fl_core.accuracy(honest.content["arrays"].to_numpy_ndarrays(), X, y)
    flipped_acc = fl_core.accuracy(flipped.content["arrays"].to_numpy_ndarrays(), X, y)
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
    arg = fl_federation.config_arg({"a": 1, "b": 0.5, "c": "x y", "d": True})
    assert arg == 'a=1 b=0.5 c="x y" d=true'
