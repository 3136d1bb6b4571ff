"""Una promoción justa: `C` se elige en validación (nunca mirando el día de prueba) y campeón y
retador se comparan sobre el MISMO conjunto de referencia, identificado por ruta y versión de
cada objeto. Las primeras pruebas no necesitan el stack; la última corre contra S3 y MLflow."""

from __future__ import annotations

from dataclasses import replace

import clase5_support  # noqa: F401 - primero: agrega hands-on/ a sys.path
import pandas as pd
import pytest
from clase5_support import PREFIX, reset_model
from lake import promotion, registry, training
from lake.etl import curated_to_features
from lake.ingest import days_from, generate_readings
from lake.promotion import Evaluation, ReferenceMismatch, decide
from lake.reference import Reference, load_reference
from mlflow import MlflowClient

DAY_3 = Reference("s3://lago-features/fallas", {"fallas/fecha=2026-01-03/part-0.parquet": "v-a"})
DAY_5 = Reference("s3://lago-features/fallas", {"fallas/fecha=2026-01-05/part-0.parquet": "v-b"})


def features_of(days) -> pd.DataFrame:
    """Las features de esos días, como las escribe el ETL (sin S3)."""
    frames = []
    for day in days:
        readings = generate_readings(day)
        curated = readings.assign(fecha=day.isoformat(), ts=pd.to_datetime(readings["ts"]))
        frames.append(curated_to_features(curated))
    return pd.concat(frames, ignore_index=True)


def test_decide_refuses_metrics_measured_on_different_reference_sets():
    # El retador «gana» por 0.15, pero su métrica y la del campeón vienen de días distintos.
    challenger = Evaluation("2", 0.95, DAY_5.digest)
    champion = Evaluation("1", 0.80, DAY_3.digest)
    with pytest.raises(ReferenceMismatch, match="no se comparan métricas de conjuntos distintos"):
        decide(challenger, champion)


def test_decide_promotes_only_with_the_required_margin():
    ref = DAY_5.digest
    assert decide(Evaluation("1", 0.70, ref), None) == (True, "no había campeón")
    assert decide(Evaluation("2", 0.904, ref), Evaluation("1", 0.90, ref), 0.005)[0] is False
    assert decide(Evaluation("2", 0.905, ref), Evaluation("1", 0.90, ref), 0.005)[0] is True
    assert decide(Evaluation("2", 0.85, ref), Evaluation("1", 0.90, ref), 0.0)[0] is False


def test_reference_identity_is_path_plus_every_object_version():
    same = Reference.from_dict(DAY_5.as_dict())
    assert same == DAY_5 and same.digest == DAY_5.digest
    rewritten = Reference(DAY_5.path, {k: "otra-version" for k in DAY_5.versions})
    moved = Reference("s3://otro-lago/fallas", dict(DAY_5.versions))
    assert len({DAY_5.digest, rewritten.digest, moved.digest, DAY_3.digest}) == 4


def test_the_split_is_train_validation_test_by_day():
    split = training.split_by_day(features_of(days_from("2026-01-01", 5)))
    assert sorted(split.train["fecha"].unique()) == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert set(split.validation["fecha"]) == {"2026-01-04"}
    assert set(split.test["fecha"]) == {"2026-01-05"}
    with pytest.raises(ValueError, match="al menos 3 días"):
        training.split_by_day(features_of(days_from("2026-01-01", 2)))


def test_choosing_C_never_looks_at_the_test_day():
    frame = features_of(days_from("2026-01-01", 5))
    chosen = training.select_C(training.split_by_day(frame))
    # Se invierten las etiquetas del día de prueba: la elección de C no puede cambiar.
    flipped = frame.copy()
    last = flipped["fecha"] == "2026-01-05"
    flipped.loc[last, "failure"] = 1 - flipped.loc[last, "failure"]
    assert training.select_C(training.split_by_day(flipped)) == chosen


def test_promotion_rescores_the_champion_on_the_challenger_reference(config, lake):
    """El campeón se entrenó con otros días y su métrica registrada es de SU día de prueba: la
    promoción lo reevalúa sobre la referencia del retador y compara eso, no la etiqueta."""
    cfg = replace(config, model_name=f"{PREFIX}-promocion")
    reset_model(cfg.model_name)
    old = training.train_and_log(cfg, lake[:3], run_name="test-campeon")  # prueba: día 3
    v1 = registry.register(cfg, old["model_uri"], old["run_id"])
    first = promotion.promote_if_better(cfg, v1, Reference.from_dict(old["reference"]))
    assert first["promoted"] and first["champion_roc_auc"] is None

    new = training.train_and_log(cfg, lake, run_name="test-retador")  # prueba: día 5
    reference = Reference.from_dict(new["reference"])
    assert reference.digest != Reference.from_dict(old["reference"]).digest
    v2 = registry.register(cfg, new["model_uri"], new["run_id"])
    result = promotion.promote_if_better(cfg, v2, reference)

    data = load_reference(cfg, reference)
    assert set(data["fecha"]) == {lake[-1].isoformat()}
    champion_here = training.evaluate(registry.load_version(cfg, v1), data)["roc_auc"]
    assert result["champion_roc_auc"] == champion_here != old["metrics"]["roc_auc"]
    assert result["challenger_roc_auc"] == new["metrics"]["roc_auc"]
    assert result["reference"] == reference.digest and result["previous_champion"] == v1
    gain = result["challenger_roc_auc"] - result["champion_roc_auc"]
    assert result["promoted"] == (gain >= promotion.MIN_IMPROVEMENT)
    tags = MlflowClient(cfg.tracking_uri).get_model_version(cfg.model_name, v2).tags
    assert tags["promotion.reference"] == reference.digest
    assert float(tags["promotion.champion_roc_auc"]) == champion_here
    with pytest.raises(ValueError, match="ya es champion"):
        promotion.promote_if_better(cfg, registry.champion_version(cfg), reference)
