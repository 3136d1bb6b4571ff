"""Pruebas de las piezas sin servidor de la Clase 7: configuración y secretos, el token bucket,
la firma del modelo y la línea de comandos."""

from __future__ import annotations

import json
import math
import pickle

import httpx
import pytest
import secure_api
import secure_model

from coursekit import UvicornThread

API_KEY = {"X-API-Key": "dev-api-key-lote-nocturno-0001"}  # clave de DESARROLLO documentada


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_bursts_then_refills():
    clock = FakeClock()
    limiter = secure_api.RateLimiter(capacity=10, refill_per_s=2, clock=clock)
    assert limiter.check("a", 6) == 0 and limiter.check("a", 4) == 0
    assert limiter.check("a", 1) == pytest.approx(0.5)  # balde vacío: 1 ficha tarda 0.5 s
    clock.now = 1.0  # se recargan 2 fichas
    assert limiter.check("a", 2) == 0
    assert limiter.check("a", 3) == pytest.approx(1.5)
    assert limiter.check("b", 10) == 0  # otro cliente, otro balde
    assert math.isinf(limiter.check("c", 11))  # nunca cabrá


def test_token_bucket_never_exceeds_capacity():
    clock = FakeClock()
    limiter = secure_api.RateLimiter(capacity=5, refill_per_s=100, clock=clock)
    clock.now = 1_000.0
    assert limiter.check("a", 5) == 0
    assert limiter.check("a", 1) > 0


def test_rate_limiter_forgets_least_recent_keys():
    limiter = secure_api.RateLimiter(capacity=1, refill_per_s=0.001, clock=FakeClock(), max_keys=2)
    assert limiter.check("a") == 0
    assert limiter.check("b") == 0
    assert limiter.check("c") == 0  # "a" se olvida
    assert limiter.check("a") == 0  # balde nuevo
    assert limiter.check("c") > 0


def test_settings_from_empty_environment_are_development_defaults():
    settings = secure_api.Settings.from_env({})
    assert settings.env == "development"
    assert set(settings.dev_defaults_in_use) == {
        "SECURE_API_JWT_SECRET",
        "SECURE_MODEL_SIGNING_KEY",
        "SECURE_API_IDENTITIES_FILE",
    }
    assert settings.return_probabilities is False


def test_production_refuses_development_secrets():
    with pytest.raises(RuntimeError, match="SECURE_API_JWT_SECRET"):
        secure_api.Settings.from_env({"SECURE_API_ENV": "production"})


def test_production_with_own_secrets(tmp_path):
    identities = {
        "users": [
            {
                "username": "ops",
                "password_hash": secure_api.password_hasher.hash("clave-larga"),
                "scopes": ["admin"],
            }
        ],
        "api_keys": [],
    }
    path = tmp_path / "identidades.json"
    path.write_text(json.dumps(identities))
    settings = secure_api.Settings.from_env(
        {
            "SECURE_API_ENV": "production",
            "SECURE_API_JWT_SECRET": "s" * 48,
            "SECURE_MODEL_SIGNING_KEY": "k" * 48,
            "SECURE_API_IDENTITIES_FILE": str(path),
            "SECURE_API_RETURN_PROBABILITIES": "true",
        }
    )
    assert settings.dev_defaults_in_use == []
    assert settings.return_probabilities is True
    stored = settings.identities.users["ops"].password_hash
    assert secure_api.password_hasher.verify("clave-larga", stored)


def test_short_jwt_secret_is_rejected():
    with pytest.raises(ValueError, match="32 bytes"):
        secure_api.Settings.from_env({"SECURE_API_JWT_SECRET": "corto"})


def test_unknown_scopes_are_rejected():
    with pytest.raises(ValueError, match="scopes desconocidos"):
        secure_api.Identities.from_dict(
            {"users": [{"username": "x", "password_hash": "h", "scopes": ["root"]}]}
        )


def test_dev_password_hashes_match_documented_passwords():
    users = secure_api.Identities.from_dict(secure_api.DEV_IDENTITIES).users
    assert secure_api.password_hasher.verify("analista-dev-2026", users["analista"].password_hash)
    assert secure_api.password_hasher.verify("auditora-dev-2026", users["auditora"].password_hash)


def test_verified_load_accepts_signed_model(model_path):
    bundle = secure_model.load_verified(model_path)
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
    with pytest.raises(secure_model.ArtifactError, match="no coincide"):
        secure_model.load_verified(path)
    assert not marker.exists()


def test_model_signed_with_another_key_is_rejected(tmp_path):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib", signing_key="otra")
    with pytest.raises(secure_model.ArtifactError):
        secure_model.load_verified(path)


def test_unsigned_model_is_rejected(tmp_path):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib")
    (tmp_path / "m.joblib.sig").unlink()
    with pytest.raises(secure_model.ArtifactError, match="no tiene firma"):
        secure_model.load_verified(path)


def test_api_is_not_ready_with_tampered_model(tmp_path, pixels):
    path = secure_model.save(secure_model.train(), tmp_path / "m.joblib")
    path.write_bytes(path.read_bytes() + b"\x00")
    settings = secure_api.Settings(model_path=path)
    with UvicornThread(secure_api.create_app(settings)) as server:
        ready = httpx.get(server.url + "/ready")
        predict = httpx.post(server.url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY)
        health = httpx.get(server.url + "/health")
    assert ready.status_code == 503 and "firma" in ready.json()["detail"]
    assert predict.status_code == 503 and predict.json()["title"] == "Modelo no disponible"
    assert health.status_code == 200


def test_cli_generates_verifiable_secrets(capsys):
    assert secure_api.main(["hash-password", "--password", "una-clave"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert hashed.startswith("$argon2id$")
    assert secure_api.password_hasher.verify("una-clave", hashed)
    assert secure_api.main(["new-api-key"]) == 0
    lines = capsys.readouterr().out.splitlines()
    key, digest = lines[0].rsplit(" ", 1)[1], lines[1].rsplit(" ", 1)[1]
    assert (
        secure_api.principal_from_api_key(
            key,
            secure_api.Settings(
                identities=secure_api.Identities.from_dict(
                    {
                        "api_keys": [
                            {"client_id": "nuevo", "key_sha256": digest, "scopes": ["predict"]}
                        ]
                    }
                )
            ),
        ).subject
        == "nuevo"
    )
    with pytest.raises(SystemExit) as exit_info:
        secure_api.main(["--help"])
    assert exit_info.value.code == 0
