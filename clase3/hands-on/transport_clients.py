"""Tres clientes con la misma interfaz, uno por estilo de API: REST, GraphQL y gRPC.

Cada fábrica recibe la dirección del servidor (`"127.0.0.1:8001"`) y un `ExitStack` donde
registra su conexión (un `httpx.Client` o un canal gRPC, que se cierran al cerrar el stack), y
devuelve una función `predict(matrix) -> (probabilidades, cuerpo del pedido, cuerpo de la
respuesta)`:

- la matriz es de NumPy, `(filas, 4)`, y las probabilidades vuelven como matriz de NumPy;
- los cuerpos son los bytes tal como viajaron: en HTTP, el cuerpo que `httpx` envió y el que
  recibió (los servidores no comprimen); en gRPC, el mensaje protobuf serializado más los 5 bytes
  de prefijo que gRPC pone delante de cada mensaje (1 de compresión y 4 de longitud).

Los tres usan la operación por lotes (una fila es un lote de una fila), así hacen el mismo
trabajo. Usa el código generado de `inference.proto` (`inference_codegen.ensure()` antes de
importar este módulo).
"""

from __future__ import annotations

from contextlib import ExitStack

import grpc_inference_client as grpc_lib
import httpx
import numpy as np

BATCH_QUERY = "query ($x: [[Float!]!]!) { predictBatch(instances: $x) { probabilities } }"
GRPC_PREFIX = bytes(5)  # delante de cada mensaje: compresión (1 B) + longitud (4 B)


def rest_client(address: str, stack: ExitStack):
    http = stack.enter_context(httpx.Client(timeout=60))
    url = f"http://{address}/predict/batch"

    def predict(matrix: np.ndarray):
        response = http.post(url, json={"instances": matrix.tolist()})
        response.raise_for_status()
        proba = np.array(response.json()["probabilities"])
        return proba, response.request.content, response.content

    return predict


def graphql_client(address: str, stack: ExitStack):
    http = stack.enter_context(httpx.Client(timeout=60))
    url = f"http://{address}/graphql"

    def predict(matrix: np.ndarray):
        body = {"query": BATCH_QUERY, "variables": {"x": matrix.tolist()}}
        response = http.post(url, json=body)
        payload = response.json()
        if "errors" in payload:
            raise RuntimeError(f"GraphQL respondió errores: {payload['errors']}")
        proba = np.array(payload["data"]["predictBatch"]["probabilities"])
        return proba, response.request.content, response.content

    return predict


def grpc_client(address: str, stack: ExitStack):
    channel = stack.enter_context(grpc_lib.make_channel(address))
    stub = grpc_lib.pb2_grpc.InferenceServiceStub(channel)

    def predict(matrix: np.ndarray):
        flat, n_features = grpc_lib.flatten(matrix)
        request = grpc_lib.pb2.BatchRequest(features=flat, num_features=n_features)
        response = stub.PredictBatch(request, timeout=60)
        proba = grpc_lib.batch_arrays(response)[1]
        sent, received = request.SerializeToString(), response.SerializeToString()
        return proba, GRPC_PREFIX + sent, GRPC_PREFIX + received

    return predict


FACTORIES = {"REST": rest_client, "GraphQL": graphql_client, "gRPC": grpc_client}
