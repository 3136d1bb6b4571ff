import pytest

from mi_proyecto.config import Settings


def test_development_defaults():
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.model_uri == "models:/mi-modelo@champion"


def test_environment_wins():
    settings = Settings.from_env({"MLFLOW_TRACKING_URI": "http://mlflow:5000"})
    assert settings.mlflow_tracking_uri == "http://mlflow:5000"


def test_production_refuses_the_development_key():
    with pytest.raises(ValueError, match="APP_API_KEY"):
        Settings.from_env({"APP_ENV": "production"})
    assert Settings.from_env({"APP_ENV": "production", "APP_API_KEY": "otra"}).env == "production"
    with pytest.raises(ValueError, match="no es válido"):
        Settings.from_env({"APP_ENV": "produccion"})
