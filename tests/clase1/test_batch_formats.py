"""El lote de /v2 en dos representaciones (JSON y Arrow IPC) y su negociación de contenido."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from iris_api.batch_formats import ARROW_STREAM
from iris_api.contracts import FEATURE_NAMES, MAX_BATCH_ROWS, check_matrix

ROWS = np.array([[5.1, 3.5, 1.4, 0.2], [6.3, 2.8, 5.1, 1.5], [5.9, 3.0, 4.2, 1.5]])


def arrow_body(matrix: np.ndarray, dtype=np.float64, metadata: dict | None = None) -> bytes:
    columns = {name: matrix[:, j].astype(dtype) for j, name in enumerate(FEATURE_NAMES)}
    table = pa.table(columns, metadata=metadata)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def read_arrow(content: bytes) -> pa.Table:
    return pa.ipc.open_stream(content).read_all()


def post_arrow(client, body: bytes, accept: str = ARROW_STREAM):
    headers = {"content-type": ARROW_STREAM, "accept": accept}
    return client.post("/v2/predict/batch", content=body, headers=headers)


def test_arrow_in_arrow_out_matches_json(client):
    as_json = client.post("/v2/predict/batch", json={"instances": ROWS.tolist()}).json()
    response = post_arrow(client, arrow_body(ROWS))
    assert response.status_code == 200
    assert response.headers["content-type"] == ARROW_STREAM
    table = read_arrow(response.content)
    assert table.column("species").to_pylist() == as_json["species"]
    assert table.schema.metadata[b"model_version"] == as_json["model_version"].encode()
    proba = np.column_stack([table.column(c).to_numpy() for c in as_json["classes"]])
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert proba.round(4).tolist() == as_json["probabilities"]  # JSON redondea; Arrow no


def test_float32_features_give_the_same_predictions(client):
    """Los árboles de scikit-learn comparan en float32: mandar float32 no cambia nada."""
    wide = post_arrow(client, arrow_body(ROWS, np.float64))
    narrow = post_arrow(client, arrow_body(ROWS, np.float32))
    assert read_arrow(wide.content).equals(read_arrow(narrow.content))


def test_arrow_in_json_out_and_json_in_arrow_out(client):
    as_json = post_arrow(client, arrow_body(ROWS), accept="application/json")
    assert as_json.headers["content-type"] == "application/json"
    body = {"instances": ROWS.tolist()}
    as_arrow = client.post("/v2/predict/batch", json=body, headers={"accept": ARROW_STREAM})
    assert read_arrow(as_arrow.content).column("species").to_pylist() == as_json.json()["species"]


def test_unit_travels_in_the_schema_metadata(client):
    in_cm = read_arrow(post_arrow(client, arrow_body(ROWS)).content)
    in_mm = read_arrow(post_arrow(client, arrow_body(ROWS * 10, metadata={"unit": "mm"})).content)
    assert in_cm.column("species").equals(in_mm.column("species"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"no es arrow", "no es un flujo Arrow IPC válido"),
        (b"", "no es un flujo Arrow IPC válido"),
        (arrow_body(ROWS, metadata={"unit": "km"}), "unit='km'"),
        (arrow_body(ROWS * [1, 1, 1, 10]), "petal_width mayor que petal_length"),
        (arrow_body(ROWS * [100, 1, 1, 1]), "supera 30 cm"),
        (arrow_body(ROWS * [-1, 1, 1, 1]), "no es mayor que 0"),
        (arrow_body(ROWS * [np.nan, 1, 1, 1]), "no es un número finito"),
        (arrow_body(ROWS[:0]), "n ≥ 1"),
    ],
    ids=["basura", "vacío", "unidad", "pétalo", "enorme", "negativa", "nan", "sin-filas"],
)
def test_bad_arrow_bodies_are_422_problems(client, body, message):
    response = post_arrow(client, body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.json()["errors"][0]["message"]


def test_missing_and_non_numeric_columns(client):
    table = pa.table({"sepal_length": [5.1], "sepal_width": ["ancho"]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    response = post_arrow(client, sink.getvalue().to_pybytes())
    assert response.status_code == 422
    assert "faltan las columnas ['petal_length', 'petal_width']" in response.text


def test_too_many_arrow_rows():
    with pytest.raises(ValueError, match=f"como máximo {MAX_BATCH_ROWS} filas"):
        check_matrix(np.tile(ROWS, (MAX_BATCH_ROWS, 1)))


def test_unsupported_media_types(client):
    csv = {"content-type": "text/csv"}
    text = client.post("/v2/predict/batch", content=b"5.1,3.5", headers=csv)
    assert text.status_code == 415 and "text/csv" in text.json()["detail"]
    html = client.post(
        "/v2/predict/batch", json={"instances": ROWS.tolist()}, headers={"accept": "text/html"}
    )
    assert html.status_code == 406 and ARROW_STREAM in html.json()["detail"]


def test_json_errors_keep_their_fields(client):
    response = client.post("/v2/predict/batch", json={"instances": [[5.1, 3.5, 1.4, "x"]]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "instances.0.petal_width"
    broken = client.post(
        "/v2/predict/batch", content=b"{", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "(cuerpo)"


def test_openapi_refs_resolve(api):
    app, _ = api
    spec = app.openapi()
    refs = {value for value in _walk(spec) if isinstance(value, str) and value.startswith("#/")}
    for ref in refs:
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} no existe en el documento OpenAPI"
            node = node[part]
    body = spec["paths"]["/v2/predict/batch"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", ARROW_STREAM}


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_json_response_is_not_revalidated_but_still_valid(client):
    """`model_construct` no valida; el contrato sigue cumpliéndose (lo verifica el cliente)."""
    body = client.post("/v2/predict/batch", json={"instances": ROWS.tolist()}).json()
    assert set(body) == {"model_version", "classes", "species", "probabilities"}
    assert json.loads(json.dumps(body)) == body
