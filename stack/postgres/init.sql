-- Bases del stack del curso. Se ejecuta una sola vez, al crear el servidor:
--   docker compose: montado en /docker-entrypoint-initdb.d/ del contenedor postgres;
--   modo local: localstack.py lo corre con psql tras el primer initdb.
CREATE DATABASE mlflow;
CREATE DATABASE airflow;
