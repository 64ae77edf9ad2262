"""The theme's own strings in the page's language: Babel catalogs, compiled at build, read by Jinja's i18n.

Templates mark strings with ``{{ _("Numéros") }}``; the msgids are the French strings. Each other
edition has ``theme/translations/<lang>/LC_MESSAGES/messages.po`` (cafetech/editions.py compiles
and loads it); every page is rendered with the catalog of its own language.
"""

from __future__ import annotations


from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

from cafetech.editions import editions, page_language, tag_label

# Templates written once per edition, with the page kind whose URL they take.
LANGUAGE_PAGES = {"404": "404", "search": "search"}


# --- pure functions ---------------------------------------------------------


def make_callables(translations: dict, default: str, page_language):
    """gettext/ngettext for Jinja that pick the catalog of the page being rendered."""

    @pass_context
    def gettext(context, message):
        return translations.get(page_language(context, default), translations[default]).gettext(message)

    @pass_context
    def ngettext(context, singular, plural, n):
        return translations.get(page_language(context, default), translations[default]).ngettext(singular, plural, n)

    return gettext, ngettext


def make_tag_label(translations: dict):
    """The tag_label(tag, lang) filter: a tag's name in that language, from the loaded theme catalogs."""
    return lambda tag, lang: tag_label(translations, tag, lang)


# --- Pelican side -----------------------------------------------------------


def check_catalogs(pelican):
    """Compile the theme catalogs once at start; a missing or broken one stops the build."""
    editions(pelican.settings).translations()


def install_translations(generator):
    model = editions(generator.settings)
    translations = model.translations()
    gettext, ngettext = make_callables(translations, model.source, page_language)
    generator.env.filters["tag_label"] = make_tag_label(translations)
    generator.env.add_extension("jinja2.ext.i18n")
    generator.env.install_gettext_callables(gettext, ngettext, newstyle=True)


class LanguagePagesGenerator(Generator):
    """Writes the pages that exist once per edition and belong to no content (404, search)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        model = editions(self.settings)
        for template, kind in LANGUAGE_PAGES.items():
            for edition in model.editions:
                writer.write_file(
                    edition.save_as(kind),
                    self.get_template(template),
                    self.context,
                    lang=edition.lang,
                    url=edition.url(kind),
                )


def get_generators(pelican):
    return LanguagePagesGenerator


def register():
    signals.initialized.connect(check_catalogs)
    signals.generator_init.connect(install_translations)
    signals.get_generators.connect(get_generators)
