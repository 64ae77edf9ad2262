"""Table-driven and property tests of plugins/french_typography.py (pure functions, no Pelican build)."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import french_typography as ft
from french_typography import DEFAULTS, config, english_html, english_text, french_html, french_text

N = "\u202f"  # narrow no-break space
NB = "\u00a0"  # no-break space

ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def case(id_, given_, expected=None):
    """One table row; ``expected=None`` means "must come out unchanged"."""
    return pytest.param(given_, given_ if expected is None else expected, id=id_)


# ---------------------------------------------------------------------------
# french_text: plain text

FRENCH_TEXT_CASES = [
    # the seed issue's own strings
    case("seed-et-aussi", "Et aussi: Un laboratoire d'IA à 300 millions d'euros en France",
         f"Et aussi{NB}: Un laboratoire d’IA à 300 millions d’euros en France"),
    case("seed-putsch", "Putsch, menaces, exode... le week-end mouvementé d'OpenAI",
         "Putsch, menaces, exode… le week-end mouvementé d’OpenAI"),
    case("seed-exode", "Vers un exode des employés ?", f"Vers un exode des employés{N}?"),
    case("seed-furieux", "ses dirigeants étaient “furieux”, apportant",
         f"ses dirigeants étaient «{N}furieux{N}», apportant"),
    case("seed-amis", "deux “amis incroyables”: Eric Schmidt", f"deux «{N}amis incroyables{N}»{NB}: Eric Schmidt"),
    case("seed-merci", "Merci par avance !", f"Merci par avance{N}!"),
    case("seed-milliards", "80 ou 90 milliards de dollars ?", f"80 ou 90 milliards de dollars{N}?"),
    case("seed-1000-euros", "plus de 1 000 €", f"plus de 1{N}000{NB}€"),
    case("seed-2019", "en 2019"),
    case("seed-poids", "Il disposait d’une arme de poids: les milliards",
         f"Il disposait d’une arme de poids{NB}: les milliards"),
    # ; ! ? get a narrow no-break space
    case("bang-missing", "Bravo!", f"Bravo{N}!"),
    case("question-missing", "Vraiment?", f"Vraiment{N}?"),
    case("semicolon-missing", "un; deux", f"un{N}; deux"),
    case("bang-plain-space", "Quoi !", f"Quoi{N}!"),
    case("bang-two-spaces", "Quoi  !", f"Quoi{N}!"),
    case("bang-nbsp", f"Quoi{NB}!", f"Quoi{N}!"),
    case("bang-newline", "Quoi\n!", f"Quoi{N}!"),
    case("interrobang-correct", f"Quoi{N}?!"),
    case("interrobang-missing", "Quoi?!", f"Quoi{N}?!"),
    case("after-paren", "(vraiment)?", f"(vraiment){N}?"),
    case("after-digit", "Il en reste 3!", f"Il en reste 3{N}!"),
    case("after-ellipsis", "Et alors...?", f"Et alors…{N}?"),
    case("nothing-before", "! début (?) - ?"),
    case("query-string", "la page?id=3 et a=1;b=2"),
    case("winking-emoticon", "super ;)"),
    # colon: no-break space, only when a space (or the end) follows
    case("colon-missing", "Et aussi: x", f"Et aussi{NB}: x"),
    case("colon-plain-space", "Note : voir", f"Note{NB}: voir"),
    case("colon-narrow-space", f"Note{N}: voir", f"Note{NB}: voir"),
    case("colon-at-end", "Pour aller plus loin:", f"Pour aller plus loin{NB}:"),
    case("colon-ratio", "un écran 16:9 ou 4:3"),
    case("colon-time", "rendez-vous à 10:30 précises"),
    case("colon-ipv6", "l’adresse fdda::1f répond"),
    case("colon-cpp", "utilisez std::vector ou std::map"),
    case("colon-after-cpp", "utilisez std::vector: c’est mieux", f"utilisez std::vector{NB}: c’est mieux"),
    # URLs and e-mail addresses are never changed, the text around them is
    case("url-untouched", "voir https://exemple.fr/a?b=1;c=2 ou http://x.fr:8080/chemin"),
    case("url-then-question", "Connaissez-vous https://exemple.fr/page ?", f"Connaissez-vous https://exemple.fr/page{N}?"),
    case("url-www-bang", "Rendez-vous sur www.exemple.fr!", f"Rendez-vous sur www.exemple.fr{N}!"),
    case("email-colon", "écrivez à redaction@cafetech.fr: merci", f"écrivez à redaction@cafetech.fr{NB}: merci"),
    case("url-apostrophe", "lien http://exemple.fr/l'avis?x=1 ok"),
    # quotes
    case("straight-quotes", 'Il a dit "bonjour" hier', f"Il a dit «{N}bonjour{N}» hier"),
    case("nested-straight-quotes", 'Il a dit "le mot "fin" est là"', f"Il a dit «{N}le mot “fin” est là{N}»"),
    case("nested-english-in-guillemets", "« le “bon” choix »", f"«{N}le “bon” choix{N}»"),
    case("guillemets-no-space", "«mot»", f"«{N}mot{N}»"),
    case("guillemets-plain-space", "« mot »", f"«{N}mot{N}»"),
    case("guillemets-nbsp", f"«{NB}mot{NB}»", f"«{N}mot{N}»"),
    case("guillemets-correct", f"«{N}mot{N}»"),
    case("quote-with-question", '"Quoi?"', f"«{N}Quoi{N}?{N}»"),
    case("quote-spaced-inside", '" mot "', f"«{N}mot{N}»"),
    case("inch-mark-alone", 'un écran 27"'),
    case("apostrophes", "l'IA d'OpenAI aujourd'hui jusqu'à", "l’IA d’OpenAI aujourd’hui jusqu’à"),
    case("elision-before-quote", "l'\"IA\"", f"l’«{N}IA{N}»"),
    case("single-quotes-not-guessed", "'mot'"),
    case("ellipsis-four-dots", "Attendez...."),
    # dialogue dash
    case("dialogue-dash", "— Oui, dit-il.", f"—{NB}Oui, dit-il."),
    case("dialogue-dash-no-space", "—Non.", f"—{NB}Non."),
    case("dialogue-dash-new-line", "Il dit :\n— Oui.", f"Il dit{NB}:\n—{NB}Oui."),
    case("incise-dash-untouched", "Il a — enfin — cédé"),
    # numbers
    case("thousands-three-groups", "12 345 678 visiteurs", f"12{N}345{N}678 visiteurs"),
    case("thousands-nbsp", f"1{NB}000 fois", f"1{N}000 fois"),
    case("thousands-decimal", "1 234,56 €", f"1{N}234,56{NB}€"),
    case("digits-without-spaces", "1000 €", f"1000{NB}€"),
    case("postcode", "75011 Paris"),
    case("version", "v1.2.3 et 3,14 et pi = 3.14159"),
    case("year-then-number", "en 2019 300 personnes"),
    case("phone-number", "01 23 45 67 89"),
    case("percent-missing-space", "50%", f"50{NB}%"),
    case("percent-plain-space", "50 %", f"50{NB}%"),
    case("per-mille", "2 ‰", f"2{NB}‰"),
    case("dollars", "100$", f"100{NB}$"),
    case("celsius", "20°C et 21 °C", f"20{NB}°C et 21{NB}°C"),
    case("angle-untouched", "un angle de 90°"),
    case("units", "300 km, 5 Go, 20 min, 10 ms, 3 kg, 2 h", f"300{NB}km, 5{NB}Go, 20{NB}min, 10{NB}ms, 3{NB}kg, 2{NB}h"),
    case("units-glued-untouched", "4G, 5G, 3D, 10x, 24h/24"),
    case("unit-needs-whole-word", "2 heures, 3 s’en vont, 10 mois"),
    case("million-euros", "300 M€", f"300{NB}M€"),
    # ordinals in plain text: letters, corrected
    case("ordinal-1er", "le 1er janvier"),
    case("ordinal-1re", "la 1re fois"),
    case("ordinal-1ere", "la 1ère fois", "la 1re fois"),
    case("ordinal-2eme", "le 2ème étage", "le 2e étage"),
    case("ordinal-2e-grave", "le 2è étage", "le 2e étage"),
    case("ordinal-2ieme", "le 2ième étage", "le 2e étage"),
    case("ordinal-3eme-no-accent", "le 3eme étage", "le 3e étage"),
    case("ordinal-plural", "les 2èmes et les 1ères", "les 2es et les 1res"),
    case("ordinal-roman", "XIXème siècle", "XIXe siècle"),
    case("ordinal-roman-correct", "le XIXe siècle et la Ve République, François Ier"),
    case("roman-words-untouched", "Le chat. Ce chien. De rien. Me voici."),
    case("not-ordinals", "MIX, 2e5, 1e-3, 21er, 0x2e, #2e2e2e, Louis XIV"),
]


@pytest.mark.parametrize(("given_", "expected"), FRENCH_TEXT_CASES)
def test_french_text(given_, expected):
    assert french_text(given_) == expected


@pytest.mark.parametrize(("given_", "expected"), FRENCH_TEXT_CASES)
def test_french_text_is_idempotent_and_markup_free(given_, expected):
    out = french_text(given_)
    assert french_text(out) == out
    assert "<" not in out and not ENTITY_RE.search(out)


# ---------------------------------------------------------------------------
# french_html: HTML fragments

FRENCH_HTML_CASES = [
    case("colon-before-inline", "<p>Et aussi: <em>Un</em> laboratoire</p>", f"<p>Et aussi{NB}: <em>Un</em> laboratoire</p>"),
    case("bang-after-inline-spaced", "<p><em>mot</em> !</p>", f"<p><em>mot</em>{N}!</p>"),
    case("bang-after-inline-glued", "<p><em>mot</em>!</p>", f"<p><em>mot</em>{N}!</p>"),
    case("space-inside-inline-moves-out", "<p><em>mot </em>!</p>", f"<p><em>mot</em>{N}!</p>"),
    case("guillemets-around-link", '<p>« <a href="/x">lien</a> »</p>', f'<p>«{N}<a href="/x">lien</a>{N}»</p>'),
    case("straight-quotes-around-link", '<p>"<a href="/x">lien</a>"</p>', f'<p>«{N}<a href="/x">lien</a>{N}»</p>'),
    case("ordinal-sup-roman", "<p>le XIXe siècle</p>", "<p>le XIX<sup>e</sup> siècle</p>"),
    case("ordinal-sup-corrected", "<p>le 2ème étage</p>", "<p>le 2<sup>e</sup> étage</p>"),
    case("ordinal-sup-1re", "<p>la 1ère fois</p>", "<p>la 1<sup>re</sup> fois</p>"),
    case("ordinal-sup-1er", "<p>le 1er mai</p>", "<p>le 1<sup>er</sup> mai</p>"),
    case("ordinal-sup-republique", "<p>la Ve République</p>", "<p>la V<sup>e</sup> République</p>"),
    case("ordinal-sup-in-link", '<p><a href="/xixe">XIXe</a></p>', '<p><a href="/xixe">XIX<sup>e</sup></a></p>'),
    case("ordinal-already-sup", "<p>le XIX<sup>e</sup> siècle, le 2<sup>e</sup></p>"),
    case("roman-words-html", "<p>Le chat. Ce chien. De rien. MIX.</p>"),
    case("code-untouched", '<p>Tapez <code>a: b ? "c" ...</code> !</p>', f'<p>Tapez <code>a: b ? "c" ...</code>{N}!</p>'),
    case("pre-untouched", '<pre><code>if x: print("a ?")\n# 2ème...\n</code></pre>'),
    case("pygments-pre-untouched", '<div class="highlight"><pre><span class="n">x</span> = "a ?" ...\n</pre></div>'),
    case("kbd-samp-var-untouched", '<p><kbd>Ctrl+C ?</kbd> <samp>"ok" !</samp> <var>n!</var></p>'),
    case("script-untouched", '<script>var s = "a: b !";</script><p>ok!</p>',
         f'<script>var s = "a: b !";</script><p>ok{N}!</p>'),
    case("style-untouched", '<style>a:hover { content: "x ?" }</style><p>"x"</p>',
         f'<style>a:hover {{ content: "x ?" }}</style><p>«{N}x{N}»</p>'),
    case("textarea-untouched", "<textarea>l'avis: 2ème !</textarea>"),
    case("attributes-untouched", """<p><a href="https://x.fr/?a=1&amp;b=2" title='Dit "oui" : 2ème !'>Voir</a> ici</p>"""),
    case("img-alt-untouched", """<p><img alt="l'IA : 2ème ?" src="a.png"> l'IA</p>""",
         """<p><img alt="l'IA : 2ème ?" src="a.png"> l’IA</p>"""),
    case("uppercase-markup-kept", "<P CLASS=intro>Quoi ?</P>", f"<P CLASS=intro>Quoi{N}?</P>"),
    case("entity-amp-kept", "<p>Tom &amp; Jerry&nbsp;!</p>", f"<p>Tom &amp; Jerry{N}!</p>"),
    case("entity-lt-gt-kept", "<p>si a &lt; b &amp;&amp; b &gt; c ?</p>", f"<p>si a &lt; b &amp;&amp; b &gt; c{N}?</p>"),
    case("entity-unchanged-segment-byte-for-byte", "<p>l&#8217;IA&#160;et&nbsp;l&rsquo;ami</p>"),
    case("entity-kept-in-untouched-segment", "<p>l&#8217;IA&nbsp;!</p><p>l&#8217;ami</p>",
         f"<p>l’IA{N}!</p><p>l&#8217;ami</p>"),
    case("entity-quot", "<p>&quot;mot&quot;</p>", f"<p>«{N}mot{N}»</p>"),
    case("url-in-text", "<p>Voir https://exemple.fr/a?b=1 !</p>", f"<p>Voir https://exemple.fr/a?b=1{N}!</p>"),
    case("comment-untouched", "<!-- a: b ! 2ème --><p>ok</p>"),
    case("dialogue-paragraphs", "<p>— Oui.</p><p>— Non.</p>", f"<p>—{NB}Oui.</p><p>—{NB}Non.</p>"),
    case("dialogue-after-br", "<p>Oui<br>— Non</p>", f"<p>Oui<br>—{NB}Non</p>"),
    case("apostrophe-before-tag", "<p>l'<em>IA</em></p>", "<p>l’<em>IA</em></p>"),
    case("colon-after-code", "<p>Utilisez <code>std::vector</code>: c'est mieux</p>",
         f"<p>Utilisez <code>std::vector</code>{NB}: c’est mieux</p>"),
    case("money-in-strong", "<p>plus de <strong>1 000 €</strong></p>", f"<p>plus de <strong>1{N}000{NB}€</strong></p>"),
    case("quotes-pair-per-paragraph", '<p>"a" b</p><p>c "d"</p>', f"<p>«{N}a{N}» b</p><p>c «{N}d{N}»</p>"),
    case("nested-quotes-across-tags", '<p>"il dit <em>"non"</em>"</p>', f"<p>«{N}il dit <em>“non”</em>{N}»</p>"),
    case("no-text-at-all", '<p><img src="a.png"></p>'),
    case("empty", ""),
]


@pytest.mark.parametrize(("given_", "expected"), FRENCH_HTML_CASES)
def test_french_html(given_, expected):
    assert french_html(given_) == expected


@pytest.mark.parametrize(("given_", "expected"), FRENCH_HTML_CASES)
def test_french_html_is_idempotent(given_, expected):
    out = french_html(given_)
    assert french_html(out) == out


# ---------------------------------------------------------------------------
# English

ENGLISH_HTML_CASES = [
    case("smartypants", "<p>\"Hello\" -- it's fine...</p>",
         "<p>&#8220;Hello&#8221; &#8212; it&#8217;s&nbsp;fine&#8230;</p>"),
    case("no-caps", "<p>NASA and the ESA agree</p>", "<p>NASA and the ESA&nbsp;agree</p>"),
    case("attributes-untouched",
         """<p><a title="He said &quot;hi&quot; -- & 'bye'" href="/a?b=1&amp;c=2">Link</a> text</p>""",
         """<p><a title="He said &quot;hi&quot; -- & 'bye'" href="/a?b=1&amp;c=2">Link</a>&nbsp;text</p>"""),
    case("attribute-with-gt", """<p><img alt="a > b &quot;c&quot; -- d" src="x.png"> "ok"</p>""",
         """<p><img alt="a > b &quot;c&quot; -- d" src="x.png">&nbsp;&#8220;ok&#8221;</p>"""),
    case("amp", "<p>Tom & Jerry run</p>", '<p>Tom <span class="amp">&amp;</span> Jerry&nbsp;run</p>'),
    case("code-untouched", '<p>Use <code>"x" -- y</code> now</p>', '<p>Use <code>"x" -- y</code>&nbsp;now</p>'),
    case("quotes-across-tags", "<p>\"<em>Hi</em>\" she said</p>", "<p>&#8220;<em>Hi</em>&#8221; she&nbsp;said</p>"),
    case("widont-per-block", "<ul><li>Item one</li><li><p>Para two here</p></li></ul>",
         "<ul><li>Item&nbsp;one</li><li><p>Para two&nbsp;here</p></li></ul>"),
    case("widont-single-word", "<p>One</p>"),
    case("widont-into-link", '<p>Read <a href="/x">the docs</a></p>', '<p>Read <a href="/x">the&nbsp;docs</a></p>'),
    case("pre-untouched", "<pre>\"x\" -- 'y' ...</pre>"),
]


@pytest.mark.parametrize(("given_", "expected"), ENGLISH_HTML_CASES)
def test_english_html(given_, expected):
    out = english_html(given_)
    assert out == expected
    assert 'class="caps"' not in out
    assert english_html(out) == out


ENGLISH_TEXT_CASES = [
    case("curly", "\"Hello\" -- it's fine...", "“Hello” — it’s fine…"),
    case("no-amp-span", "Tom & Jerry", "Tom & Jerry"),
    case("no-caps", "NASA rocks", "NASA rocks"),
    case("ellipsis-and-dash", "Wait... -- what?", "Wait… — what?"),
]


@pytest.mark.parametrize(("given_", "expected"), ENGLISH_TEXT_CASES)
def test_english_text(given_, expected):
    out = english_text(given_)
    assert out == expected
    assert "<" not in out
    assert not ENTITY_RE.search(out)


# ---------------------------------------------------------------------------
# Settings


def test_config_defaults():
    cfg = config({})
    assert cfg == ft.DEFAULT_CONFIG == config(None)
    assert cfg.enabled is True
    assert cfg.guillemet_space == N and cfg.punctuation_space == N
    assert cfg.colon_space == NB and cfg.thousands_separator == N
    assert cfg.ordinals_sup is True
    assert {"code", "pre", "kbd", "script", "style", "samp", "var"} <= cfg.skip_tags


def test_config_lays_settings_over_defaults_without_mutating():
    settings_ = {"TYPOGRAPHY_GUILLEMET_SPACE": NB, "SITENAME": "Cafétech"}
    before_settings, before_defaults = dict(settings_), dict(DEFAULTS)
    cfg = config(settings_)
    assert cfg.guillemet_space == NB
    assert cfg.punctuation_space == N
    assert settings_ == before_settings and DEFAULTS == before_defaults
    assert french_text("«mot» !", cfg) == f"«{NB}mot{NB}»{N}!"


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ft.DEFAULT_CONFIG.enabled = False


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"TYPOGRAPHY_GUILLEMET_SPACE": " "}, id="plain-space"),
        pytest.param({"TYPOGRAPHY_COLON_SPACE": ""}, id="empty-space"),
        pytest.param({"TYPOGRAPHY_ENABLED": "yes"}, id="not-a-bool"),
        pytest.param({"TYPOGRAPHY_ORDINALS_SUP": 1}, id="int-for-bool"),
        pytest.param({"TYPOGRAPHY_SKIP_TAGS": "code"}, id="skip-tags-string"),
        pytest.param({"TYPOGRAPHY_SKIP_TAGS": ["Code"]}, id="skip-tags-case"),
        pytest.param({"TYPOGRAPHY_EXTRA_UNITS": ["tok s"]}, id="unit-with-space"),
        pytest.param({"TYPOGRAPHY_GUILLEMETS_SPACE": NB}, id="unknown-key"),
    ],
)
def test_config_rejects_bad_settings(bad):
    with pytest.raises(ValueError, match=r"^french_typography: "):
        config(bad)


def test_disabled_changes_nothing():
    cfg = config({"TYPOGRAPHY_ENABLED": False})
    assert french_text("Quoi ? 2ème", cfg) == "Quoi ? 2ème"
    assert french_html("<p>Quoi ? 2ème</p>", cfg) == "<p>Quoi ? 2ème</p>"


def test_ordinals_without_sup():
    cfg = config({"TYPOGRAPHY_ORDINALS_SUP": False})
    assert french_html("<p>le 2ème et le XIXe</p>", cfg) == "<p>le 2e et le XIXe</p>"


def test_extra_units():
    assert french_text("50 tok/s") == "50 tok/s"
    assert french_text("50 tok/s", config({"TYPOGRAPHY_EXTRA_UNITS": ["tok/s"]})) == f"50{NB}tok/s"


def test_skip_tags_setting():
    cfg = config({"TYPOGRAPHY_SKIP_TAGS": ["code", "pre", "blockquote"]})
    assert french_html("<blockquote>Quoi ?</blockquote>", cfg) == "<blockquote>Quoi ?</blockquote>"
    assert french_html("<blockquote>Quoi ?</blockquote>") == f"<blockquote>Quoi{N}?</blockquote>"


def test_importable_without_pelican():
    # The pure functions need no Pelican: register() imports its signals only when called.
    assert callable(ft.register)
    assert "signals" not in vars(ft) and "pelican" not in vars(ft)
    assert set(ft.__all__) >= {"french_html", "french_text", "english_html", "english_text", "config"}


# ---------------------------------------------------------------------------
# Properties

PIECES = [
    "a", "é", "mot", "Le", "Ce", "De", "IA", "XIX", "V", "I", "MIX", "e", "er", "re", "ème", "ère", "è",
    "0", "1", "2", "19", "300", "000", "2019", "75011", "3,14", "v1.2",
    " ", "  ", NB, N, "\n", "\t",
    ";", ":", "!", "?", "?!", ".", "...", ",", "-", "—", "–", "(", ")", "/",
    "'", "’", '"', "“", "”", "«", "»", "„",
    "%", "€", "$", "°C", "km", "h", "Go",
    "https://x.fr/a?b=1", "www.ex.fr", "a.b@c.fr", "std::map", "fdda::1f", "10:30", ";)",
]
frenchish = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.text(max_size=60)
texts = st.one_of(frenchish, any_text)
PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


@st.composite
def fragments(draw):
    """HTML mixing text, inline elements, links with attributes, <code> and <pre>."""
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["text", "em", "a", "code", "pre", "p"]))
        text = draw(frenchish)
        if kind == "text":
            parts.append(esc(text))
        elif kind == "em":
            parts.append(f"<em>{esc(text)}</em>")
        elif kind == "a":
            parts.append(f'<a href="{attr(draw(texts))}" title="{attr(draw(frenchish))}">{esc(text)}</a>')
        elif kind == "code":
            parts.append(f"<code>{esc(text)}</code>")
        elif kind == "pre":
            parts.append(f"<pre>{esc(text)}</pre>")
        else:
            parts.append(f"<p>{esc(text)}</p>")
    return "".join(parts)


PROTECTED_RE = re.compile(r'<code>.*?</code>|<pre>.*?</pre>|\b(?:href|title)="[^"]*"', re.S)
MISSPELT_ORDINAL_RE = re.compile(r"[0-9IVXLCDM](?:ière|iere|ième|ieme|ier|ère|ere|ème|eme|è)")


def letters_and_digits(text: str) -> list[str]:
    return [c for c in text if c.isalnum()]


def html_letters_and_digits(markup: str) -> list[str]:
    """Letters and digits in order, once the <sup> we add are gone and entities decoded."""
    return letters_and_digits(html.unescape(markup.replace("<sup>", "").replace("</sup>", "")))


@PROPERTY
@given(texts)
def test_french_text_idempotent(text):
    once = french_text(text)
    assert french_text(once) == once


@PROPERTY
@given(fragments())
def test_french_html_idempotent(fragment):
    once = french_html(fragment)
    assert french_html(once) == once


@PROPERTY
@given(fragments())
def test_code_pre_and_attributes_never_change(fragment):
    out = french_html(fragment)
    assert PROTECTED_RE.findall(out) == PROTECTED_RE.findall(fragment)


@PROPERTY
@given(texts)
def test_french_text_never_adds_markup_or_entities(text):
    assume("<" not in text and "&" not in text)
    out = french_text(text)
    assert "<" not in out and "&" not in out


@PROPERTY
@given(texts)
def test_french_text_loses_no_character(text):
    assume(not MISSPELT_ORDINAL_RE.search(text))
    assert letters_and_digits(french_text(text)) == letters_and_digits(text)


@PROPERTY
@given(fragments())
def test_french_html_loses_no_character(fragment):
    assume(not MISSPELT_ORDINAL_RE.search(html.unescape(fragment)))
    assert html_letters_and_digits(french_html(fragment)) == html_letters_and_digits(fragment)


@PROPERTY
@given(fragments())
def test_french_html_only_changes_text(fragment):
    """Tags come out byte for byte, in the same order, plus only the <sup> pairs of ordinals."""
    tag = re.compile(r"<[^>]*>")
    out_tags = [t for t in tag.findall(french_html(fragment)) if t not in ("<sup>", "</sup>")]
    assert out_tags == tag.findall(fragment)


@PROPERTY
@given(fragments())
def test_english_html_keeps_code_and_attributes(fragment):
    out = english_html(fragment)
    assert PROTECTED_RE.findall(out) == PROTECTED_RE.findall(fragment)
    assert 'class="caps"' not in out


@PROPERTY
@given(texts)
def test_english_text_is_plain(text):
    assume("<" not in text and "&" not in text)
    out = english_text(text)
    assert "<" not in out and "&" not in out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "c&nbsp;d", "&#160;", "&nbsp;", " ", "  ", "\u00a0", "mot", "é"]), max_size=120), st.integers(4, 64))
def test_last_gap_finds_what_the_whole_pattern_finds(pieces, tail):
    text = "".join(pieces)
    whole, fast = ft._LAST_GAP_RE.search(text), ft._last_gap(text, tail=tail)
    assert (whole.span() if whole else None) == (fast.span() if fast else None)


def test_the_typeset_filter_typesets_each_string_once_per_generator_and_as_the_function_does(monkeypatch):
    """A title or a credit comes back on many pages: the theme's filter keeps what it typeset."""
    import types

    import jinja2
    from markupsafe import Markup

    calls = []
    french = ft.french_html
    monkeypatch.setattr(ft, "french_html", lambda text, cfg: calls.append(text) or french(text, cfg))
    generator = types.SimpleNamespace(settings={**DEFAULTS}, env=jinja2.Environment())
    ft.add_typeset_filter(generator)
    typeset = generator.env.filters["typeset"]
    text = "L'IA « générale » : 10 % des cas"
    first, again, marked = typeset(text), typeset(text), typeset(Markup(text))
    assert calls == [html.escape(text, quote=False)]  # once for the three uses
    assert typeset(text, "en") != first and len(calls) == 1  # another language: English rules
    assert first == again == marked == ft.typeset(text, "fr", ft.settings_config(generator.settings))
    assert isinstance(first, Markup) and first != text  # typeset, not passed through
