"""Pruebas de las piezas sin servidor de la Clase 7: configuración y secretos, el token bucket,
la firma del modelo y la línea de comandos."""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import secure_model
from openapi_contract import assert_declared
from secure_api import cli
from secure_api.app import create_app
from secure_api.auth import principal_from_api_key
from secure_api.identities import DEV_IDENTITIES, Identities, password_hasher
from secure_api.rate_limit import RateLimiter
from secure_api.settings import Settings
from secure_api.signing import DEV_SIGNING_KEY, ArtifactError, load_verified

from coursekit import UvicornThread

HANDS_ON = Path(secure_model.__file__).resolve().parent  # clase7/hands-on/
API_KEY = {"X-API-Key": "dev-api-key-lote-nocturno-0001"}  # clave de DESARROLLO documentada


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_bursts_then_refills():
    clock = FakeClock()
    limiter = RateLimiter(capacity=10, refill_per_s=2, clock=clock)
    assert limiter.check("a", 6) == 0 and limiter.check("a", 4) == 0
    assert limiter.check("a", 1) == pytest.approx(0.5)  # balde vacío: 1 ficha tarda 0.5 s
    clock.now = 1.0  # se recargan 2 fichas
    assert limiter.check("a", 2) == 0
    assert limiter.check("a", 3) == pytest.approx(1.5)
    assert limiter.check("b", 10) == 0  # otro cliente, otro balde
    assert math.isinf(limiter.check("c", 11))  # nunca cabrá


def test_token_bucket_never_exceeds_capacity():
    clock = FakeClock()
    limiter = RateLimiter(capacity=5, refill_per_s=100, clock=clock)
    clock.now = 1_000.0
    assert limiter.check("a", 5) == 0
    assert limiter.check("a", 1) > 0


def test_rate_limiter_forgets_least_recent_keys():
    limiter = RateLimiter(capacity=1, refill_per_s=0.001, clock=FakeClock(), max_keys=2)
    assert limiter.check("a") == 0
    assert limiter.check("b") == 0
    assert limiter.check("c") == 0  # "a" se olvida
    assert limiter.check("a") == 0  # balde nuevo
    assert limiter.check("c") > 0


def test_settings_from_empty_environment_are_development_defaults():
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert set(settings.dev_defaults_in_use) == {
        "SECURE_API_JWT_SECRET",
        "SECURE_MODEL_SIGNING_KEY",
        "SECURE_API_IDENTITIES_FILE",
    }
    assert settings.return_probabilities is False


def test_production_refuses_development_secrets():
    with pytest.raises(ValueError, match="APP_ENV=production.*SECURE_API_JWT_SECRET"):
        Settings.from_env({"APP_ENV": "production"})


def test_unknown_environment_is_rejected():
    with pytest.raises(ValueError, match="APP_ENV='produccion' no es válido"):
        Settings.from_env({"APP_ENV": "produccion"})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECURE_API_RATE_CAPACITY", "mucho", "debe ser un número"),
        ("SECURE_API_TOKEN_TTL_S", "1.5", "debe ser un número entero"),
        ("SECURE_API_RATE_PER_S", "0", "mayores que 0"),
        ("SECURE_API_IDENTITIES_FILE", "/no/existe.json", "no se pudo leer"),
    ],
)
def test_invalid_values_name_the_variable(name, value, message):
    with pytest.raises(ValueError, match=message) as error:
        Settings.from_env({name: value})
    assert name in str(error.value)


def test_production_with_own_secrets(tmp_path):
    identities = {
        "users": [
            {
                "username": "ops",
                "password_hash": password_hasher.hash("clave-larga"),
                "scopes": ["admin"],
            }
        ],
        "api_keys": [],
    }
    path = tmp_path / "identidades.json"
    path.write_text(json.dumps(identities))
    settings = Settings.from_env(
        {
            "APP_ENV": "production",
            "SECURE_API_JWT_SECRET": "s" * 48,
            "SECURE_MODEL_SIGNING_KEY": "k" * 48,
            "SECURE_API_IDENTITIES_FILE": str(path),
            "SECURE_API_RETURN_PROBABILITIES": "true",
        }
    )
    assert settings.dev_defaults_in_use == []
    assert settings.return_probabilities is True
    stored = settings.identities.users["ops"].password_hash
    assert password_hasher.verify("clave-larga", stored)


def test_short_jwt_secret_is_rejected():
    with pytest.raises(ValueError, match="32 bytes"):
        Settings.from_env({"SECURE_API_JWT_SECRET": "corto"})


def test_create_app_checks_settings_passed_in():
    with pytest.raises(ValueError, match="APP_ENV=production"):
        create_app(Settings(env="production"))


def test_unknown_scopes_are_rejected():
    with pytest.raises(ValueError, match="scopes desconocidos"):
        Identities.from_dict(
            {"users": [{"username": "x", "password_hash": "h", "scopes": ["root"]}]}
        )


def test_dev_password_hashes_match_documented_passwords():
    users = Identities.from_dict(DEV_IDENTITIES).users
    assert password_hasher.verify("analista-dev-2026", users["analista"].password_hash)
    assert password_hasher.verify("auditora-dev-2026", users["auditora"].password_hash)


def test_verified_load_accepts_signed_model(model_path):
    bundle = load_verified(model_path, DEV_SIGNING_KEY)
    assert bundle["version"] == "test-1" and len(bundle["sha256"]) == 64


class Payload:
    """Carga "maliciosa" inofensiva: si se deserializa, escribe un archivo de marca."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ejecutado')",))


def test_tampered_model_is_rejected_before_deserializing(tmp_path):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib")
    marker = tmp_path / "marca.txt"
    path.write_bytes(pickle.dumps({"model": None, "x": Payload(marker)}))
    with pytest.raises(ArtifactError, match="no coincide"):
        load_verified(path, DEV_SIGNING_KEY)
    assert not marker.exists()


def test_model_signed_with_another_key_is_rejected(tmp_path):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib", signing_key="otra")
    with pytest.raises(ArtifactError):
        load_verified(path, DEV_SIGNING_KEY)


def test_unsigned_model_is_rejected(tmp_path):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib")
    (tmp_path / "m.joblib.sig").unlink()
    with pytest.raises(ArtifactError, match="no tiene firma"):
        load_verified(path, DEV_SIGNING_KEY)


def test_api_is_not_ready_with_tampered_model(tmp_path, spec, pixels):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib")
    path.write_bytes(path.read_bytes() + b"\x00")
    with UvicornThread(create_app(Settings(model_path=path))) as server:
        ready = httpx.get(server.url + "/ready")
        predict = httpx.post(server.url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY)
        health = httpx.get(server.url + "/health")
    assert ready.status_code == 503 and "firma" in ready.json()["detail"]
    assert predict.status_code == 503 and predict.json()["code"] == "model_unavailable"
    assert health.status_code == 200  # liveness nunca mira el modelo
    for response in (ready, predict, health):
        assert_declared(spec, response)


def test_cli_generates_verifiable_secrets(capsys):
    assert cli.main(["hash-password", "--password", "una-clave"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert hashed.startswith("$argon2id$")
    assert password_hasher.verify("una-clave", hashed)
    assert cli.main(["new-api-key"]) == 0
    lines = capsys.readouterr().out.splitlines()
    key, digest = lines[0].rsplit(" ", 1)[1], lines[1].rsplit(" ", 1)[1]
    client = {"client_id": "nuevo", "key_sha256": digest, "scopes": ["predict"]}
    settings = Settings(identities=Identities.from_dict({"api_keys": [client]}))
    assert principal_from_api_key(key, settings).subject == "nuevo"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0


def run_module(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m secure_api ...` en un proceso nuevo, desde clase7/hands-on/."""
    return subprocess.run(
        [sys.executable, "-m", "secure_api", *args],
        cwd=HANDS_ON,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_new_secret_works_in_production_with_invalid_configuration():
    """El comando que genera el secreto que falta no puede depender de que el secreto exista."""
    result = run_module("new-secret", APP_ENV="production")
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert len(secret.encode()) >= 32 and " " not in secret  # lo que exige Settings.check


def test_serve_refuses_invalid_configuration_with_a_clear_message():
    result = run_module("serve", "--port", "0", APP_ENV="production")
    assert result.returncode == 2
    assert result.stderr.startswith("Configuración inválida: APP_ENV=production")
    assert "Traceback" not in result.stderr
