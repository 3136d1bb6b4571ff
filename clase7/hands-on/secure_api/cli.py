"""Línea de comandos: servir la API y generar los secretos que pide producción.

    python -m secure_api serve [--host 127.0.0.1] [--port 8000]
    python -m secure_api new-secret          # para SECURE_API_JWT_SECRET o SECURE_MODEL_SIGNING_KEY
    python -m secure_api new-api-key         # clave para el cliente y su SHA-256 para el servidor
    python -m secure_api hash-password       # hash Argon2 para el archivo de identidades

Solo `serve` lee la configuración: los generadores de secretos funcionan aunque la configuración
sea inválida (por ejemplo, con `APP_ENV=production` y todavía sin secretos), que es justamente
cuando hacen falta.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import secrets
import sys

from .identities import password_hasher


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m secure_api",
        description="API segura de dígitos (Clase 7). La configuración se lee del entorno: "
        "ver el docstring de secure_api/settings.py.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="levanta la API con uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    hash_cmd = sub.add_parser("hash-password", help="imprime el hash Argon2 de una contraseña")
    hash_cmd.add_argument("--password", help="si se omite, se pide sin eco por la terminal")
    sub.add_parser("new-api-key", help="genera una clave de API aleatoria y su SHA-256")
    sub.add_parser("new-secret", help="genera un secreto aleatorio (JWT o firma de modelos)")
    return parser


def serve(host: str, port: int) -> int:
    """Lee y valida la configuración; si es inválida, lo dice en una línea (sin traceback)."""
    import uvicorn  # recién aquí: los generadores de secretos no cargan el servidor ni la app

    from .app import create_app
    from .settings import Settings

    try:
        settings = Settings.from_env()
    except ValueError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    uvicorn.run(create_app(settings), host=host, port=port)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args.host, args.port)
    if args.command == "hash-password":
        password = args.password or getpass.getpass("Contraseña: ")
        print(password_hasher.hash(password))
    elif args.command == "new-api-key":
        key = secrets.token_urlsafe(32)
        print(f"clave (entregar al cliente una sola vez): {key}")
        digest = hashlib.sha256(key.encode()).hexdigest()
        print(f"key_sha256 (guardar en el archivo de identidades): {digest}")
    elif args.command == "new-secret":
        print(secrets.token_urlsafe(48))
    return 0
