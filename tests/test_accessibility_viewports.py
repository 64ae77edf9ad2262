"""axe-core finds nothing on every page type of both languages, at 1280, 390 and 320 px, light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import ROOT, build_site, serve

FIRST = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/"
PAGES = [
    "/", "/numero/2023-11-20/", f"/{FIRST}", "/tag/openai/", "/tag/", "/numeros/", "/recherche/", "/404.html", "/a-propos/",
    "/en/", "/en/issues/2023-11-20/", f"/en/{FIRST}", "/en/tag/openai/", "/en/tag/", "/en/issues/", "/en/search/", "/en/404.html",
    "/en/a-propos/",
]
WIDTHS = [1280, 390, 320]
SCHEMES = ["light", "dark"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = build_site(ROOT / "content", tmp_path_factory.mktemp("axe") / "output")
    missing = [path for path in PAGES if not (output / path.strip("/")).exists()]
    assert not missing, missing
    server, base = serve(output)
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def axe_script():
    import axe_core_python

    return Path(axe_core_python.__file__).with_name("axe.min.js").read_text("utf-8")


def violations(browser, url: str, width: int, scheme: str, axe_script: str) -> list[str]:
    """'rule (impact): help [target: fg on bg]' for every node axe-core flags on the page."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        page.add_script_tag(content=axe_script)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    found = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            data = next((check.get("data") for check in node.get("any", []) if isinstance(check.get("data"), dict)), None) or {}
            colours = f": {data.get('fgColor')} on {data.get('bgColor')} ({data.get('contrastRatio')}:1)" if "fgColor" in data else ""
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} [{node['target'][0]}{colours}]")
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation_on_the_page_at_this_width_and_colour_scheme(site, browser, axe_script, path, width, scheme):
    assert violations(browser, site + path, width, scheme, axe_script) == []
