"""Detección de fraude sobre un flujo de transacciones (Kafka o Redis Streams), Clase 4.

Un archivo por concepto, cada uno mostrado en la sección del notebook que lo enseña:

- `simulation.py`, `model.py`: transacciones simuladas y el modelo exportado (notebook 2, §1).
- `admin.py`: temas y grupos creados de forma idempotente (notebook 1, §1–2).
- `events.py`: eventos con roturas a propósito (notebook 1, §3).
- `producer.py`: envío a Kafka y a Redis Streams (notebook 1, §4 y §7).
- `validation.py`: el contrato del evento (notebook 2, §2).
- `store.py`, `processor.py`: almacén idempotente y procesamiento por lote (notebook 2, §3).
- `transports.py`, `kafka_transport.py`, `redis_transport.py`: lo único que cambia entre Kafka y
  Redis Streams (notebook 2, §4 y §7).
- `loop.py`: micro-lotes y bucle del consumidor (notebook 2, §4).
- `faults.py`: inyección de fallas para la demostración (notebook 2, §7).
- `lag.py`, `drift.py`: retraso del grupo y deriva con PSI (notebook 3).
- `drift_report.py`: la misma deriva con Evidently y su reporte HTML (notebook 3, §6); no se
  importa desde el resto del paquete (el consumidor no necesita Evidently).
- `metrics.py`: métricas para Prometheus en `/metrics` (`consume ... --metrics-port`; la alerta
  `FeatureDriftHigh` en el notebook 3, §7).
- `settings.py`, `cli.py`, `__main__.py`: configuración y línea de comandos (notebook 1, §6;
  notebook 2, §6): `python -m fraud_stream --help`.

Importar el paquete no hace nada más que definir: ni conexiones, ni archivos, ni entorno.
"""
