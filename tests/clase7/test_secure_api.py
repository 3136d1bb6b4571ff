"""Pruebas de seguridad de la API de la Clase 7: cada endpoint protegido frente a cada tipo de
credencial mala, el flujo de login, el límite de tasa, la política de salida y la auditoría."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt
import pytest
import secure_api

from coursekit import UvicornThread

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
        "iss": secure_api.JWT_ISSUER,
        "aud": secure_api.JWT_AUDIENCE,
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
    if case == "sin credenciales":
        return {}
    if case == "clave de API inválida":
        return {"X-API-Key": "no-es-una-clave"}
    if case == "token vencido":
        now = int(time.time())
        return bearer(jwt.encode(claims(iat=now - 1000, exp=now - 60), secret, "HS256"))
    if case == "firma alterada":
        header, _, signature = tokens["analista"].split(".")
        escalated = jwt.decode(tokens["analista"], options={"verify_signature": False})
        escalated["scope"] = "admin predict"
        return bearer(f"{header}.{b64url(escalated)}.{signature}")
    if case == "firmado con otra clave":
        return bearer(jwt.encode(claims(), "otra-clave-de-al-menos-32-bytes-!!", "HS256"))
    if case == "alg none":
        return bearer(jwt.encode(claims(), key=None, algorithm="none"))
    if case == "otra audiencia":
        return bearer(jwt.encode(claims(aud="otra-api"), secret, "HS256"))
    if case == "sin exp":
        return bearer(jwt.encode(claims(exp=None), secret, "HS256"))
    if case == "mal formado":
        return bearer("esto.no.es-un-jwt")
    if case == "usuario inexistente":
        return bearer(jwt.encode(claims(sub="fantasma"), secret, "HS256"))
    raise AssertionError(case)


BAD_CASES = {
    "sin credenciales": "sin_credenciales",
    "clave de API inválida": "clave_invalida",
    "token vencido": "token_vencido",
    "firma alterada": "firma_invalida",
    "firmado con otra clave": "firma_invalida",
    "alg none": "algoritmo_no_permitido",
    "otra audiencia": "emisor_o_audiencia_invalidos",
    "sin exp": "claim_faltante",
    "mal formado": "token_mal_formado",
    "usuario inexistente": "usuario_inexistente",
}


@pytest.mark.parametrize("endpoint", PROTECTED)
@pytest.mark.parametrize("case", BAD_CASES)
def test_protected_endpoints_reject_bad_credentials_with_401(
    api_url, settings, tokens, pixels, endpoint, case
):
    method, path, _ = PROTECTED[endpoint]
    headers = bad_credentials(case, settings.jwt_secret, tokens)
    response = httpx.request(
        method, api_url + path, headers=headers, **request_kwargs(path, pixels)
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith('Bearer realm="secure_api"')
    body = response.json()
    assert body["status"] == 401 and body["title"] == "No autenticado"
    assert body["code"] == BAD_CASES[case]
    assert len(body["detail"]) > 20  # un mensaje claro, en español


@pytest.mark.parametrize("endpoint", PROTECTED)
def test_under_scoped_token_gets_403(api_url, tokens, pixels, endpoint):
    method, path, needed = PROTECTED[endpoint]
    token = tokens["solo_admin"] if needed == "predict" else tokens["analista"]
    response = httpx.request(
        method,
        api_url + path,
        headers={"Authorization": f"Bearer {token}"},
        **request_kwargs(path, pixels),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permiso_insuficiente"
    assert f"'{needed}'" in response.json()["detail"]
    assert response.headers["www-authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{needed}"'
    )


@pytest.mark.parametrize("endpoint", PROTECTED)
def test_valid_credentials_get_200(api_url, tokens, pixels, endpoint):
    method, path, needed = PROTECTED[endpoint]
    headers = API_KEY if needed == "predict" else {"Authorization": f"Bearer {tokens['auditora']}"}
    kwargs = request_kwargs(path, pixels)
    response = httpx.request(method, api_url + path, headers=headers, **kwargs)
    assert response.status_code == 200, response.text


def test_api_key_cannot_reach_admin(api_url):
    response = httpx.get(api_url + "/admin/audit", headers=API_KEY)
    assert response.status_code == 403


def test_both_credentials_are_ambiguous(api_url, tokens, pixels):
    headers = {**API_KEY, "Authorization": f"Bearer {tokens['analista']}"}
    response = httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "credenciales_ambiguas"


def test_public_endpoints(api_url):
    assert httpx.get(api_url + "/health").json() == {"status": "ok"}
    assert httpx.get(api_url + "/ready").json() == {"status": "ready", "model_version": "test-1"}


def test_issued_token_claims(settings, tokens):
    decoded = secure_api.decode_access_token(tokens["analista"], settings.jwt_secret)
    assert decoded["sub"] == "analista" and decoded["scope"] == "predict"
    assert decoded["exp"] - decoded["iat"] == settings.token_ttl_s
    assert jwt.get_unverified_header(tokens["analista"])["alg"] == "HS256"


@pytest.fixture()
def fresh_server(settings):
    """Una instancia propia (con sus propios baldes de cuota) para pruebas que los agotan."""
    servers = []

    def start(**overrides) -> str:
        custom = secure_api.Settings(model_path=settings.model_path, **overrides)
        servers.append(UvicornThread(secure_api.create_app(custom)).start(health_path="/ready"))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def test_login_failures_do_not_reveal_which_part_failed(fresh_server):
    url = fresh_server()
    wrong_password = httpx.post(url + "/token", data={"username": "analista", "password": "x"})
    unknown_user = httpx.post(url + "/token", data={"username": "nadie", "password": "x"})
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert response.json()["detail"] == "Usuario o contraseña incorrectos."
        assert 'error="invalid_grant"' in response.headers["www-authenticate"]


def test_login_rejects_scope_escalation(fresh_server):
    url = fresh_server()
    response = httpx.post(
        url + "/token",
        data={"username": "analista", "password": "analista-dev-2026", "scope": "admin"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_login_is_rate_limited_against_brute_force(fresh_server):
    url = fresh_server()
    statuses = []
    for _ in range(6):
        response = httpx.post(url + "/token", data={"username": "analista", "password": "mal"})
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert int(response.headers["retry-after"]) >= 1
    # Ni siquiera la contraseña correcta pasa mientras dura el bloqueo.
    good_form = {"username": "analista", "password": "analista-dev-2026"}
    right = httpx.post(url + "/token", data=good_form)
    assert right.status_code == 429


def test_predictions_are_rate_limited_per_client_and_per_row(fresh_server, pixels, settings):
    url = fresh_server(rate_capacity=10, rate_per_s=0.5)
    batch = {"instances": [pixels] * 4}
    first = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    second = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    third = httpx.post(url + "/v1/predict/batch", json=batch, headers=API_KEY)
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert third.json()["code"] == "cuota_agotada"
    assert 1 <= int(third.headers["retry-after"]) <= 4  # faltan 2 fichas a 0.5 por segundo
    # Otro cliente tiene su propio balde.
    other = secure_api.create_access_token("analista", {"predict"}, settings.jwt_secret)
    bearer = {"Authorization": f"Bearer {other}"}
    ok = httpx.post(url + "/v1/predict", json={"pixels": pixels}, headers=bearer)
    assert ok.status_code == 200
    # Un lote más grande que el balde nunca pasará: se dice, sin Retry-After.
    huge = httpx.post(url + "/v1/predict/batch", json={"instances": [pixels] * 11}, headers=API_KEY)
    assert huge.status_code == 429 and huge.json()["code"] == "excede_rafaga"
    assert "retry-after" not in huge.headers


def test_output_policy_labels_only_by_default(api_url, pixels):
    body = httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY).json()
    assert set(body) == {"label", "model_version"}


def test_output_policy_rounded_probabilities(fresh_server, pixels):
    url = fresh_server(return_probabilities=True, proba_decimals=2)
    body = httpx.post(url + "/v1/predict", json={"pixels": pixels}, headers=API_KEY).json()
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
def test_invalid_input_is_422_in_spanish(api_url, payload, field, message):
    response = httpx.post(api_url + "/v1/predict", json=payload, headers=API_KEY)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert message in errors[field]


def test_validation_errors_are_capped(api_url):
    response = httpx.post(api_url + "/v1/predict", json={"pixels": [5.0] * 64}, headers=API_KEY)
    body = response.json()
    assert response.status_code == 422
    assert len(body["errors"]) == secure_api.MAX_REPORTED_ERRORS
    assert "64 error(es)" in body["detail"]


def test_audit_records_who_what_and_model_version(api_url, settings, tokens, pixels):
    expired = bad_credentials("token vencido", settings.jwt_secret, tokens)
    httpx.post(api_url + "/v1/predict", json={"pixels": pixels}, headers=expired)
    httpx.get(api_url + "/admin/audit", headers={"Authorization": f"Bearer {tokens['analista']}"})
    httpx.post(api_url + "/v1/predict/batch", json={"instances": [pixels] * 3}, headers=API_KEY)
    admin = {"Authorization": f"Bearer {tokens['auditora']}"}
    records = httpx.get(api_url + "/admin/audit", params={"limit": 1000}, headers=admin).json()[
        "records"
    ]
    denied = [r for r in records if r["outcome"] == "token_vencido"]
    assert denied and denied[-1]["client"] is None and denied[-1]["status"] == 401
    forbidden = [r for r in records if r["outcome"] == "permiso_insuficiente"]
    assert any(r["client"] == "analista" and r["path"] == "/admin/audit" for r in forbidden)
    batch = [r for r in records if r["path"] == "/v1/predict/batch" and r["status"] == 200][-1]
    assert batch["client"] == "lote-nocturno" and batch["auth"] == "api_key"
    assert batch["n_rows"] == 3 and batch["model_version"] == "test-1"
    assert len(batch["input_sha256"]) == 16
    assert "pixels" not in json.dumps(records)  # nunca se guardan las entradas


def test_audit_can_be_filtered_by_client(api_url, tokens):
    admin = {"Authorization": f"Bearer {tokens['auditora']}"}
    body = httpx.get(api_url + "/admin/audit", params={"client": "lote-nocturno"}, headers=admin)
    assert body.status_code == 200
    assert {r["client"] for r in body.json()["records"]} <= {"lote-nocturno"}
