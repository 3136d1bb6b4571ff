"""El libro: se construye con -W (advertencias = errores) y el sitio se revisa en Chromium real.

- cada página del TOC carga sin recursos locales rotos y no pide nada fuera del sitio (funciona
  sin internet: MathJax, fuentes y scripts se sirven desde el propio sitio);
- accesibilidad (axe-core, reglas WCAG 2 A y AA): ninguna violación grave o crítica por página;
- ninguna página tira errores de JavaScript;
- las fórmulas se dibujan (MathJax local): no queda TeX crudo como `\\(` en el texto, y cada
  una tiene su lectura en voz en español (explorador accesible de MathJax, también local);
  las páginas sin fórmulas no cargan MathJax;
- todas las imágenes cargan y tienen texto alternativo;
- ningún enlace interno apunta a un archivo o ancla inexistente;
- los encabezados van en orden (un único h1, sin saltar niveles);
- el botón de copiar copia el código sin los prompts (`$ `, `>>> `);
- el sitio se usa en un teléfono: a 390 px de ancho la página no se desborda horizontalmente;
- se guardan capturas (escritorio y teléfono) en _build/screenshots/ para inspección.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import itertools
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def toc_documents() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(toc.get("parts", []))
    return docs


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Construye el libro exactamente como `make book` y falla ante cualquier advertencia."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", ".", "--warningiserror", "--keep-going"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings = [
        line
        for line in result.stdout.splitlines() + result.stderr.splitlines()
        if "WARNING" in line or "ERROR" in line
    ]
    assert result.returncode == 0 and not warnings, "\n".join(warnings) or result.stdout[-3000:]
    return HTML


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")  # se cierra al terminar este módulo (y su bucle de asyncio)
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Falta Chromium: `apt-get install chromium` (lo instala .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def tab(browser):
    """Una sola pestaña que recorre todas las páginas, como un lector: abrir una pestaña nueva
    por página costaba ~0,8 s de CPU cada vez (105 páginas, con la máquina llena)."""
    page = browser.new_page()
    yield page
    page.close()


def test_book_builds_without_warnings(built_site):
    assert (built_site / "index.html").exists()


def test_every_toc_page_was_built(built_site):
    missing = [d for d in toc_documents() if not (built_site / f"{d}.html").exists()]
    assert not missing, f"páginas del TOC sin HTML: {missing}"


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def accessibility_violations(page) -> list[str]:
    """Violaciones graves o críticas que axe-core encuentra en la página (regla: nodos, ejemplo)."""
    from axe_playwright_python.sync_playwright import Axe

    report = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodo(s), ej. {v['nodes'][0]['html'][:100]}"
        for v in report["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.browser
@pytest.mark.parametrize("doc", toc_documents())
def test_page_in_browser(doc, site_url, built_site, tab):
    with watching(tab, urlparse(site_url).netloc) as found:
        check_page(tab, doc, site_url, built_site, found)


@contextlib.contextmanager
def watching(page, local: str):
    """Anota lo que pide la página mientras dura el bloque: recursos locales rotos, pedidos
    fuera del sitio y errores de JavaScript. Al salir quita sus oyentes (la pestaña sigue)."""
    found: dict[str, list[str]] = {"broken": [], "outside": [], "script_errors": []}

    def on_response(response):
        if urlparse(response.url).netloc == local and response.status >= 400:
            found["broken"].append(f"{response.status} {response.url}")

    def on_request(request):
        parts = urlparse(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local:
            found["outside"].append(request.url)

    def on_failed(request):
        if local in request.url:
            found["broken"].append(f"falló {request.url}")

    def on_error(error):
        found["script_errors"].append(str(error))

    listeners = [
        ("response", on_response),
        ("request", on_request),
        ("requestfailed", on_failed),
        ("pageerror", on_error),
    ]
    for event, listener in listeners:
        page.on(event, listener)
    try:
        yield found
    finally:
        for event, listener in listeners:
            page.remove_listener(event, listener)


def check_page(page, doc: str, site_url: str, built_site: Path, found: dict) -> None:
    broken, outside, script_errors = found["broken"], found["outside"], found["script_errors"]
    local = urlparse(site_url).netloc
    response = page.goto(f"{site_url}/{doc}.html", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.title(), "la página no tiene <title>"
    assert not broken, f"recursos locales rotos en {doc}: {broken}"
    assert not outside, f"{doc} pide recursos fuera del sitio (no anda sin internet): {outside}"
    assert not script_errors, f"errores de JavaScript en {doc}: {script_errors}"

    serious = accessibility_violations(page)
    assert not serious, f"{doc}: violaciones de accesibilidad graves o críticas:\n" + "\n".join(
        serious
    )

    images = page.eval_on_selector_all(
        "main img",
        "imgs => imgs.map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0,"
        " alt: i.getAttribute('alt')}))",
    )
    assert all(img["ok"] for img in images), f"imágenes que no cargan: {images}"
    assert all(img["alt"] is not None for img in images), f"imágenes sin alt: {images}"

    levels = page.eval_on_selector_all(
        "article h1, article h2, article h3, article h4, article h5, article h6",
        "hs => hs.map(h => Number(h.tagName[1]))",
    )
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"h1 único y primero: {levels}"
    jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not jumps, f"encabezados que saltan niveles en {doc}: {jumps}"

    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    dead = []
    for href in hrefs:
        url, anchor = urldefrag(href)
        if urlparse(url).netloc != local:
            continue
        target = built_site / urlparse(url).path.lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        missing_anchor = (
            anchor
            and target.suffix == ".html"
            and target.exists()
            and f'id="{anchor}"' not in target.read_text(errors="replace")
        )
        if not target.exists() or missing_anchor:
            dead.append(href)
    assert not dead, f"enlaces internos rotos en {doc}: {sorted(set(dead))}"


# Páginas con fórmulas en línea y en bloque (teoría y notebooks).
MATH_PAGES = [
    "clase6/teoria/02_privacidad",
    "clase6/hands-on/03_privacidad",
    "clase7/teoria/01_amenazas",
]


# Palabras que Speech Rule Engine usa al leer fórmulas en español (no en inglés).
SPANISH_MATH_WORDS = ("subíndice", "paréntesis", "épsilon", "igual", "más", "menos")


@pytest.mark.browser
@pytest.mark.parametrize("doc", MATH_PAGES)
def test_formulas_are_rendered_offline(doc, site_url, browser):
    """MathJax se sirve desde el sitio y dibuja cada fórmula: no queda TeX crudo a la vista."""
    page = browser.new_page()
    page.goto(f"{site_url}/{doc}.html", wait_until="load")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    rendered = page.locator("mjx-container").count()
    text = page.locator("article").inner_text()
    spoken = page.eval_on_selector_all("mjx-container", "cs => cs.map(c => c.ariaLabel)")
    page.close()
    assert rendered > 0, f"{doc}: MathJax no dibujó ninguna fórmula"
    raw = [m for m in ("\\(", "\\)", "\\[", "\\]", "$$") if m in text]
    assert not raw, f"{doc}: quedó TeX sin dibujar ({raw})"
    # Accesibles: cada fórmula se lee en voz, en español (Speech Rule Engine, servido por el sitio).
    assert all(spoken), f"{doc}: fórmulas sin lectura en voz: {spoken.count(None)} de {rendered}"
    assert any(word in " ".join(spoken) for word in SPANISH_MATH_WORDS), spoken[:5]


@pytest.mark.browser
def test_pages_without_formulas_do_not_load_mathjax(site_url, browser):
    """MathJax y su lectura en voz pesan unos 4 MB: solo van donde hay fórmulas a la vista."""
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site_url}/clase1/hands-on/01_validacion_entradas.html", wait_until="networkidle")
    assert page.locator(".math").count() == 0
    page.close()
    assert not [url for url in requested if "/mathjax/" in url], requested


@pytest.mark.browser
def test_chapter_screenshot(site_url, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site_url}/clase1/hands-on/01_validacion_entradas.html", wait_until="load")
    path = SCREENSHOTS / "clase1_validacion_entradas.png"
    page.screenshot(path=str(path), full_page=False)
    page.close()
    assert path.stat().st_size > 10_000


@pytest.mark.browser
def test_copy_button_strips_prompts(site_url, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_url}/book/setup.html", wait_until="load")
    block = page.locator("div.highlight-console").first
    assert "$ make doctor" in block.inner_text(), "el bloque de ejemplo con prompts no está"
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.splitlines() == ["make doctor", "make book", "make serve"], copied


@pytest.mark.browser
@pytest.mark.parametrize("doc", ["book/intro", "clase1/hands-on/01_validacion_entradas"])
def test_phone_width(doc, site_url, browser):
    """A 390 px (un teléfono común) nada obliga a desplazar la página hacia el costado."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(f"{site_url}/{doc}.html", wait_until="load")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    path = SCREENSHOTS / f"telefono_{doc.replace('/', '_')}.png"
    page.screenshot(path=str(path), full_page=False)
    page.close()
    assert overflow <= 0, f"{doc}: la página se desborda {overflow} px a 390 px de ancho"
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("chapter", [f"clase{n}" for n in range(1, 9)])
def test_each_class_offers_its_hands_on_folder_as_one_download(chapter, built_site):
    """Quien no clona: un .zip por clase con lo necesario para correr sus notebooks."""
    import zipfile

    archive = built_site / "_downloads" / "practicas" / f"{chapter}-hands-on.zip"
    names = zipfile.ZipFile(archive).namelist()
    prefix = f"{chapter}-hands-on/"
    notebooks = {p.name for p in (ROOT / chapter / "hands-on").glob("*.ipynb")}
    assert {prefix + n for n in notebooks} <= set(names)
    for needed in ("README.md", "requirements.txt", "coursekit/__init__.py", "coursekit/stack.py"):
        assert prefix + needed in names, f"falta {needed} en {archive.name}"
    assert not [n for n in names if "/artifacts/" in n or "coursekit/dev/" in n]
    readme = zipfile.ZipFile(archive).read(prefix + "README.md").decode()
    assert "pip install -r requirements.txt" in readme
    page = (built_site / chapter / "README.html").read_text()
    assert f"_downloads/practicas/{chapter}-hands-on.zip" in page, "la clase no ofrece el .zip"
