"""Prueba de carga de la API de iris con Locust: usuarios que piden predicciones sin pausa.

    locust -f locustfile.py --headless -u 8 -r 8 -t 10s --host http://127.0.0.1:8000 --csv carga

Locust corre en su propio proceso, lejos del intérprete del servidor que mide: si compartieran
el intérprete, el generador de carga le robaría al servidor el mismo GIL que se quiere medir.
Cada usuario simulado es un *greenlet* de gevent que manda un pedido, espera la respuesta y
manda el siguiente (carga de lazo cerrado: con `-u 8` hay como mucho 8 pedidos en vuelo).
Deja en `carga_stats.csv` pedidos, fallas, pedidos/s y percentiles de latencia.

Cada pedido abre su propia conexión (`Connection: close`). Los workers de uvicorn comparten el
puerto y se reparten *conexiones*, no pedidos: con conexiones persistentes el reparto se decide
una vez, al conectar, y puede quedar desparejo (las 8 en un mismo worker, y los demás ociosos).
"""

from __future__ import annotations

from locust import HttpUser, constant, task

FLOWER = {"sepal_length": 6.3, "sepal_width": 2.8, "petal_length": 5.1, "petal_width": 1.5}


class PredictUser(HttpUser):
    wait_time = constant(0)  # sin pausa entre pedidos: se busca la capacidad del servidor

    @task
    def predict(self) -> None:
        self.client.post("/v2/predict", json=FLOWER, headers={"Connection": "close"})
