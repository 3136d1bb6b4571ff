"""Entrena modelos reales y los registra en un MLflow local: los metadatos que expone la Clase 2.

Crea tres experimentos (iris, vinos y cáncer de mama, datasets incluidos en scikit-learn), cinco
*runs* por experimento (regresión logística, *random forest* y *gradient boosting* con distintos
hiperparámetros), cada uno con parámetros, métricas, etiquetas, historial de métricas y el modelo
guardado. Después registra los tres mejores *runs* de cada experimento como versiones de un modelo
y les pone los alias `champion` y `challenger`.

El almacén es SQLite (`sqlite:///…/mlflow.db`) y no necesita servidor. Es idempotente: borra la
carpeta y la vuelve a crear, así que dos ejecuciones dan los mismos nombres, parámetros y métricas.

Fuera de Jupyter:
    python mlflow_graphql_seed.py                         # construye artifacts/mlflow-seed/
    python mlflow_graphql_seed.py --store /tmp/mi-mlflow  # en otra carpeta
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import mlflow
import mlflow.sklearn
import sklearn
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.models import infer_signature
from mlflow.telemetry import set_telemetry_client
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
SEED_STORE = HERE / "artifacts" / "mlflow-seed"
SEED_VERSION = "5"  # cambiarlo obliga a reconstruir las copias guardadas en artifacts/
SEED = 42
TEST_SIZE = 0.3

DATASETS = {"iris": load_iris, "wine": load_wine, "breast-cancer": load_breast_cancer}

# nombre del candidato → (familia, constructor, hiperparámetros)
CANDIDATES = {
    "logreg-c0.01": ("logreg", LogisticRegression, {"C": 0.01, "max_iter": 2000}),
    "logreg-c1": ("logreg", LogisticRegression, {"C": 1.0, "max_iter": 2000}),
    "rf-depth2": ("random_forest", RandomForestClassifier, {"n_estimators": 25, "max_depth": 2}),
    "rf-depth8": ("random_forest", RandomForestClassifier, {"n_estimators": 25, "max_depth": 8}),
    "gboost-lr0.1": (
        "gradient_boosting",
        GradientBoostingClassifier,
        {"n_estimators": 20, "learning_rate": 0.1, "max_depth": 2},
    ),
}
# Tipos que skops debe aceptar al cargar árboles de scikit-learn (ver log_run).
TREE_TYPES = ["sklearn.tree._tree.Tree"]


def experiment_name(dataset: str) -> str:
    return f"clase2-{dataset}"


def model_name(dataset: str) -> str:
    return f"{dataset}-classifier"


@dataclass(frozen=True)
class Store:
    """Dónde vive un almacén de MLflow local: la base SQLite y la carpeta de artefactos."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "mlflow.db"

    @property
    def tracking_uri(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def artifacts(self) -> Path:
        return self.root / "mlartifacts"


def quiet_mlflow() -> None:
    """MLflow informa cada tabla y cada versión que crea: aquí solo importan los errores."""
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"mlflow(\.|$)")


def train_candidate(dataset: str, candidate: str) -> tuple:
    """Entrena un candidato: (pipeline, parámetros, métricas, exactitud por etapa, firma)."""
    family, estimator, hyperparams = CANDIDATES[candidate]
    data = DATASETS[dataset]()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SIZE, random_state=SEED, stratify=data.target
    )
    extra = {"random_state": SEED} if family != "logreg" else {}
    pipeline = make_pipeline(StandardScaler(), estimator(**hyperparams, **extra))
    pipeline.fit(x_train, y_train)
    predicted = pipeline.predict(x_test)
    metrics = {
        "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
        "f1_macro": round(float(f1_score(y_test, predicted, average="macro")), 4),
    }
    # Historial: el gradient boosting se evalúa después de cada árbol (una métrica por paso).
    history: list[float] = []
    if family == "gradient_boosting":
        x_scaled = pipeline[0].transform(x_test)
        for stage in pipeline[-1].staged_predict(x_scaled):
            history.append(round(float(accuracy_score(y_test, stage)), 4))
    params = {"dataset": dataset, "model_family": family, "test_size": TEST_SIZE, **hyperparams}
    signature = infer_signature(x_test[:5], predicted[:5])
    return pipeline, {k: str(v) for k, v in params.items()}, metrics, history, signature


def log_run(client: MlflowClient, experiment_id: str, dataset: str, candidate: str) -> str:
    """Un *run* completo: parámetros, métricas finales, historial, etiquetas y el modelo."""
    pipeline, params, metrics, history, signature = train_candidate(dataset, candidate)
    family = params["model_family"]
    run = client.create_run(
        experiment_id,
        run_name=f"{dataset}-{candidate}",
        tags={"dataset": dataset, "model_family": family, "owner": "clase2"},
    )
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    batch = [Metric(key, value, now, 0) for key, value in metrics.items()]
    batch += [Metric("val_accuracy", value, now, step) for step, value in enumerate(history, 1)]
    client.log_batch(run_id, metrics=batch, params=[Param(k, v) for k, v in params.items()])
    client.log_batch(run_id, tags=[RunTag("mlflow.note.content", f"{family} sobre {dataset}")])
    with mlflow.start_run(run_id=run_id):  # log_model usa el run activo
        mlflow.sklearn.log_model(
            pipeline,
            name="model",
            signature=signature,
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
            # MLflow guarda con skops, que solo carga tipos declarados de confianza: los árboles
            # de scikit-learn hay que declararlos (los creamos nosotros, no vienen de afuera).
            skops_trusted_types=TREE_TYPES if family != "logreg" else None,
        )
    client.set_terminated(run_id, "FINISHED")
    return run_id


def register_version(client: MlflowClient, name: str, run_id: str):
    """Registra el modelo de un run como nueva versión de `name` (crea `name` si no existe)."""
    if not client.search_registered_models(filter_string=f"name = '{name}'"):
        client.create_registered_model(name, tags={"owner": "clase2"})
    # MLflow 3: el modelo guardado es una entidad propia, con su id, que el run declara.
    model_id = client.get_run(run_id).outputs.model_outputs[0].model_id
    # La ubicación de los artefactos y no "models:/<id>": con ese URI el registro de MLflow
    # buscaría el modelo con el URI de tracking global del proceso, no con el de `client`.
    source = client.get_logged_model(model_id).artifact_location
    return client.create_model_version(name, source=source, run_id=run_id, model_id=model_id)


def seed_dataset(client: MlflowClient, store: Store, dataset: str, verbose: bool) -> None:
    """Un experimento con sus cinco runs y un modelo registrado con los tres mejores."""
    experiment_id = client.create_experiment(
        experiment_name(dataset),
        artifact_location=(store.artifacts / dataset).as_uri(),
        tags={"dataset": dataset, "course": "MLOps II"},
    )
    for candidate in CANDIDATES:
        log_run(client, experiment_id, dataset, candidate)
    # Los tres mejores (exactitud, luego F1, luego nombre: orden total y reproducible),
    # registrados del tercero al primero: la versión 3 es la mejor.
    ranked = client.search_runs(
        [experiment_id],
        order_by=["metrics.accuracy DESC", "metrics.f1_macro DESC", "attributes.run_name ASC"],
        max_results=3,
    )
    name = model_name(dataset)
    for run in reversed(ranked):
        register_version(client, name, run.info.run_id)
    client.set_registered_model_alias(name, "champion", "2")
    client.set_registered_model_alias(name, "challenger", "3")
    if verbose:
        best = ranked[0]
        print(
            f"{experiment_name(dataset):22} {len(CANDIDATES)} runs | mejor: {best.info.run_name}"
            f" (accuracy={best.data.metrics['accuracy']:.4f}) | {name}: 3 versiones"
        )


def build_store(store: Store | Path = SEED_STORE, verbose: bool = True) -> Store:
    """Construye el almacén desde cero: experimentos, runs, modelos registrados y alias."""
    store = store if isinstance(store, Store) else Store(Path(store))
    quiet_mlflow()
    if store.root.exists():
        shutil.rmtree(store.root)
    store.artifacts.mkdir(parents=True)
    mlflow.set_tracking_uri(store.tracking_uri)
    client = MlflowClient(store.tracking_uri, registry_uri=store.tracking_uri)
    client.delete_experiment("0")  # el experimento "Default", vacío: solo agregaría ruido
    for dataset in DATASETS:
        seed_dataset(client, store, dataset, verbose)
    (store.root / "SEED_VERSION").write_text(SEED_VERSION)
    return store


def working_copy(name: str, seed: Store | Path = SEED_STORE) -> Store:
    """Copia la base del almacén semilla a `artifacts/<name>/` (la construye si falta).

    Cada notebook trabaja sobre su propia copia: lo que cambie (etiquetas, versiones, alias) no
    afecta a los demás y volver a ejecutarlo parte siempre del mismo estado. Los artefactos
    (los modelos guardados) se comparten con la semilla: se leen, no se escriben.
    """
    seed = seed if isinstance(seed, Store) else Store(Path(seed))
    seed.root.parent.mkdir(parents=True, exist_ok=True)
    with open(seed.root.parent / ".seed.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # en paralelo, uno construye la semilla; el resto espera
        marker = seed.root / "SEED_VERSION"
        if not marker.exists() or marker.read_text() != SEED_VERSION:
            build_store(seed, verbose=False)
    quiet_mlflow()
    copy = Store(seed.root.parent / name)
    if copy.root.exists():
        shutil.rmtree(copy.root)
    copy.root.mkdir(parents=True)
    shutil.copyfile(seed.db_path, copy.db_path)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description="Crea un MLflow local con runs y modelos reales.")
    parser.add_argument("--store", type=Path, default=SEED_STORE, help="carpeta del almacén")
    args = parser.parse_args()
    # Sin internet, la telemetría de MLflow solo intentaría conexiones que fallan. MLflow la
    # decide al importarse: se apaga aquí, en el punto de entrada (nunca al importar).
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    set_telemetry_client()  # que MLflow vuelva a leer la variable
    store = build_store(args.store)
    print(f"Listo. MLFLOW_TRACKING_URI={store.tracking_uri}")


if __name__ == "__main__":
    main()
