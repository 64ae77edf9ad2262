"""Production settings: the development settings with absolute URLs from one SITEURL."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://cafetech.github.io").rstrip("/")
if not SITEURL.startswith(("https://", "http://")) or "." not in SITEURL.split("//", 1)[1]:
    raise ValueError(f"publishconf.py: SITEURL must be the site's absolute address, e.g. https://example.org, not {SITEURL!r}")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
