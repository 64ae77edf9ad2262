"""Development settings of the Cafétech site (``invoke build``); publishconf.py overrides them for production."""

import os

AUTHOR = "La rédaction de Cafétech"
SITENAME = "Cafétech"
# Pages link root-relative (/2023/11/slug/); feeds need absolute ids, so they use FEED_DOMAIN.
SITEURL = ""
FEED_DOMAIN = os.environ.get("SITEURL", "http://localhost:8000").rstrip("/")

PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "editions",
    "issues",
    "tag_registry",
    "further_reading",
    "french_typography",
    "content_checks",
    "feeds",
    "babel_dates",
    "theme_i18n",
    "translations",
    "page_meta",
    "ledes",
    "photos",
    "site_files",
    "search",
    "build_speed",
]
# The English edition is published for an article only when this share of its
# blocks (percent) is translated; see plugins/translations.py for the policy.
TRANSLATIONS_MIN_COVERAGE = 100

ARTICLE_PATHS = ["issues"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["extra"]
# issue.md is read by the issues plugin, issue.txt is the raw text the importer read.
IGNORE_FILES = [".#*", "issue.md", "issue.*.po", "*.txt", ".*"]

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},  # ids on subheadings: /2023/11/slug/#fronde-des-investisseurs
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
TYPOGRIFY = False

# The URL of every page kind in every language comes from EDITIONS (cafetech/editions.py),
# which writes Pelican's ARTICLE_URL, PAGE_URL, TAG_URL, FEED_ATOM… settings at start.
DIRECT_TEMPLATES = ["tags"]
# Sections have no category, author or period pages.
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "Cafétech"
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DEFAULT_PAGINATION = False
# An article dated in the future is a draft until that day, and drafts are not published.
WITH_FUTURE_DATES = False
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""

# Feeds: full content, one per tag.
# FEED_ATOM/FEED_RSS hold the default language only (FEED_ALL_* would mix in the translations).
FEED_ALL_ATOM = FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
# The English feeds are written by plugins/translations.py (TRANSLATIONS_FEED_*).
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 50
# When an issue goes out (in TIMEZONE): its sections' feed entries are dated then, a minute apart, in its order.
ISSUE_TIME = "07:00"

# The editions of the site, the source language (DEFAULT_LANG) first. Each has its own texts; a
# third language is one more entry here plus its theme catalog (theme/translations/<lang>/).
# Its URLs default to "<lang>/…" (cafetech/editions.py: TRANSLATED_URLS; "urls" overrides some).
# A support link is "page:<slug>" (a page of the site, in the reader's language when translated)
# or an external https:// address.
EDITIONS = {
    "fr": {
        "name": "Français",
        "locale": "fr_FR",
        "tagline": "L’actualité tech décryptée, chaque semaine",
        "support": {
            "text": "Cafétech est indépendant et vit grâce à ses lecteurs. Pour que l’aventure continue, soutenez-nous.",
            "label": "Soutenir Cafétech",
            "link": "page:soutenir",
        },
        "subscribe": {
            "title": "Recevoir Cafétech",
            "text": "Chaque numéro dans votre boîte aux lettres, une fois par semaine.",
            "label": "Votre adresse électronique",
            "button": "S’abonner",
        },
    },
    "en": {
        "name": "English",
        "locale": "en_GB",
        "tagline": "Tech news explained, every week",
        "author": "The Cafétech team",
        "support": {
            "text": "Cafétech is independent and lives on its readers’ support. Help us keep going.",
            "label": "Support Cafétech",
            "link": "page:soutenir",
        },
        "subscribe": {
            "title": "Get Cafétech",
            "text": "Every issue in your inbox, once a week.",
            "label": "Your email address",
            "button": "Subscribe",
        },
    },
}
# The sign-up form on the home, issue and article pages: the email service's form address and the
# name of its email field, e.g. {"action": "https://example.org/subscribe", "field": "email"}.
# The Content-Security-Policy then allows forms to post to that origin only. None: no form.
SUBSCRIBE = None

# The social cards are drawn in the site's face (theme/fonts/: Literata, subset by tools/subset_fonts.py).
PHOTOS_CARD_FONTS = ("fonts/Literata-SemiBold.ttf", "fonts/Literata-Regular.ttf")

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = [".git"]
RELATIVE_URLS = False
