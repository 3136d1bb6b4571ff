"""La regla de promoción: el retador pasa a `champion` solo si mejora al campeón por un margen,
con los dos modelos evaluados sobre **el mismo conjunto de referencia** y en la misma ejecución.

Comparar la ROC AUC que registró el campeón cuando se entrenó (medida en *su* día de prueba) con
la del retador (medida en otro día) no dice cuál es mejor: un día más fácil gana solo. Por eso:

1. el conjunto de referencia es un `Reference` (ruta en S3 + versión de cada objeto): datos
   exactos, no un nombre;
2. `promote_if_better` vuelve a cargar al campeón y evalúa a los dos sobre esos mismos datos;
3. `decide`, la regla pura, se niega a comparar evaluaciones de referencias distintas
   (`ReferenceMismatch`), así que un error en el paso 2 no puede promover a nadie en silencio.

La Clase 8 hace lo mismo con su conjunto de referencia.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import registry
from .config import LakeConfig
from .reference import Reference, load_reference
from .training import evaluate

MIN_IMPROVEMENT = 0.005  # ROC AUC: por debajo de esto la diferencia es ruido, no mejora


@dataclass(frozen=True)
class Evaluation:
    """La ROC AUC de una versión medida sobre un conjunto de referencia (su `digest`)."""

    version: str
    roc_auc: float
    reference: str


class ReferenceMismatch(ValueError):
    """Se intentó comparar métricas medidas sobre conjuntos de datos distintos."""


def decide(
    challenger: Evaluation, champion: Evaluation | None, min_improvement: float = MIN_IMPROVEMENT
) -> tuple[bool, str]:
    """(¿se promueve?, motivo). Sin campeón se promueve; si no, solo con mejora ≥ el margen."""
    if champion is None:
        return True, "no había campeón"
    if champion.reference != challenger.reference:
        raise ReferenceMismatch(
            f"no se comparan métricas de conjuntos distintos: retador v{challenger.version} "
            f"medido en {challenger.reference}, campeón v{champion.version} en {champion.reference}"
        )
    gain = challenger.roc_auc - champion.roc_auc
    reason = (
        f"roc_auc {challenger.roc_auc:.4f} contra {champion.roc_auc:.4f} del campeón "
        f"({gain:+.4f}; se exige {min_improvement:+.4f}), los dos sobre la misma referencia"
    )
    return gain >= min_improvement, reason


def evaluate_version(config: LakeConfig, version: str, reference: Reference, frame) -> Evaluation:
    """Carga la versión del registro y la evalúa sobre `frame`, los datos de `reference`."""
    roc_auc = evaluate(registry.load_version(config, version), frame)["roc_auc"]
    return Evaluation(version=version, roc_auc=roc_auc, reference=reference.digest)


def record_decision(
    config: LakeConfig, challenger: Evaluation, champion: Evaluation | None, promoted: bool
) -> None:
    """La decisión, la referencia y las dos métricas como etiquetas de la versión retadora."""
    import mlflow

    tags = {
        "promotion.decision": "promoted" if promoted else "rejected",
        "promotion.reference": challenger.reference,
        "promotion.roc_auc": str(challenger.roc_auc),
        "promotion.champion_roc_auc": str(champion.roc_auc) if champion else "",
    }
    client = mlflow.MlflowClient(config.tracking_uri)
    for key, value in tags.items():
        client.set_model_version_tag(config.model_name, challenger.version, key, value)


def promote_if_better(
    config: LakeConfig,
    version: str,
    reference: Reference,
    *,
    min_improvement: float = MIN_IMPROVEMENT,
    alias: str = "champion",
) -> dict:
    """Evalúa retador y campeón sobre `reference` y mueve `alias` si el retador lo merece."""
    import mlflow

    frame = load_reference(config, reference)
    challenger = evaluate_version(config, version, reference, frame)
    current = registry.champion_version(config, alias)
    if current == version:
        raise ValueError(f"v{version} ya es {alias}: no hay nada que decidir")
    champion = None if current is None else evaluate_version(config, current, reference, frame)
    promoted, reason = decide(challenger, champion, min_improvement)
    if promoted:
        client = mlflow.MlflowClient(config.tracking_uri)
        client.set_registered_model_alias(config.model_name, alias, version)
    record_decision(config, challenger, champion, promoted)
    return {
        "version": version,
        "promoted": promoted,
        "reason": reason,
        "reference": reference.digest,
        "challenger_roc_auc": challenger.roc_auc,
        "champion_roc_auc": champion.roc_auc if champion else None,
        "previous_champion": current,
    }
