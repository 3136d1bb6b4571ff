# Airflow 3 para docker compose, con las mismas dependencias fijadas que el modo local
# (stack/airflow/requirements.lock: apache-airflow 3.3.2 + lo que usan los DAG del curso).
# Se construye con contexto ./stack (ver docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11

COPY airflow/requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock
