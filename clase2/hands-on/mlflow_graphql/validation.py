"""Reglas de entrada: qué nombres, alias e ids acepta el servicio antes de hablar con MLflow.

Los nombres terminan dentro de filtros de búsqueda de MLflow (`params.`clave` = 'valor'`): por
eso se validan con una expresión regular estricta y nunca se concatena texto sin validar.
"""

from __future__ import annotations

import re

from .errors import NotFoundError, UserError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/ ]{0,249}$")  # claves de métricas, params, tags
MODEL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9_\-]{0,62}$")
RUN_ID_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_TAG_VALUE = 5000


def check_name(value: str, what: str, pattern: re.Pattern = NAME_RE) -> str:
    """Devuelve `value` si cumple `pattern`; si no, UserError que nombra qué se esperaba."""
    if not pattern.fullmatch(value):
        raise UserError(
            f"{what} inválido: {value!r}. Se permiten letras, dígitos y los signos del patrón "
            f"{pattern.pattern}"
        )
    return value


def check_run_id(run_id: str) -> str:
    """Un id de run son 32 dígitos hexadecimales; otro texto no puede existir en MLflow."""
    if not RUN_ID_RE.fullmatch(run_id):
        raise NotFoundError(f"No existe el run '{run_id}': un id de run tiene 32 dígitos hex.")
    return run_id


def check_tag(key: str, value: str) -> str:
    """Una etiqueta de usuario: nombre válido, sin el prefijo del sistema y de largo acotado."""
    check_name(key, "Nombre de etiqueta")
    if key.startswith("mlflow."):
        raise UserError("Las etiquetas 'mlflow.*' son del sistema: usar otro prefijo.")
    if len(value) > MAX_TAG_VALUE:
        raise UserError(f"El valor tiene {len(value)} caracteres; el máximo es {MAX_TAG_VALUE}.")
    return key


def check_alias(alias: str) -> str:
    """Un alias del registro: minúsculas, y ni 'latest' ni 'v<número>' (MLflow los reserva)."""
    if not ALIAS_RE.fullmatch(alias) or alias == "latest" or re.fullmatch(r"v\d+", alias):
        raise UserError(
            f"Alias inválido: {alias!r}. Debe empezar con minúscula, usar [a-z0-9_-] y no "
            "puede ser 'latest' ni 'v<número>' (MLflow los reserva)."
        )
    return alias
