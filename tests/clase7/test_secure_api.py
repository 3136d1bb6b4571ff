"""Pruebas de seguridad de la API de la Clase 7: cada endpoint protegido frente a cada tipo de
credencial mala, el flujo de login, el límite de tasa, la política de salida y la auditoría.
Cada respuesta (de error y de éxito) se contrasta con el documento OpenAPI (`assert_declared`)."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt
import pytest
from openapi_contract import assert_declared
from secure_api.errors import MAX_REPORTED_ERRORS
from secure_api.tokens import (
    JWT_ALGORITHM,
    JWT_AUDIENCE,
    JWT_ISSUER,
    create_access_token,
    decode_access_token,
)

API_KEY = {"X-API-Key": "dev-api-key-lote-nocturno-0001"}  # clave de DESARROLLO documentada

PROTECTED = {
    # nombre: (método, ruta, scope que exige)
    "predict": ("POST", "/v1/predict", "predict"),
    "batch": ("POST", "/v1/predict/batch", "predict"),
    "model": ("GET", "/v1/model", "predict"),
    "audit": ("GET", "/admin/audit", "admin"),
}


def request_kwargs(path: str, pixels: list[float]) -> dict:
    if path == "/v1/predict":
        return {"json": {"pixels": pixels}}
    if path == "/v1/predict/batch":
        return {"json": {"instances": [pixels, pixels]}}
    return {}


def b64url(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "sub": "auditora",
        "scope": "admin predict",
        "iat": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def bad_credentials(case: str, secret: str, tokens: dict[str, str]) -> dict:
    """Cabeceras para cada tipo de credencial inválida."""
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    if case == "no_credentials":
        return {}
    if case == "invalid_api_key":
        return {"X-API-Key": "no-es-una-clave"}
    if case == "expired_token":
        now = int(time.time())
        return bearer(jwt.encode(claims(iat=now - 1000, exp=now - 60), secret, JWT_ALGORITHM))
    if case == "tampered_payload":
        header, _, signature = tokens["analyst"].split(".")
        escalated = jwt.decode(tokens["analyst"], options={"verify_signature": False})
        escalated["scope"] = "admin predict"
        return bearer(f"{header}.{b64url(escalated)}.{signature}")
    if case == "signed_with_other_key":
        return bearer(jwt.encode(claims(), "otra-clave-de-al-menos-32-bytes-!!", JWT_ALGORITHM))
    if case == "alg_none":
        return bearer(jwt.encode(claims(), key=None, algorithm="none"))
    if case == "other_audience":
        return bearer(jwt.encode(claims(aud="otra-api"), secret, JWT_ALGORITHM))
    if case == "no_exp":
        return bearer(jwt.encode(claims(exp=None), secret, JWT_ALGORITHM))
    if case == "malformed":
        return bearer("esto.no.es-un-jwt")
    if case == "unknown_user":
        return bearer(jwt.encode(claims(sub="fantasma"), secret, JWT_ALGORITHM))
    raise AssertionError(case)


BAD_CASES = {
    "no_credentials": "missing_credentials",
    "invalid_api_key": "invalid_api_key",
    "expired_token": "token_expired",
    "tampered_payload": "invalid_signature",
    "signed_with_other_key": "invalid_signature",
    "alg_none": "algorithm_not_allowed",
    "other_audience": "invalid_issuer_or_audience",
    "no_exp": "missing_claim",
    "malformed": "malformed_token",
    "unknown_user": "unknown_user",
}


@pytest.mark.parametrize("endpoint", PROTECTED)
@pytest.mark.parametrize("case", BAD_CASES)
def test_protected_endpoints_reject_bad_credentials_with_401(
    api_url, spec, settings, tokens, pixels, endpoint, case
):
    method, path, _ = PROTECTED[endpoint]
    headers = bad_credentials(case, settings.jwt_secret, tokens)
    response = httpx.request(
        method, api_url + path, headers=headers, **request_kwargs(path, pixels)
    )
    assert response.status_code == 401
    assert_declared(spec, response)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith('Bearer realm="secure_api"')
    body = response.json()
    assert body["status"] == 401 and body["title"] == "No autenticado"
    assert body["code"] == BAD_CASES[case]
    assert len(body["detail"]) > 20  # un mensaje claro, en español


@pytest.mark.parametrize("endpoint", PROTECTED)
def test_under_scoped_token_gets_403(api_url, spec, tokens, pixels, endpoint):
    method, path, needed = PROTECTED[endpoint]
    token = tokens["admin_only"] if needed == "predict" else tokens["analyst"]
    response = httpx.request(
        method,
        api_url + path,
        headers={"Authorization": f"Bearer {token}"},
        **request_kwargs(path, pixels),
    )
    assert response.status_code == 403
    assert_declared(spec, response)
    assert response.json()["code"] == "insufficient_scope"
    assert f"'{needed}'" in response.json()["detail"]
    assert response.headers["www-authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{needed}"'
    )


@pytest.mark.parametrize("endpoint", PROTECTED)
def test_valid_credentials_get_200(api_url, spec, tokens, pixels, endpoint):
    method, path, needed = PROTECTED[endpoint]
    headers = API_KEY if needed == "predict" else {"Authorization": f"Bearer {tokens['auditor']}"}
    kwargs = request_kwargs(path, pixels)
    response = httpx.request(method, api_url + path, headers=headers, **kwargs)
    assert response.status_code == 200, response.text
    assert_declared(spec, response)


def test_api_key_cannot_reach_admin(api_url, spec):
    response = httpx.get(api_url + "/admin/audit", headers=API_KEY)
    assert response.status_code == 403
    assert_declared(spec, response)


def test_both_credentials_are_ambiguous(api_url, spec, tokens, pixels):
    headers = {**API_KEY, "Authorization": f"Bearer {tokens['analyst']}"}
    response = httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=headers)
    assert response.status_code == 400
    assert_declared(spec, response)
    assert response.json()["code"] == "ambiguous_credentials"


def test_public_endpoints(api_url, spec):
    health = httpx.get(api_url + "/health")
    ready = httpx.get(api_url + "/ready")
    assert health.json() == {"status": "ok"}
    assert ready.json() == {"status": "ready", "model_version": "test-1"}
    for response in (health, ready):
        assert_declared(spec, response)


def test_issued_token_claims(settings, tokens):
    decoded = decode_access_token(tokens["analyst"], settings.jwt_secret)
    assert decoded["sub"] == "analista" and decoded["scope"] == "predict"
    assert decoded["exp"] - decoded["iat"] == settings.token_ttl_s
    assert jwt.get_unverified_header(tokens["analyst"])["alg"] == "HS256"


def test_login_failures_do_not_reveal_which_part_failed(fresh_server, spec):
    url = fresh_server()
    wrong_password = httpx.post(url + "/token", data={"username": "analista", "password": "x"})
    unknown_user = httpx.post(url + "/token", data={"username": "nadie", "password": "x"})
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert_declared(spec, response)
        assert response.json()["detail"] == "Usuario o contraseña incorrectos."
        assert response.json()["code"] == "invalid_credentials"
        assert 'error="invalid_grant"' in response.headers["www-authenticate"]


def test_login_rejects_scope_escalation(fresh_server, spec):
    url = fresh_server()
    response = httpx.post(
        url + "/token",
        data={"username": "analista", "password": "analista-dev-2026", "scope": "admin"},
    )
    assert response.status_code == 400
    assert_declared(spec, response)
    assert response.json()["error"] == "invalid_scope"
    assert response.json()["code"] == "scope_not_allowed"


def test_login_form_is_validated(api_url, spec):
    response = httpx.post(api_url + "/token", data={"username": "analista"})
    assert response.status_code == 422
    assert_declared(spec, response)
    assert response.json()["errors"][0]["field"] == "password"


def test_login_success_is_declared(fresh_server, spec):
    url = fresh_server()
    good_form = {"username": "analista", "password": "analista-dev-2026"}
    response = httpx.post(url + "/token", data=good_form)
    assert response.status_code == 200
    assert_declared(spec, response)
    assert response.json()["token_type"] == "bearer"


def test_login_is_rate_limited_against_brute_force(fresh_server, spec):
    url = fresh_server()
    statuses = []
    for _ in range(6):
        response = httpx.post(url + "/token", data={"username": "analista", "password": "mal"})
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert_declared(spec, response)
    assert int(response.headers["retry-after"]) >= 1
    # Ni siquiera la contraseña correcta pasa mientras dura el bloqueo.
    good_form = {"username": "analista", "password": "analista-dev-2026"}
    right = httpx.post(url + "/token", data=good_form)
    assert right.status_code == 429


def test_predictions_are_rate_limited_per_client_and_per_row(fresh_server, spec, pixels, settings):
    url = fresh_server(rate_capacity=10, rate_per_s=0.5)
    batch = {"instances": [pixels] * 4}
    first = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    second = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    third = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert_declared(spec, third)
    assert third.json()["code"] == "quota_exhausted"
    assert 1 <= int(third.headers["retry-after"]) <= 4  # faltan 2 fichas a 0.5 por segundo
    # Otro cliente tiene su propio balde.
    other = create_access_token("analista", {"predict"}, settings.jwt_secret)
    bearer = {"Authorization": f"Bearer {other}"}
    ok = httpx.post(url + "/v1/predict", json={"pixels": pixels}, headers=bearer)
    assert ok.status_code == 200
    # Un lote más grande que el balde nunca pasará: se dice, sin Retry-After.
    huge = httpx.post(url + "/v1/predict/batch", json={"instances": [pixels] * 11}, headers=API_KEY)
    assert huge.status_code == 429 and huge.json()["code"] == "exceeds_burst"
    assert_declared(spec, huge)
    assert "retry-after" not in huge.headers


def test_output_policy_labels_only_by_default(api_url, pixels):
    body = httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY).json()
    assert set(body) == {"label", "model_version"}


def test_output_policy_rounded_probabilities(fresh_server, spec, pixels):
    url = fresh_server(return_probabilities=True, proba_decimals=2)
    response = httpx.post(url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY)
    assert_declared(spec, response)
    body = response.json()
    assert len(body["probabilities"]) == 10
    assert all(round(p, 2) == p for p in body["probabilities"])
    assert body["label"] == max(range(10), key=body["probabilities"].__getitem__)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"pixels": [0.5] * 63}, "pixels", "al menos 64"),
        ({"pixels": [2.0] + [0.0] * 63}, "pixels.0", "menor o igual que 1"),
        ({"pixels": [-0.1] + [0.0] * 63}, "pixels.0", "mayor o igual que 0"),
        ({"pixels": [0.0] * 64, "extra": 1}, "extra", "campo no permitido"),
    ],
)
def test_invalid_input_is_422_in_spanish(api_url, spec, payload, field, message):
    response = httpx.post(api_url + "/v1/predict", json=payload, headers=API_KEY)
    assert response.status_code == 422
    assert_declared(spec, response)
    assert response.json()["code"] == "invalid_input"
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert message in errors[field]


def test_validation_errors_are_capped(api_url, spec):
    response = httpx.post(api_url + "/v1/predict", json={"pixels": [5.0] * 64}, headers=API_KEY)
    body = response.json()
    assert response.status_code == 422
    assert_declared(spec, response)
    assert len(body["errors"]) == MAX_REPORTED_ERRORS
    assert "64 error(es)" in body["detail"]


def test_audit_query_is_validated(api_url, spec, tokens):
    admin = {"Authorization": f"Bearer {tokens['auditor']}"}
    response = httpx.get(api_url + "/admin/audit", params={"limit": 0}, headers=admin)
    assert response.status_code == 422
    assert_declared(spec, response)
    assert response.json()["errors"][0]["field"] == "query.limit"


def test_audit_records_who_what_and_model_version(api_url, settings, tokens, pixels):
    expired = bad_credentials("expired_token", settings.jwt_secret, tokens)
    httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=expired)
    httpx.get(api_url + "/admin/audit", headers={"Authorization": f"Bearer {tokens['analyst']}"})
    httpx.post(api_url + "/v1/predict/batch", json={"instances": [pixels] * 3}, headers=API_KEY)
    admin = {"Authorization": f"Bearer {tokens['auditor']}"}
    records = httpx.get(api_url + "/admin/audit", params={"limit": 1000}, headers=admin).json()[
        "records"
    ]
    denied = [r for r in records if r["outcome"] == "token_expired"]
    assert denied and denied[-1]["client"] is None and denied[-1]["status"] == 401
    forbidden = [r for r in records if r["outcome"] == "insufficient_scope"]
    assert any(r["client"] == "analista" and r["path"] == "/admin/audit" for r in forbidden)
    batch = [r for r in records if r["path"] == "/v1/predict/batch" and r["status"] == 200][-1]
    assert batch["client"] == "lote-nocturno" and batch["auth"] == "api_key"
    assert batch["n_rows"] == 3 and batch["model_version"] == "test-1"
    assert len(batch["input_sha256"]) == 16
    assert "pixels" not in json.dumps(records)  # nunca se guardan las entradas


def test_audit_can_be_filtered_by_client(api_url, spec, tokens):
    admin = {"Authorization": f"Bearer {tokens['auditor']}"}
    body = httpx.get(api_url + "/admin/audit", params={"client": "lote-nocturno"}, headers=admin)
    assert body.status_code == 200
    assert_declared(spec, body)
    assert {r["client"] for r in body.json()["records"]} <= {"lote-nocturno"}
