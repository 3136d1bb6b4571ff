"""Copia local de GraphiQL para usarlo sin internet (aula, CI), verificada con hashes SRI.

La página de GraphiQL que sirve Strawberry carga React, GraphiQL y su plugin desde unpkg.com.
Sin acceso a internet queda en "Loading...". Este script lee esa página, descarga del registro
de npm (`npm pack`) exactamente las versiones que pide, extrae los archivos, comprueba que su
SHA-384 coincide con el atributo `integrity` de la página y los guarda en `graphiql_static/`
con la misma estructura de rutas que unpkg (más la licencia de cada paquete).
`mlflow_graphql/router.py` sirve esa carpeta en /graphiql-assets/ y reescribe las URL.

    python graphiql_vendor.py           # descarga y verifica (necesita npm y el registro)
    python graphiql_vendor.py --check   # solo verifica la copia existente (sin red)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

HERE = Path(__file__).resolve().parent
TARGET = HERE / "graphiql_static"
ASSET_RE = re.compile(
    r'(?:src|href)="https://unpkg\.com/(?P<package>(?:@[^/"]+/)?[^@/"]+)@(?P<version>[^/"]+)/'
    r'(?P<path>[^"]+)"\s+integrity="(?P<integrity>sha384-[^"]+)"'
)
LICENSE_FILES = ("package/license", "package/license.md")


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    path: str
    integrity: str

    @property
    def local_path(self) -> Path:
        return TARGET / f"{self.package}@{self.version}" / self.path


def required_assets() -> list[Asset]:
    """Los archivos que pide la página de GraphiQL de la versión instalada de Strawberry."""
    html = get_graphql_ide_html("graphiql")
    assets = [Asset(**m.groupdict()) for m in ASSET_RE.finditer(re.sub(r"\s+", " ", html))]
    if not assets:
        raise RuntimeError("No se encontraron recursos de unpkg en la página de GraphiQL.")
    return assets


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def check() -> list[str]:
    """Problemas de la copia local: archivos faltantes o con hash distinto al de la página."""
    problems = []
    for asset in required_assets():
        if not asset.local_path.exists():
            problems.append(f"falta {asset.local_path.relative_to(HERE)}")
        elif sri(asset.local_path.read_bytes()) != asset.integrity:
            problems.append(f"hash distinto en {asset.local_path.relative_to(HERE)}")
    return problems


def npm_pack(spec: str, folder: Path) -> Path:
    """Descarga el paquete `spec` (nombre@versión) del registro de npm como un .tgz."""
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=folder, check=True, capture_output=True, text=True
    )
    return folder / result.stdout.strip().splitlines()[-1]


def read_package(tarball: Path, spec: str, path: str) -> tuple[bytes, bytes]:
    """(contenido de `path`, texto de la licencia) de un paquete de npm."""
    with tarfile.open(tarball) as archive:
        data = archive.extractfile(f"package/{path}").read()
        names = archive.getnames()
        member = next((m for m in names if m.lower() in LICENSE_FILES), None)
        if member is not None:
            return data, archive.extractfile(member).read()
        # Algunos paquetes solo declaran la licencia en package.json.
        manifest = json.loads(archive.extractfile("package/package.json").read())
    notice = f"{spec}: licencia {manifest['license']} (declarada en package.json)\n"
    return data, notice.encode()


def download() -> None:
    """Descarga y verifica cada archivo que pide la página de GraphiQL."""
    with tempfile.TemporaryDirectory() as tmp:
        for asset in required_assets():
            spec = f"{asset.package}@{asset.version}"
            data, license_text = read_package(npm_pack(spec, Path(tmp)), spec, asset.path)
            if sri(data) != asset.integrity:
                raise RuntimeError(f"{spec}/{asset.path}: el hash no coincide con la página")
            asset.local_path.parent.mkdir(parents=True, exist_ok=True)
            asset.local_path.write_bytes(data)
            (TARGET / spec / "LICENSE").write_bytes(license_text)
            print(f"ok  {spec}/{asset.path}  ({len(data) / 1024:.0f} KiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="solo verificar la copia local")
    args = parser.parse_args()
    if not args.check:
        download()
    problems = check()
    for problem in problems:
        print("ERROR", problem)
    if not problems:
        print(f"Copia local de GraphiQL verificada ({len(required_assets())} archivos).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
