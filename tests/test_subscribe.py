"""The newsletter's sign-up form: SUBSCRIBE turns it on, in both languages, with a CSP that allows its origin only."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from cafetech.editions import EditionsError, editions
from support import ROOT, build_site, project_settings, serve

SUBSCRIBE = {"action": "https://lists.example.org/subscribe/cafetech", "field": "EMAIL"}
FIRST = "2023/11/malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete/"
PAGES = {"fr": ["", "numero/2023-11-20/", FIRST], "en": ["en/", "en/issues/2023-11-20/", f"en/{FIRST}"]}


@pytest.fixture(scope="module")
def with_form(tmp_path_factory):
    return build_site(ROOT / "content", tmp_path_factory.mktemp("subscribe") / "output", SUBSCRIBE=SUBSCRIBE)


def soup(path):
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


@pytest.mark.parametrize("lang, url", [(lang, url) for lang, urls in PAGES.items() for url in urls])
def test_the_form_is_on_the_home_issue_and_article_pages_of_both_languages(with_form, lang, url):
    page = soup(with_form / url / "index.html")
    form = page.select_one("aside.subscribe form")
    assert form["action"] == SUBSCRIBE["action"] and form["method"] == "post"
    field = form.select_one("input[type=email]")
    assert field["name"] == "EMAIL" and page.select_one(f'label[for="{field["id"]}"]').get_text()
    assert form.select_one("button[type=submit]").get_text() == {"fr": "S’abonner", "en": "Subscribe"}[lang]
    assert not page.select("aside.subscribe script") and "src=" not in str(page.select_one("aside.subscribe"))
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "form-action 'self' https://lists.example.org;" in policy + ";"


def test_without_the_setting_there_is_no_form_and_forms_post_to_the_site_only(real_output):
    page = soup(real_output / "index.html")
    assert page.select_one("aside.subscribe") is None
    assert "form-action 'self'" in page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "lists.example.org" not in page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]


@pytest.fixture(scope="module")
def real_output(tmp_path_factory):
    return build_site(ROOT / "content", tmp_path_factory.mktemp("no-form") / "output")


def test_the_form_has_no_accessibility_violation(with_form, browser):
    from cafetech_dev.quality import accessibility_problems

    server, base = serve(with_form)
    try:
        assert accessibility_problems(base, ["/", f"/en/{FIRST}"], browser) == []
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "subscribe, message",
    [
        ({"action": "http://lists.example.org/x", "field": "EMAIL"}, r"SUBSCRIBE\['action'\] must be the email service's https://"),
        ({"action": "https://lists.example.org/x", "field": "e mail"}, r"SUBSCRIBE\['field'\] must be the name"),
        ({"action": "https://lists.example.org/x"}, "SUBSCRIBE must have exactly the keys"),
    ],
)
def test_a_subscription_that_cannot_work_is_refused_in_one_line(tmp_path, subscribe, message):
    settings = project_settings(ROOT / "content", tmp_path / "output", SUBSCRIBE=subscribe)
    with pytest.raises(EditionsError, match=message):
        editions(settings)


def test_each_edition_needs_its_texts_when_the_form_is_on(tmp_path):
    settings = project_settings(ROOT / "content", tmp_path / "output", SUBSCRIBE=SUBSCRIBE)
    settings["EDITIONS"] = {**settings["EDITIONS"], "en": {k: v for k, v in settings["EDITIONS"]["en"].items() if k != "subscribe"}}
    with pytest.raises(EditionsError, match=r"EDITIONS\['en'\]\['subscribe'\] must have exactly the keys title, text, label, button"):
        editions(settings)
