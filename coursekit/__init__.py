"""Plomería compartida por los notebooks del libro.

Aquí vive solo lo que NO es tema de una clase: levantar y detener servidores en segundo
plano, esperar a que un puerto responda, encontrar un puerto libre y leer los endpoints
del stack desde el entorno. El código de cada concepto se muestra en su notebook.
"""

from coursekit.net import free_port, wait_for_http, wait_for_port
from coursekit.servers import BackgroundProcess, UvicornThread
from coursekit.show import show_source

__all__ = [
    "BackgroundProcess",
    "UvicornThread",
    "free_port",
    "show_source",
    "wait_for_http",
    "wait_for_port",
]
