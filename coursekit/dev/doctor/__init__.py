"""Chequeo previo del entorno del curso (`make doctor` o `python -m coursekit.dev.doctor`).

Cada chequeo devuelve una lista de `Finding`: qué pasa, por qué y el comando exacto que lo
arregla. Están agrupados por tema, un archivo cada uno:

- `python_env.py`: versión de Python, versiones fijadas y código generado de protobuf.
- `machine.py`: Docker, Java y Go para el modo local, arquitectura de la CPU, finales de línea.
- `services.py`: puertos del stack ocupados por otros procesos y versión del servidor MLflow.
- `prometheus.py`: el servidor Prometheus del stack (si corre) y `promtool` (o Go para compilarlo).
- `tools.py`: herramientas opcionales y cómo instalarlas en Debian/Ubuntu, macOS y Windows (WSL).
- `report.py`: corre todos los chequeos e imprime el resultado.

Se puede correr desde una celda de notebook (usa el entorno del kernel):

    from coursekit.dev import doctor
    doctor.main()
"""

from .findings import FAIL, OK, WARN, Finding
from .machine import check_architecture, check_crlf, check_docker, check_local_tools
from .prometheus import check_prometheus_server, check_promtool
from .python_env import check_pins, check_protobuf_gencode, check_python
from .report import main, run_all
from .services import check_mlflow_server, check_ports, stack_pids
from .tools import OPTIONAL_TOOLS, check_optional_tools

__all__ = [
    "FAIL",
    "OK",
    "WARN",
    "OPTIONAL_TOOLS",
    "Finding",
    "check_architecture",
    "check_crlf",
    "check_docker",
    "check_local_tools",
    "check_mlflow_server",
    "check_optional_tools",
    "check_pins",
    "check_ports",
    "check_prometheus_server",
    "check_promtool",
    "check_protobuf_gencode",
    "check_python",
    "main",
    "run_all",
    "stack_pids",
]
