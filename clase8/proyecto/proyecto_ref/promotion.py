"""La regla de promoción: el retador pasa a ``champion`` solo si mejora al campeón.

El **retador** (la versión recién registrada) y el **campeón** actual se reevalúan sobre el mismo
conjunto de referencia (``data.reference_set``): así la comparación es justa aunque el campeón se
haya entrenado con otros datos o en otra época. Comparar métricas registradas en corridas
distintas, con datos de prueba distintos, no lo sería.
"""

from __future__ import annotations

from datetime import UTC, datetime

from proyecto_ref import data, registry, training
from proyecto_ref.config import Settings


def promote_if_better(settings: Settings, version: str) -> dict:
    """Paso 4: el retador pasa a ``champion`` solo si supera al campeón por ``min_improvement``."""
    reference = data.reference_set()
    metric = settings.promotion_metric
    challenger = training.evaluate(registry.load_version(settings, version), reference)[metric]
    champion_version = registry.champion_version(settings)
    if champion_version is None:
        champion, promote, reason = None, True, "no había campeón"
    else:
        champion_model = registry.load_version(settings, champion_version)
        champion = training.evaluate(champion_model, reference)[metric]
        gain = challenger - champion
        promote = gain >= settings.min_improvement
        reason = (
            f"{metric} {challenger:.4f} vs {champion:.4f} del campeón "
            f"({gain:+.4f}; mínimo exigido +{settings.min_improvement})"
        )
    mlflow_client = registry.client(settings)
    decided_at = datetime.now(UTC).isoformat()  # justo antes de mover el alias (mide el ciclo)
    if promote:
        mlflow_client.set_registered_model_alias(
            settings.model_name, settings.champion_alias, version
        )
    decision = "promoted" if promote else "rejected"
    mlflow_client.set_model_version_tag(settings.model_name, version, "decision", decision)
    return {
        "version": version,
        "promoted": promote,
        "reason": reason,
        "challenger_score": challenger,
        "champion_score": champion,
        "previous_champion": champion_version,
        "decided_at": decided_at,
    }
