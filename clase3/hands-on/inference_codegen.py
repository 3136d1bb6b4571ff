"""Genera el código Python de `inference.proto` con grpcio-tools y verifica sus versiones.

El código generado (`inference_pb2.py`, `inference_pb2_grpc.py`, `inference_pb2.pyi`) no se
versiona en git: se regenera desde el .proto, que es el contrato. Así nunca queda un *_pb2.py
generado con otro protoc que el del entorno (el error "Detected mismatched Protobuf
Gencode/Runtime versions").

Se genera junto al .proto, en `clase3/hands-on/`: desde esa carpeta, `import inference_pb2`
funciona sin tocar `sys.path`. Nada se genera al importar este módulo; lo hacen quien lo pide
(`ensure()` en la línea de comandos del servidor, en los notebooks y en las pruebas) o:

    python inference_codegen.py            # genera junto al .proto y muestra las versiones
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import grpc
from google.protobuf import __version__ as protobuf_runtime

HERE = Path(__file__).resolve().parent
PROTO = HERE / "inference.proto"
GENERATED = ("inference_pb2.py", "inference_pb2_grpc.py", "inference_pb2.pyi")


def generate(proto: Path = PROTO, out_dir: Path = HERE) -> list[Path]:
    """Corre protoc (el de grpcio-tools) sobre `proto` y devuelve los archivos generados.

    protoc escribe en una carpeta temporal y cada archivo se mueve a `out_dir` con un
    reemplazo atómico: otro proceso que importa `inference_pb2` mientras tanto ve la versión
    vieja o la nueva, nunca un archivo a medio escribir."""
    from grpc_tools import protoc

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".codegen-") as tmp:
        args = [
            "grpc_tools.protoc",
            f"--proto_path={proto.parent}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}",
            proto.name,
        ]
        code = protoc.main(args)
        if code != 0:
            raise RuntimeError(f"protoc falló con código {code} al compilar {proto}")
        for name in GENERATED:
            os.replace(Path(tmp) / name, out_dir / name)
    return [out_dir / name for name in GENERATED]


def gencode_versions(out_dir: Path = HERE) -> dict[str, str]:
    """Versiones que el código generado declara y las del runtime instalado."""
    pb2 = (out_dir / "inference_pb2.py").read_text()
    grpc_py = (out_dir / "inference_pb2_grpc.py").read_text()
    gencode = re.search(r"Protobuf Python Version: ([\d.]+)", pb2).group(1)
    grpc_gen = re.search(r"GRPC_GENERATED_VERSION = '([\d.]+)'", grpc_py).group(1)
    return {
        "protobuf_gencode": gencode,
        "protobuf_runtime": protobuf_runtime,
        "grpc_gencode": grpc_gen,
        "grpc_runtime": grpc.__version__,
    }


def check_versions(versions: dict[str, str]) -> None:
    """El runtime debe ser de la misma versión mayor y no más viejo que el generador."""

    def parse(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split(".")[:3])

    gen, run = parse(versions["protobuf_gencode"]), parse(versions["protobuf_runtime"])
    if gen[0] != run[0] or gen > run:
        raise RuntimeError(
            f"inference_pb2.py se generó con protobuf {versions['protobuf_gencode']} y el "
            f"runtime es {versions['protobuf_runtime']}: regenerar con el grpcio-tools del "
            "entorno (`python inference_codegen.py`) o actualizar protobuf (`make env`)."
        )
    if parse(versions["grpc_gencode"]) > parse(versions["grpc_runtime"]):
        raise RuntimeError(
            f"inference_pb2_grpc.py pide grpcio ≥ {versions['grpc_gencode']} y el instalado es "
            f"{versions['grpc_runtime']}: `make env`."
        )


def is_stale(out_dir: Path = HERE, proto: Path = PROTO) -> bool:
    """¿Falta algún archivo generado o es más viejo que el .proto?"""
    targets = [out_dir / name for name in GENERATED]
    return any(not t.exists() or t.stat().st_mtime < proto.stat().st_mtime for t in targets)


def ensure(out_dir: Path = HERE, regenerate: bool = False) -> dict[str, str]:
    """Deja el código generado al día (lo genera si falta o si el .proto es más nuevo) y
    verifica que sus versiones sean compatibles con las instaladas. Devuelve las versiones.
    Después, `import inference_pb2` desde la carpeta del .proto ya funciona."""
    if regenerate or is_stale(out_dir):
        generate(PROTO, out_dir)
    versions = gencode_versions(out_dir)
    check_versions(versions)
    return versions


def main() -> None:
    for path in generate():
        print("generado:", path.name)
    versions = gencode_versions()
    check_versions(versions)
    print(versions)


if __name__ == "__main__":
    main()
