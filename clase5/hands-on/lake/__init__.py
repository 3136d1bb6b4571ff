"""El data lake de la Clase 5: zonas en S3, ETL a Parquet particionado, calidad, features,
entrenamiento y registro en MLflow. Un concepto por archivo:

    config.py     dónde está el lago (LakeConfig.from_env) y sus tres buckets
    ingest.py     lecturas de sensores (simuladas) a la zona raw
    quality.py    controles de calidad entre zonas (DataQualityError)
    features.py   LA definición de las variables del modelo (entrenamiento y servicio)
    etl.py        raw -> curated -> features en Parquet particionado por fecha
    training.py   entrenar, evaluar y registrar la corrida en MLflow
    registry.py   registrar una versión y promoverla a `champion`
    cli.py        `python -m lake setup|ingest|etl|train|pipeline`

Importar el paquete no hace nada más que definir (ni red, ni entorno).
"""
