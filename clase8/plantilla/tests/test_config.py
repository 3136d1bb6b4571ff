import pytest

from mi_proyecto.config import Settings


def test_valores_por_defecto_de_desarrollo():
    settings = Settings.from_env({})
    assert settings.env == "local"
    assert settings.model_uri == "models:/mi-modelo@champion"


def test_el_entorno_manda():
    settings = Settings.from_env({"MLFLOW_TRACKING_URI": "http://mlflow:5000"})
    assert settings.mlflow_tracking_uri == "http://mlflow:5000"


def test_produccion_rechaza_la_clave_de_desarrollo():
    with pytest.raises(ValueError, match="APP_API_KEY"):
        Settings.from_env({"APP_ENV": "produccion"})
    assert Settings.from_env({"APP_ENV": "produccion", "APP_API_KEY": "otra"}).env == "produccion"
