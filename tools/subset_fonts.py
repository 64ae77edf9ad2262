"""Subset Literata into the theme's web fonts and card fonts, and write their fallback faces into main.css.

Run at commit time, not at build time: the output is committed. To reproduce it exactly::

    python3 -m venv /tmp/fonts-venv && /tmp/fonts-venv/bin/pip install fonttools==4.68.0 brotli==1.2.1
    cd /tmp && npm pack @expo-google-fonts/literata@0.4.3 && tar xzf expo-google-fonts-literata-0.4.3.tgz
    apt-get install fonts-dejavu-core fonts-dejavu-extra   # the Linux fallback's metrics
    /tmp/fonts-venv/bin/python tools/subset_fonts.py /tmp/package

The npm package holds Google Fonts' static instances of Literata 3.103 (SIL Open Font License 1.1,
no reserved font name, so a subset keeps its name) with the licence as LICENSE_FONT; the digests
below pin the files read. See docs/site.md ("Type") for why these faces and these fallbacks.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
WEB_FONTS = ROOT / "theme" / "static" / "fonts"
CARD_FONTS = ROOT / "theme" / "fonts"
STYLESHEET = ROOT / "theme" / "static" / "css" / "main.css"
# The characters whose widths weigh in the fallbacks' size-adjust: a real issue, in French.
SAMPLE = ROOT / "content" / "issues" / "2023-11-20" / "issue.txt"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# (CSS weight, CSS style, file in the package, sha256, web font name)
FACES = [
    ("400", "normal", "400Regular/Literata_400Regular.ttf", "7a3127b8aee7ac1f50419a45fd6c9dd19071060a7a6b31194a6b72446ff253b1", "literata-regular"),
    ("400", "italic", "400Regular_Italic/Literata_400Regular_Italic.ttf", "e48dc9674564dc58936960e7a8000c8080155e6882c8d999cadb0854562b5f31", "literata-italic"),
    ("600", "normal", "600SemiBold/Literata_600SemiBold.ttf", "f63e5f1b010a93f397cbdafccef644ce1a4b289eec60a1aca0a3ed3fd7b55bac", "literata-semibold"),
]
LICENCE = ("LICENSE_FONT", "8742963604cd89dc81437811a850018fc03b2bfad686d7422c8235967c87614e")
# Latin-1 with French (Œ œ Ÿ) and its typography: ’ “ ” « » … – — narrow no-break space, thin space,
# non-breaking hyphen, € and the pager's arrows. Anything else falls back per character.
WEB_RANGES = "U+0020-007E, U+00A0-00FF, U+0152-0153, U+0178, U+2009, U+2010-2011, U+2013-2014, U+2018-201A, U+201C-201E, U+2022, U+2026, U+202F, U+2039-203A, U+20AC, U+2122, U+2190, U+2192, U+2212"
WEB_FEATURES = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk"]
# The cards draw any title (plugins/photos.py, Pillow's basic layout): all of Latin, no features needed.
CARD_RANGES = "U+0020-007E, U+00A0-024F, U+1E00-1EFF, U+2009-2011, U+2013-2014, U+2018-201E, U+2022, U+2026, U+202F, U+2039-203A, U+20AC, U+2122, U+2190, U+2192, U+2212"
CARD_FILES = {"600": "Literata-SemiBold.ttf", "400": "Literata-Regular.ttf"}

# The local faces that stand in while Literata loads, each scaled to Literata's widths. Georgia
# (Windows, macOS, iOS) and Noto Serif (Android, ChromeOS) are not on a Linux machine: their metrics
# and both sides' xWidthAvg come from the npm package @capsizecss/metrics 4.3.0 (entireMetricsCollection).
CAPSIZE = {
    "Literata": {"upm": 1000, "ascent": 1177, "descent": -308, "line_gap": 0, "widths": {"400 normal": 480, "400 italic": 453, "600 normal": 500}},
    "Georgia": {"upm": 2048, "ascent": 1878, "descent": -449, "line_gap": 0, "widths": {"400 normal": 913, "400 italic": 931, "600 normal": 1062}},
    "Noto Serif": {"upm": 1000, "ascent": 1069, "descent": -293, "line_gap": 0, "widths": {"400 normal": 481, "400 italic": 469, "600 normal": 500}},
}
LOCAL_NAMES = {
    "Georgia": {"400 normal": ["Georgia"], "400 italic": ["Georgia Italic", "Georgia-Italic"], "600 normal": ["Georgia Bold", "Georgia-Bold"]},
    "Noto Serif": {
        "400 normal": ["Noto Serif", "NotoSerif-Regular"],
        "400 italic": ["Noto Serif Italic", "NotoSerif-Italic"],
        "600 normal": ["Noto Serif SemiBold", "NotoSerif-SemiBold", "Noto Serif Bold", "NotoSerif-Bold"],
    },
    "DejaVu Serif": {"400 normal": ["DejaVu Serif", "DejaVuSerif"], "400 italic": ["DejaVu Serif Italic", "DejaVuSerif-Italic"], "600 normal": ["DejaVu Serif Bold", "DejaVuSerif-Bold"]},
}
DEJAVU_FILES = {"400 normal": "DejaVuSerif.ttf", "400 italic": "DejaVuSerif-Italic.ttf", "600 normal": "DejaVuSerif-Bold.ttf"}
BEGIN, END = "/* Fonts (written by tools/subset_fonts.py): begin */", "/* Fonts: end */"


def checked(path: Path, digest: str) -> Path:
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        sys.exit(f"subset_fonts: {path} is not the file this tool was written for (sha256 {actual})")
    return path


def subset_font(source: Path, target: Path, ranges: str, features: list[str], flavor: str | None) -> None:
    options = subset.Options()
    options.layout_features = features
    options.flavor = flavor
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # the copyright and licence records stay
    font = subset.load_font(str(source), options)
    font.recalcTimestamp = False  # the same files on every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(ranges.replace(" ", "")))
    subsetter.subset(font)
    give_narrow_space_a_glyph(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)


def give_narrow_space_a_glyph(font: TTFont) -> None:
    """Literata has no narrow no-break space (U+202F), which French puts before ; : ! ? and inside « »:
    it gets the thin space's glyph, or a fallback face (or a card's missing-glyph box) would draw it."""
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x2009 in table.cmap:
            table.cmap.setdefault(0x202F, table.cmap[0x2009])


def average_width(font: TTFont, weights: Counter) -> float:
    """The advance width (in em) of the sample's characters, each weighted by how often it occurs."""
    cmap, metrics, upm = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
    known = {char: count for char, count in weights.items() if ord(char) in cmap}
    total = sum(known.values())
    return sum(metrics[cmap[ord(char)]][0] * count for char, count in known.items()) / total / upm


def fallback_face(family: str, style_key: str, locals_: list[str], size_adjust: float, literata: dict) -> str:
    weight, style = style_key.split()
    over = lambda value: f"{abs(value) / literata['upm'] / size_adjust * 100:.2f}%"  # noqa: E731
    sources = ", ".join(f'local("{name}")' for name in locals_)
    return (
        f'@font-face {{ font-family: "Literata {family}"; font-weight: {weight}; font-style: {style}; src: {sources}; '
        f"size-adjust: {size_adjust * 100:.2f}%; ascent-override: {over(literata['ascent'])}; "
        f"descent-override: {over(literata['descent'])}; line-gap-override: {over(literata['line_gap'])}; }}"
    )


def stylesheet_block(package: Path) -> str:
    weights = Counter(char for char in SAMPLE.read_text("utf-8") if not char.isspace() or char == " ")
    lines = [BEGIN, "/* Literata (SIL OFL 1.1, fonts/OFL.txt), subset to Latin-1 and French typography. */"]
    for weight, style, _source, _digest, name in FACES:
        lines.append(
            f'@font-face {{ font-family: "Literata"; font-weight: {weight}; font-style: {style}; font-display: swap; '
            f'src: url("../fonts/{name}.woff2") format("woff2"); unicode-range: {WEB_RANGES}; }}'
        )
    lines.append("/* While it loads, a local serif scaled to its widths and lines, so the swap moves nothing (CLS 0). */")
    literata = CAPSIZE["Literata"]
    for family in ("Georgia", "Noto Serif"):
        for key, locals_ in LOCAL_NAMES[family].items():
            ratio = (literata["widths"][key] / literata["upm"]) / (CAPSIZE[family]["widths"][key] / CAPSIZE[family]["upm"])
            lines.append(fallback_face(family.split()[0], key, locals_, ratio, literata))
    for key, locals_ in LOCAL_NAMES["DejaVu Serif"].items():
        source = next(package / f for w, s, f, _d, _n in FACES if f"{w} {s}" == key)
        ratio = average_width(TTFont(source), weights) / average_width(TTFont(DEJAVU / DEJAVU_FILES[key]), weights)
        lines.append(fallback_face("DejaVu", key, locals_, ratio, literata))
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked @expo-google-fonts/literata@0.4.3 (its package/ folder)")
    package = parser.parse_args().package
    for weight, style, source, digest, name in FACES:
        path = checked(package / source, digest)
        subset_font(path, WEB_FONTS / f"{name}.woff2", WEB_RANGES, WEB_FEATURES, "woff2")
        if style == "normal":
            subset_font(path, CARD_FONTS / CARD_FILES[weight], CARD_RANGES, [], None)
    licence = checked(package / LICENCE[0], LICENCE[1]).read_text("utf-8")
    (WEB_FONTS / "OFL.txt").write_text(licence, "utf-8")
    (CARD_FONTS / "Literata-OFL.txt").write_text(licence, "utf-8")
    css = STYLESHEET.read_text("utf-8")
    block = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not block.search(css):
        sys.exit(f"subset_fonts: {STYLESHEET} has no '{BEGIN}' … '{END}' block to fill")
    STYLESHEET.write_text(block.sub(lambda _m: stylesheet_block(package), css), "utf-8")
    for path in sorted(WEB_FONTS.glob("*.woff2")) + sorted(CARD_FONTS.glob("Literata-*.ttf")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
