# Servidor de MLflow para docker compose: la imagen oficial no trae el driver de Postgres
# (psycopg2) ni boto3 (artefactos en S3/MinIO), así que construimos una pequeña.
FROM python:3.11.13-slim-bookworm

RUN pip install --no-cache-dir mlflow==3.17.2 psycopg2-binary==2.9.13 boto3==1.44.8

EXPOSE 5000
CMD ["mlflow", "server", "--host=0.0.0.0", "--port=5000"]
