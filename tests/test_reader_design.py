"""The reader's page as designed (issue #24), in Debian's Chromium: the type, the article's opening, the lists, the thumbnails, the look."""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageChops

from support import ROOT, build_site, photo_issue_content, serve

MISTRAL = "/2023/11/mistral-ai-leve-385-millions-d-euros/"  # a square photo, 512 px
GOOGLE = "/2023/11/google-accuse-de-verrouiller-la-recherche-sur-mobile/"  # 640 × 427
DECREE = "/2023/11/le-decret-ia-et-les-balises-du-journal-officiel/"  # 451 × 300: narrower than the column
OPENAI = "/2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/"  # no photo, long title
EVERY_KIND = ["/", "/numero/2023-11-27/", GOOGLE, "/tag/openai/", "/tag/", "/numeros/", "/recherche/", "/a-propos/", "/404.html", "/en/", f"/en{OPENAI}"]
SIZES = [(1280, 800), (390, 844)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content and the 2023-11-27 issue with its photos, built once and served."""
    root = tmp_path_factory.mktemp("design")
    content = photo_issue_content(root)
    output = build_site(content, root / "output")
    server, base = serve(output)
    yield base, output
    server.shutdown()


def opened(browser, url: str, width: int, height: int = 800):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("path", [MISTRAL, OPENAI, f"/en{OPENAI}"])
def test_an_article_opens_on_its_title_above_the_fold(site, browser, path, width, height):
    page = opened(browser, site[0] + path, width, height)
    order = page.evaluate("""() => ['.kicker', 'h1', '.lede', '.lead-photo', '.content']
        .map(s => document.querySelector(s)).filter(Boolean).map(e => Math.round(e.getBoundingClientRect().top))""")
    bottom = page.evaluate("document.querySelector('main h1').getBoundingClientRect().bottom")
    page.close()
    assert order == sorted(order), order  # kicker, title, lede, photo, then the text
    assert bottom <= height, f"the title ends at y = {bottom}"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", [MISTRAL, GOOGLE, DECREE])
def test_the_lead_photo_keeps_its_files_shape_and_is_never_drawn_wider_than_it(site, browser, path, width):
    base, output = site
    page = opened(browser, base + path, width)
    image = page.locator(".lead-photo img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.lead-photo img').complete")
    drawn = page.evaluate("""() => { const img = document.querySelector('.lead-photo img'), box = img.getBoundingClientRect();
        return {width: box.width, height: box.height, src: img.currentSrc, column: img.closest('main').clientWidth}; }""")
    page.close()
    file_width, file_height = Image.open(output / urlsplit(drawn["src"]).path.lstrip("/")).size
    assert drawn["width"] / drawn["height"] == pytest.approx(file_width / file_height, rel=0.01), drawn
    source_width = int(image_width(output, path))
    assert drawn["width"] <= source_width + 0.5 and drawn["width"] == pytest.approx(min(source_width, drawn["column"] - 40), abs=1), drawn


def image_width(output, path: str) -> str:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((output / path.strip("/") / "index.html").read_text("utf-8"), "html.parser")
    return page.select_one(".lead-photo img")["width"]


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("path", ["/", "/en/", "/tag/openai/"])
def test_no_menu_item_is_left_alone_on_a_line(site, browser, path, width):
    page = opened(browser, site[0] + path, width)
    tops = page.evaluate("[...document.querySelectorAll('.site-header nav li')].map(li => Math.round(li.getBoundingClientRect().top))")
    broken = page.evaluate("[...document.querySelectorAll('.site-header nav a, .site-footer a')].filter(a => a.getClientRects().length > 1).map(a => a.textContent)")
    page.close()
    lines = {top: tops.count(top) for top in tops}
    assert len(tops) == 4 and all(count > 1 for count in lines.values()), lines
    if width == 390:
        assert len(lines) == 1, lines  # the whole menu on one line
    assert broken == []  # "Flux RSS" and the others never break inside


@pytest.mark.parametrize("path", EVERY_KIND)
def test_the_first_heading_stands_at_least_24_px_under_the_header(site, browser, path):
    page = opened(browser, site[0] + path, 390)
    gap = page.evaluate("""() => document.querySelector('main :is(h1, h2)').getBoundingClientRect().top
        - document.querySelector('.site-header').getBoundingClientRect().bottom""")
    page.close()
    assert gap >= 24


@pytest.mark.parametrize("path", ["/", GOOGLE])
def test_the_type_comes_from_the_site_itself_and_nothing_moves_while_it_loads(site, browser, path):
    base = site[0]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script("""window.__shifts = 0;
        new PerformanceObserver(list => { for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts += entry.value; })
            .observe({type: 'layout-shift', buffered: true});""")
    page.goto(base + path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.fonts.ready.then(() => ['400 1rem Literata', '600 1rem Literata'].map(f => document.fonts.check(f)))") == [True] * 2
    rendered = page.evaluate("getComputedStyle(document.querySelector('main h1')).fontFamily")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    page.close()
    fonts = [url for url in requests if url.endswith(".woff2")]
    assert fonts and all(url.startswith(base + "/theme/fonts/") for url in fonts), fonts
    assert all(url.startswith(base) for url in requests), [url for url in requests if not url.startswith(base)]
    assert rendered.startswith("Literata")
    assert shifts == 0


def test_the_web_fonts_weigh_at_most_80_kb_and_ship_their_licence(site):
    fonts = ROOT / "theme" / "static" / "fonts"
    assert sum(path.stat().st_size for path in fonts.glob("*.woff2")) <= 80 * 1024
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL.txt").read_text("utf-8").upper()
    preloaded = (site[1] / "index.html").read_text("utf-8")
    assert '<link rel="preload" href="/theme/fonts/literata-regular.woff2" as="font" type="font/woff2" crossorigin>' in preloaded


def test_while_the_type_is_late_the_scaled_local_serif_keeps_the_layout_still(site, browser):
    """The fonts held back 600 ms: the page is laid out in DejaVu Serif scaled to Literata's metrics
    (main.css, "Literata DejaVu"), then swapped; lines may move by a hair, never a block."""
    import time

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.route("**/*.woff2", lambda route: (time.sleep(0.6), route.continue_()))
    page.add_init_script("""window.__shifts = 0;
        new PerformanceObserver(list => { for (const entry of list.getEntries()) window.__shifts += entry.value; })
            .observe({type: 'layout-shift', buffered: true});""")
    page.goto(site[0] + GOOGLE)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    page.close()
    assert shifts < 0.001  # Lighthouse reports it as 0


@pytest.mark.parametrize("width, scale", [(1280, 1), (390, 2)])
@pytest.mark.parametrize("path", ["/", "/numero/2023-11-27/"])
def test_a_thumbnails_chosen_rendition_is_sharp_and_at_most_twice_its_slots_pixel_width(site, browser, path, width, scale):
    base, output = site
    page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    page.goto(base + path)
    # Each thumbnail scrolled to (they load lazily), then its slot and the file the browser chose.
    chosen = page.evaluate("""async () => {
        const found = [];
        for (const img of document.querySelectorAll('.thumbnail img')) {
            img.scrollIntoView();
            if (!(img.complete && img.naturalWidth)) await new Promise(done => img.addEventListener('load', done, {once: true}));
            found.push({slot: img.getBoundingClientRect().width, src: img.currentSrc});
        }
        return found;
    }""")
    page.close()
    assert len(chosen) >= 3, chosen
    for thumbnail in chosen:
        # The file's own width: naturalWidth is the width over the srcset's density, in CSS pixels.
        file_width = Image.open(output / urlsplit(thumbnail["src"]).path.lstrip("/")).width
        assert thumbnail["slot"] * scale <= file_width <= 2 * thumbnail["slot"] * scale, thumbnail


# Visual checks: each page type at both sizes, light and dark, against its reference in
# tests/golden/screens/ (docs/site.md, "Visual checks", says how to update them on purpose).
SCREENS = Path(__file__).parent / "golden" / "screens"
SCREEN_PAGES = {"home": "/", "issue": "/numero/2023-11-27/", "article": GOOGLE, "tag": "/tag/openai/"}
SCREEN_CHANNEL_STEP = 6  # a pixel differs when a channel moves by more than this (a background 8 levels lighter does)
SCREEN_TOLERANCE = 0.001  # the share of pixels that may differ: a few glyphs' edges, never a colour, a size or a shift


def screen_difference(actual: Image.Image, reference: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that differ by more than SCREEN_CHANNEL_STEP in some channel, and their mask."""
    red, green, blue = ImageChops.difference(actual.convert("RGB"), reference.convert("RGB")).split()
    mask = ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda step: 255 if step > SCREEN_CHANNEL_STEP else 0)
    return mask.histogram()[255] / (mask.width * mask.height), mask


def as_reference(screen: Image.Image) -> Image.Image:
    """A screen at half its size, each pixel the mean of four: a third of the PNG's weight, every colour kept
    (a palette of 256 would move the photos' colours further than a theme's change of colour does)."""
    return screen.convert("RGB").reduce(2)


def steady_screenshot(page, attempts: int = 10) -> Image.Image:
    """The page once two screenshots in a row are the same: a decoded photo can still be a frame or more
    from being painted (CI once caught the article's photo as its placeholder colour)."""
    previous = None
    for _ in range(attempts):
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        shot = page.screenshot(animations="disabled", caret="hide")
        if shot == previous:
            return Image.open(io.BytesIO(shot))
        previous = shot
    raise AssertionError(f"the page kept changing over {attempts} screenshots")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("name", SCREEN_PAGES)
def test_each_page_type_looks_as_its_reference_screen(site, browser, name, width, height, scheme, tmp_path):
    updating = os.environ.get("CAFETECH_UPDATE_SCREENS") == "1"
    assert not (updating and os.environ.get("CI")), "references are updated on purpose, never in CI"
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, reduced_motion="reduce")
    context.clock.set_fixed_time("2023-11-27T08:00:00+01:00")  # nothing reads the time today; nothing may vary with it
    page = context.new_page()
    page.goto(site[0] + SCREEN_PAGES[name])
    page.wait_for_load_state("load")
    # The type, then every image in view decoded (thumbnails load lazily, all decode asynchronously).
    page.evaluate("""() => document.fonts.ready.then(() => Promise.all([...document.images]
        .filter(img => img.getBoundingClientRect().top < innerHeight).map(img => img.decode())))""")
    screen = as_reference(steady_screenshot(page))
    context.close()
    reference_file = SCREENS / f"{name}-{width}-{scheme}.png"
    if updating:
        SCREENS.mkdir(parents=True, exist_ok=True)
        screen.save(reference_file, optimize=True)
        return
    assert reference_file.exists(), f"no reference {reference_file.name}: CAFETECH_UPDATE_SCREENS=1 writes it"
    reference = Image.open(reference_file)
    assert reference.size == screen.size, (reference.size, screen.size)
    share, mask = screen_difference(screen, reference)
    if share > SCREEN_TOLERANCE:
        screen.save(tmp_path / f"actual-{reference_file.name}")
        mask.save(tmp_path / f"difference-{reference_file.name}")
    assert share <= SCREEN_TOLERANCE, f"{share:.2%} of the pixels differ from {reference_file.name}; this screen and the difference: {tmp_path}"
