"""GraphiQL sin internet: la copia local es la original (hashes SRI) y la página funciona en
Chromium real. La captura queda en clase2/hands-on/graphiql.png (la muestra el notebook 1)."""

from __future__ import annotations

import shutil
import urllib.parse

import graphiql_vendor
from clase2_support import HANDS_ON
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUERY = """# Los 3 mejores runs de iris por exactitud
query TopRuns($experiment: String!) {
  experiment(name: $experiment) {
    name
    runs(first: 3, orderBy: [{metric: "accuracy"}]) {
      nodes {
        name
        accuracy: metric(key: "accuracy")
        modelFamily: param(key: "model_family")
      }
    }
  }
}"""
VARIABLES = '{"experiment": "clase2-iris"}'


def test_vendored_graphiql_matches_strawberry_page():
    """Los archivos locales son exactamente los que pide la página de Strawberry instalada."""
    assert graphiql_vendor.required_assets(), "la página no pide recursos: ¿cambió Strawberry?"
    problems = graphiql_vendor.check()
    assert not problems, f"{problems}: ejecutar `python graphiql_vendor.py` en clase2/hands-on"


def test_graphiql_renders_offline_and_runs_a_query(api_url):
    outside = []
    url = f"{api_url}/graphql?" + urllib.parse.urlencode(
        {"q": QUERY, "variables": VARIABLES}, quote_via=urllib.parse.quote
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 820})

            def only_local(route):
                if route.request.url.startswith((api_url, "data:")):
                    route.continue_()
                else:  # sin internet: cualquier pedido afuera es un error de la página
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(url)
            page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                "() => document.querySelector('.result-window')"
                " && document.querySelector('.result-window').innerText.includes('iris-gboost')",
                timeout=30_000,
            )
            result = page.inner_text(".result-window")
            page.screenshot(path=HANDS_ON / "graphiql.png")
        finally:
            browser.close()
    assert not outside, f"GraphiQL pidió recursos externos: {outside}"
    assert '"modelFamily": "gradient_boosting"' in result
    assert (HANDS_ON / "graphiql.png").stat().st_size > 20_000
