"""`make test`: todo lo que verifica el libro, repartido en los dos núcleos de la máquina.

    python -m coursekit.dev.test_all      # lo llama `make test` (después de `make env node-deps`)

Orden, pensado para que ningún núcleo espere de balde:

1. En segundo plano: `make stack-up` y, en un proceso de pytest en serie, todo lo que usa el stack
   (puertos fijos; el conftest espera a que el stack esté listo). Su salida va a
   `_build/pytest-stack.log` y se muestra al terminar.
2. A la vez, el resto de los notebooks y pruebas, repartidos con pytest-xdist (cada notebook
   entero en un proceso) y, apenas terminan, el libro y el navegador (`tests/test_site.py`)
   mientras el stack sigue con lo suyo.
3. Los benchmarks rápidos, solos (sus objetivos son cocientes: con la máquina ocupada no valen).
4. La página de estado del libro se reconstruye con los resultados de esta corrida (construcción
   incremental: solo esa página) y se revisa en el navegador.
5. Stack abajo, informe de enlaces externos (revisados en segundo plano desde que se construyó
   el libro) y la tabla de tiempo por clase con las pruebas que fallaron (lo último que se lee
   en un log).

Sale con 0 solo si todo pasó.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
PYTHON = sys.executable
WORKERS = os.environ.get("PYTEST_WORKERS", "2")
# Al final: el libro (incremental: solo cambia la página de estado) y esa página en el navegador.
STATUS_PAGE_TESTS = (
    "tests/test_site.py::test_book_builds_without_warnings",
    "tests/test_site.py::test_page_in_browser[book/estado]",
)
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]


def notebook_dirs() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("clase*/hands-on"))


def pytest(*args: str) -> list[str]:
    return [PYTHON, "-m", "pytest", *args]


def suite(*args: str) -> list[str]:
    """Notebooks y pruebas, sin los benchmarks ni el sitio (van aparte)."""
    selection = ["-m", "not bench", *notebook_dirs(), "tests", "--ignore=tests/test_site.py"]
    return pytest(*args, *selection, *NBVAL)


def say(message: str) -> None:
    print(f">> {time.strftime('%H:%M:%S')} {message}", flush=True)


def start_stack_up(status_file: Path) -> threading.Thread:
    """`make stack-up` en segundo plano; al terminar escribe su código de salida (lo lee el
    conftest del grupo del stack)."""

    def run() -> None:
        command = ["make", "--no-print-directory", "stack-up"]
        with open(BUILD / "stack-up.log", "w") as log:
            code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        status_file.write_text(f"{code}\n")

    thread = threading.Thread(target=run, name="stack-up")
    thread.start()
    return thread


def start_stack_tests(env: dict) -> subprocess.Popen:
    command = suite("-p", "no:xdist", "--stack-group=only")
    with open(BUILD / "pytest-stack.log", "w") as log:  # el proceso hijo tiene su propia copia
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)


def start_linkcheck(env: dict) -> subprocess.Popen:
    """Enlaces externos del sitio recién construido (solo informa), en segundo plano: sin red,
    cada enlace espera su plazo; eso no tiene por qué alargar la corrida."""
    command = [PYTHON, "-m", "coursekit.dev.linkcheck"]
    with open(BUILD / "linkcheck.log", "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)


def run(command: list[str], env: dict) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


def report_stack_cpu() -> None:
    """CPU que usó cada servicio del stack desde que arrancó: la otra parte de la cuenta (la de
    pytest y sus hijos la imprime la tabla del final)."""
    from coursekit import stack
    from stack.localstack import processes
    from stack.localstack.layout import Layout

    layout = Layout.from_env()
    used = {
        name: processes.cpu_seconds(processes.service_processes(layout, name))
        for name in stack.SERVICES
    }
    detail = ", ".join(f"{name} {seconds:.0f}" for name, seconds in sorted(used.items()))
    say(f"CPU del stack: {sum(used.values()):.0f} s-núcleo ({detail})")


def main() -> int:
    began = time.time()
    run_id = f"{int(began)}-{os.getpid()}"
    BUILD.mkdir(exist_ok=True)
    status_file = BUILD / "stack-up.status"
    status_file.unlink(missing_ok=True)
    env = {**os.environ, "MLOPS2_TEST_RUN": run_id, "MLOPS2_STACK_UP_STATUS": str(status_file)}
    codes: dict[str, int] = {}

    say("stack-up y pruebas que usan el stack, en segundo plano (_build/pytest-stack.log)")
    stack_up = start_stack_up(status_file)
    stack_tests = start_stack_tests(env)

    say(f"notebooks y pruebas sin stack, en {WORKERS} procesos")
    codes["sin stack"] = run(suite("-n", WORKERS, "--dist", "loadfile", "--stack-group=skip"), env)
    say("libro y navegador (el stack sigue en segundo plano)")
    codes["libro"] = run(pytest("tests/test_site.py"), env)
    linkcheck = start_linkcheck(env)  # espera a la red, no a la CPU: corre mientras tanto

    codes["stack"] = stack_tests.wait()
    stack_up.join()
    say("pruebas con el stack:")
    print((BUILD / "pytest-stack.log").read_text(), flush=True)
    print((BUILD / "stack-up.log").read_text(), flush=True)

    say("benchmarks en modo rápido, solos (un cociente medido con la máquina ocupada no vale)")
    codes["benchmarks"] = run(pytest("-p", "no:xdist", "-m", "bench", "tests"), env)
    linkcheck.wait()  # lee el sitio que la página de estado va a reescribir
    say("página de estado del libro con los resultados de esta corrida")
    codes["estado"] = run(pytest(*STATUS_PAGE_TESTS), env)

    report_stack_cpu()
    codes["stack-down"] = run(["make", "--no-print-directory", "stack-down"], env)
    print((BUILD / "linkcheck.log").read_text(), end="", flush=True)
    run([PYTHON, "-m", "coursekit.dev.pytest_timing", run_id, str(time.time() - began)], env)
    failed = [name for name, code in codes.items() if code != 0]
    if failed:
        print(f"Fallaron: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
