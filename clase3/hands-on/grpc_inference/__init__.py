"""Servidor gRPC de inferencia (Clase 3): el modelo de `iris_model.py` detrás de
`inference.proto`, con la forma del ejemplo `route_guide` de gRPC más lo que pide producción.

| archivo | concepto | notebook |
|---|---|---|
| `validation.py` | de los `float` del mensaje a una matriz validada (`InvalidInput`) | 01, 02 |
| `conversion.py` | de las predicciones de NumPy a los mensajes de respuesta | 01 |
| `servicer.py` | un método por RPC, en los cuatro modelos de comunicación | 01, 02 |
| `health_checking.py` | salud estándar `grpc.health.v1` (SERVING / NOT_SERVING) | 02 |
| `server.py` | `build_server` (servicios, reflexión, puerto) y apagado ordenado | 01, 02 |
| `settings.py` | configuración desde el entorno (`MODEL_PATH`, `APP_ENV`) con `check()` | 02 |
| `cli.py`, `__main__.py` | `python -m grpc_inference` | 02 |

El código generado (`inference_pb2.py`, `inference_pb2_grpc.py`) vive junto al `.proto`, en la
carpeta de trabajo; `python -m grpc_inference` lo genera si falta (`inference_codegen.ensure()`).

Fuera de Jupyter, desde `clase3/hands-on/`:

    python -m grpc_inference --port 50051
    python -m grpc_inference --port 50051 --model artifacts/iris_rf.joblib
"""
