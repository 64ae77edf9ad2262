"""The files a host and a crawler read: sitemap.xml with hreflang alternates, robots.txt, CNAME, .nojekyll.

pelican-sitemap 1.2.2 writes its alternates as ``ref=`` (invalid); this sitemap
writes ``<xhtml:link rel="alternate" hreflang href>`` for every page that has a
version in another language, the page itself included, as Google asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from pelican import signals
from pelican.generators import Generator

from cafetech.editions import editions

DEFAULTS = {
    "SITE_FILES_SITEMAP": "sitemap.xml",
    "SITE_FILES_ROBOTS": True,
    "SITE_FILES_CNAME": None,  # e.g. "cafetech.example": writes CNAME for GitHub Pages
    "SITE_FILES_NOJEKYLL": True,
}


@dataclass(frozen=True)
class SiteFilesConfig:
    sitemap: str | None
    robots: bool
    cname: str | None
    nojekyll: bool


def config(settings: dict) -> SiteFilesConfig:
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    cname = merged["SITE_FILES_CNAME"]
    if cname is not None and ("/" in cname or not cname.strip()):
        raise ValueError(f"site_files: SITE_FILES_CNAME must be a bare host name, not {cname!r}")
    return SiteFilesConfig(merged["SITE_FILES_SITEMAP"], bool(merged["SITE_FILES_ROBOTS"]), cname, bool(merged["SITE_FILES_NOJEKYLL"]))


# --- pure functions ---------------------------------------------------------


def sitemap_xml(entries: list[tuple[str, str | None, dict[str, str]]]) -> str:
    """entries: (absolute url, lastmod or None, {lang: absolute url of that version}), written in the
    order of their addresses: the same site gives the same bytes whatever order its files were read in
    (articles of one day tie in Pelican's date order; a long-lived preview reads an edited one last)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url, lastmod, versions in sorted(entries, key=lambda entry: entry[0]):
        lines.append(f"  <url><loc>{url.replace('&', '&amp;')}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod}</lastmod>")
        if len(versions) > 1:
            for lang, href in versions.items():
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str | None) -> str:
    return "User-agent: *\nAllow: /\n" + (f"Sitemap: {sitemap_url}\n" if sitemap_url else "")


def content_entries(items, absolute, default_lang: str) -> list[tuple[str, str | None, dict[str, str]]]:
    """Sitemap entries of articles, pages or issues and their translations; absolute(url) makes an address."""
    entries = []
    for item in items:
        versions = [item, *getattr(item, "translations", [])]
        by_lang = {version.lang: absolute(version.url) for version in versions}
        if default_lang in by_lang:
            by_lang["x-default"] = by_lang[default_lang]
        for version in versions:
            date = getattr(version, "modified", None) or getattr(version, "date", None)
            entries.append((absolute(version.url), date.date().isoformat() if date else None, by_lang))
    return entries


# --- Pelican side -----------------------------------------------------------


class SiteFilesGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        cfg = config(self.settings)
        model = editions(self.settings)
        output = self.output_path
        sitemap_url = None
        if cfg.sitemap:
            issues = self.context["issues_by_lang"][model.source]
            entries = content_entries(
                [*self.context["articles"], *self.context["pages"], *issues], model.absolute, model.source
            )
            for kind in ("home", "issues", "tags"):
                versions = {lang: model.absolute(model.url(kind, lang)) for lang in model.languages}
                versions["x-default"] = versions[model.source]
                entries.extend((href, None, versions) for lang, href in versions.items() if lang != "x-default")
            for slug, langs in sorted(self.context["TAG_LANGUAGES"].items()):
                versions = {lang: model.absolute(model.url("tag", lang, slug=slug)) for lang in model.languages if lang in langs}
                if model.source in versions:
                    versions["x-default"] = versions[model.source]
                entries.extend((href, None, versions) for lang, href in versions.items() if lang != "x-default")
            write_text(os.path.join(output, cfg.sitemap), sitemap_xml(entries))
            sitemap_url = model.absolute(cfg.sitemap)
        if cfg.robots:
            write_text(os.path.join(output, "robots.txt"), robots_txt(sitemap_url))
        if cfg.cname:
            write_text(os.path.join(output, "CNAME"), cfg.cname.strip() + "\n")
        if cfg.nojekyll:
            write_text(os.path.join(output, ".nojekyll"), "")


def write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def get_generators(pelican):
    return SiteFilesGenerator


def check_settings(pelican):
    config(pelican.settings)


def register():
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
