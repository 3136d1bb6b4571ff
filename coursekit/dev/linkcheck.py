"""Revisa los enlaces externos del sitio construido y escribe un informe (no bloquea).

python -m coursekit.dev.linkcheck    # lee _build/html, escribe _build/linkcheck.json

Los enlaces externos se rompen por causas ajenas al libro (sitios caídos, sin internet en CI),
así que este chequeo solo informa: siempre termina con código 0. `make test` lo corre en segundo
plano apenas se construye el libro e imprime el informe al final.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import httpx

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
REPORT = ROOT / "_build" / "linkcheck.json"
TIMEOUT = 5.0  # segundos por enlace
WORKERS = 8
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            parts = urlparse(href)
            # Las direcciones locales son servicios del curso que el texto muestra, no enlaces.
            if parts.scheme in ("http", "https") and parts.hostname not in LOCAL_HOSTS:
                self.hrefs.append(urldefrag(href).url)


def external_links(html_dir: Path) -> dict[str, list[str]]:
    """URL externa → páginas que la enlazan (sin _static, _sources ni carpetas ocultas)."""
    pages: dict[str, list[str]] = defaultdict(list)
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        parser = _Links()
        parser.feed(page.read_text(errors="replace"))
        for url in dict.fromkeys(parser.hrefs):
            pages[url].append(str(rel))
    return dict(pages)


def check(client: httpx.Client, url: str) -> str | None:
    """None si el enlace responde (< 400); si no, el motivo."""
    try:
        response = client.head(url)
        if response.status_code in (403, 405, 501):  # sitios que no aceptan HEAD
            response = client.get(url)
        return None if response.status_code < 400 else f"HTTP {response.status_code}"
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:200]


def main() -> int:
    if not HTML.is_dir():
        print("linkcheck: no hay sitio construido (`make book`); nada que revisar.")
        return 0
    links = external_links(HTML)
    start = time.perf_counter()
    headers = {"User-Agent": "mlops2-linkcheck/1.0"}
    with httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers=headers) as client:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = dict(zip(links, pool.map(lambda u: check(client, u), links), strict=True))
    broken = [
        {"url": url, "reason": reason, "pages": links[url]}
        for url, reason in sorted(results.items())
        if reason
    ]
    report = {
        "checked": len(links),
        "ok": len(links) - len(broken),
        "broken": broken,
        "seconds": round(time.perf_counter() - start, 1),
    }
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"linkcheck (solo informa): {report['ok']}/{report['checked']} enlaces externos responden "
        f"en {report['seconds']} s; detalle en {REPORT.relative_to(ROOT)}"
    )
    no_dns = ("Name or service not known", "Temporary failure in name resolution")
    offline = [item for item in broken if any(text in item["reason"] for text in no_dns)]
    if offline and len(offline) == len(broken):
        print(f"  sin resolución de nombres (¿sin red?): {len(offline)} enlaces sin verificar")
        return 0
    for item in broken[:20]:
        print(f"  ✗ {item['url']} — {item['reason']} (en {item['pages'][0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
