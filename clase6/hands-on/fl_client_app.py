"""ClientApp de Flower de la Clase 6: entrena la regresión logística en los datos locales.

Cada SuperNode ejecuta este ClientApp con su propio `--node-config`:

- `data-path`: archivo .npz con los datos del cliente (`X`, `y`); nunca sale del nodo;
- `partition-id`: número de cliente (para las semillas y los reportes);
- `attack` (opcional): `"none"`, `"label-flip"` (entrena con etiquetas invertidas) o
  `"sign-flip"` (envía la actualización invertida y multiplicada por `boost`).

Lo único que viaja al servidor son los parámetros del modelo y unas pocas métricas.
Solo depende de NumPy y de `fl_model`: cada mensaje se atiende en un proceso nuevo, y no
importar scikit-learn lo hace arrancar bastante más rápido.
"""

from __future__ import annotations

import fl_model
import numpy as np
from flwr.app import ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

app = ClientApp()


def load_local_data(context: Context) -> tuple[np.ndarray, np.ndarray]:
    """Datos del nodo: los indica su node-config, no el servidor."""
    with np.load(str(context.node_config["data-path"])) as data:
        X, y = data["X"], data["y"]
    if context.node_config.get("attack", "none") == "label-flip":
        y = 9 - y  # envenenamiento de datos: 0↔9, 1↔8, …
    return X, y


@app.train()
def train(msg: Message, context: Context) -> Message:
    """Una ronda: recibe el modelo global, entrena `local-epochs` épocas y responde."""
    global_params = msg.content["arrays"].to_numpy_ndarrays()
    config = msg.content["config"]
    X, y = load_local_data(context)
    partition_id = int(context.node_config["partition-id"])
    server_round = int(config["server-round"])

    local_params = fl_model.local_train(
        global_params,
        X,
        y,
        epochs=int(config["local-epochs"]),
        lr=float(config["learning-rate"]),
        batch_size=int(config["batch-size"]),
        proximal_mu=float(config.get("proximal-mu", 0.0)),  # lo agrega la estrategia FedProx
        seed=fl_model.client_seed(int(config["seed"]), server_round, partition_id),
    )
    if context.node_config.get("attack", "none") == "sign-flip":  # envenenamiento del modelo
        boost = float(context.node_config.get("boost", 10.0))
        update = fl_model.subtract(local_params, global_params)
        local_params = fl_model.add(global_params, [-boost * u for u in update])

    metrics = MetricRecord(
        {
            "num-examples": len(y),
            "partition-id": partition_id,
            "train-loss": fl_model.log_loss(local_params, X, y),
            # qué tan bien anda el modelo global recibido en los datos de este cliente
            "global-accuracy": fl_model.accuracy(global_params, X, y),
        }
    )
    content = RecordDict({"arrays": ArrayRecord(local_params), "metrics": metrics})
    return Message(content=content, reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    """Evaluación federada: exactitud del modelo global en los datos locales."""
    params = msg.content["arrays"].to_numpy_ndarrays()
    X, y = load_local_data(context)
    metrics = MetricRecord(
        {
            "num-examples": len(y),
            "accuracy": fl_model.accuracy(params, X, y),
            "loss": fl_model.log_loss(params, X, y),
        }
    )
    return Message(content=RecordDict({"metrics": metrics}), reply_to=msg)
