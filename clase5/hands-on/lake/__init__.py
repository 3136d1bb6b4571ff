"""El data lake de la Clase 5: zonas en S3, ETL a Parquet particionado, calidad, features,
entrenamiento y registro en MLflow. Un concepto por archivo:

    config.py     dónde está el lago (LakeConfig.from_env) y sus tres buckets
    ingest.py     lecturas de sensores (simuladas) a la zona raw
    quality.py    controles de calidad entre zonas (DataQualityError)
    features.py   LA definición de las variables del modelo (entrenamiento y servicio)
    etl.py        raw -> curated -> features en Parquet particionado por fecha
    reference.py  los datos exactos de una corrida (ruta en S3 + versión de cada objeto)
    training.py   elegir `C` en validación, entrenar, evaluar y registrar la corrida en MLflow
    registry.py   registrar una versión, buscar y cargar al campeón
    promotion.py  promover solo si mejora al campeón sobre el mismo conjunto de referencia
    cli.py        `python -m lake setup|ingest|etl|train|pipeline`

Importar el paquete no hace nada más que definir (ni red, ni entorno).
"""
