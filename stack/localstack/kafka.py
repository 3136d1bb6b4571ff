"""Kafka 4 (KRaft, un nodo) desde los jars de Maven Central, sin Docker.

Los jars de `org.apache.kafka:kafka_2.13` y un binding de log4j2 (lista en `stack/kafka/pom.xml`)
se copian una sola vez al caché con `mvn dependency:copy-dependencies`; el almacenamiento se
formatea con `kafka.tools.StorageTool` y el broker corre con `java -cp ... kafka.Kafka`.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from coursekit import stack as table

from .layout import Layout
from .service import LocalService
from .supervisor import spawn
from .tools import need_tool, port_open, run, say


def kafka_version(layout: Layout) -> str:
    """La versión fijada en stack/kafka/pom.xml (la única fuente)."""
    pom = (layout.config / "kafka" / "pom.xml").read_text()
    return re.search(r"<kafka.version>(.+)</kafka.version>", pom)[1]


def prepare(layout: Layout) -> Path:
    """Jars del broker (Maven Central), copiados una sola vez al caché."""
    version = kafka_version(layout)
    libs = layout.cache / f"kafka-{version}" / "libs"
    done = libs.parent / "libs.done"
    if not done.exists():
        mvn = need_tool("mvn", "Instalar Maven 3 (y Java 17): `apt-get install maven`.")
        say(f"  kafka: descargando los jars de Kafka {version} con Maven en {libs}")
        say("         (solo la primera vez: unos 45 jars)")
        shutil.rmtree(libs, ignore_errors=True)
        pom = layout.config / "kafka" / "pom.xml"
        argv = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies"]
        argv += ["-DincludeScope=runtime", f"-DoutputDirectory={libs}"]
        run(argv, "la descarga de Kafka con Maven")
        done.write_text("ok\n")
    return libs


def new_cluster_id() -> str:
    """Id de clúster KRaft: 16 bytes en base64 URL sin relleno, que no empiece con '-'."""
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    return cluster_id.replace("-", "A", 1) if cluster_id.startswith("-") else cluster_id


def start(layout: Layout) -> subprocess.Popen:
    java = need_tool("java", "Instalar Java 17: `apt-get install openjdk-17-jre-headless`.")
    classpath = f"{prepare(layout)}/*"
    folder = layout.state / "kafka"
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "server.properties"
    template = (layout.config / "kafka" / "server.properties").read_text()
    config.write_text(template.replace("${LOG_DIRS}", str(data)))
    log4j = f"-Dlog4j2.configurationFile={layout.config / 'kafka' / 'log4j2.properties'}"
    if not (data / "meta.properties").exists():
        say("  kafka: formateando el almacenamiento KRaft (StorageTool, solo la primera vez)")
        argv = [java, log4j, "-Dkafka.log.level=WARN", "-cp", classpath, "kafka.tools.StorageTool"]
        argv += ["format", "--standalone", "-t", new_cluster_id(), "-c", str(config)]
        run(argv, "el formateo de Kafka (kafka.tools.StorageTool)")
    argv = [java, "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true", log4j]
    argv += ["-cp", classpath, "kafka.Kafka", str(config)]
    return spawn(layout, "kafka", argv)


def ready(layout: Layout) -> bool:
    """Broker y controlador escuchan."""
    return all(port_open(port) for port in table.SERVICES["kafka"].ports.values())


SERVICE = LocalService(name="kafka", start=start, ready=ready, timeout=120, prepare=prepare)
