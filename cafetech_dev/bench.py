"""The build benchmark behind ``invoke bench``: a synthetic bilingual corpus, and timed builds of it.

``run_bench(sections)`` generates a corpus with the shape of the real content
(``generate_corpus``): ``sections`` French sections in weekly issues of three,
going back from 2023-11-20, each written as the plain text an editor pastes and
imported with ``cafetech.importer.import_issue`` (so the Markdown is exactly what
the importer makes), with a complete English sidecar (``.en.po``) for every
article and ``issue.md``, the registry ``tags.toml`` and the pages of
``content/pages``. One issue in three (the newest first) is imported with
photos (``PHOTO_EVERY``): a third of the sections carry a 1600×1067 JPEG drawn by
Pillow from the seed (``bench_photo``), beside the article with ``Image``,
``Image_credit`` (the issue's credit line names one per section) and ``Image_alt``.
It also writes the same corpus as plain Markdown for a plain
Pelican (``generate_baseline_corpus``): ``sections`` French and ``sections``
English files, paired by slug.

Then it measures, each build in its own Python process (``sys.executable``),
the wall time of the process and its peak RSS (``ru_maxrss``; processes a plugin starts,
such as a search indexer, are reported apart as ``children_peak_mb``):

* ``baseline``: Pelican alone, ``PLUGINS = []``, its built-in ``simple`` theme,
  no typogrify, no cache, on the plain Markdown corpus. Only the settings that
  would make the comparison unfair are set like ours: the same Markdown
  extensions, the same clean URLs, and no folder-as-category (each issue folder
  would otherwise be a category with its own page and feed);
* ``cold``: our build (``pelicanconf.py``, every plugin, our theme) with the
  content cache on, the cache folder and the photo store (``PHOTOS_CACHE_PATH``,
  ``photo-store/``) deleted before the run: the first build ever;
* ``cold_kept``: the same cold build with the photo store the ``cold`` one left:
  a build after a change of the code, which empties ``CACHE_PATH``;
* ``warm``: the same build again, cache kept, after one sentence was appended
  to one paragraph of one article (the file is restored afterwards; its English
  page stays up, stale, which the build says in one warning). The files
  the ``cold_kept`` and ``warm`` builds create or rewrite in the photo store
  are counted: a photo's derivatives or a card encoded again (``photo_cache_changes``).

Then ``preview``: ``invoke livereload``'s long-lived build process and watcher on the corpus, one
sentence appended to each of 10 different articles in turn (``time_preview``): the seconds from the
file's save to the new page on disk (``preview.edit_seconds_median``, ``preview.edit_seconds_p90``),
how many edits a quick page showed (``preview.quick_pages``) and the seconds until the whole site was
built (``preview.build_seconds_median``, ``preview.build_seconds_p90``).

Medians over ``repeat`` rounds (each round: baseline, typography, cold, cold_kept, warm). When the
``further_reading`` plugin has ``Record`` and ``related_articles``,
the ranking of related articles is also timed on 10,000 records, in-process, and so is
translations.update's work on the corpus without and with the translation memory, and
with the state file of the run before it (``time_translations_update``).

The site the last build leaves is weighed (``output_sizes``): in all, per photographed section (its
photo's every file), the drawn cards' median, and how many photographed sections GitHub Pages' 1 GB holds.

Targets (``TARGETS``): cold <= 1.25 x baseline, warm <= 0.35 x cold, peak <= 600 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from cafetech.importer import ISSUES_DIR, import_issue, section_slug
from cafetech.sidecars import parse_source, read_sidecar, render_sidecar, sidecar_path, template_catalog, translate

ROOT = Path(__file__).resolve().parent.parent
PROJECT_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
STORE_INDEXES = ("sources.json", "verified.json")  # the photo store's own records (plugins/photos.py, Store)
PROJECT_CONTENT = ROOT / "content"
PLUGINS_DIR = ROOT / "plugins"
FIRST_ISSUE = dt.date(2023, 11, 20)
SECTIONS_PER_ISSUE = 3
PARAGRAPHS_PER_SECTION = 3
FURTHER_READING_ITEMS = 2
RELATED_RECORDS = 10_000
TARGETS = {"cold_over_baseline": 1.25, "warm_over_cold": 0.35, "peak_mb": 600.0, "linearity": 1.2, "preview_median": 1.0, "preview_p90": 1.5}
LINEARITY_SIZES = (1000, 4000)
WARM_SENTENCE = "Une phrase ajoutée pour mesurer une reconstruction incrémentale."
RESULT_MARKER = "BENCH-RESULT "
PHOTO_EVERY = 3  # one issue in three carries photos, one per section
PHOTO_SIZE = (1600, 1067)
PHOTO_ALTS = [
    "Des tons {colour} sur un fond granuleux", "Des reflets {colour} dans la pénombre",
    "Des néons {colour} derrière une vitre dépolie", "Un écran éteint aux reflets {colour}",
]  # fmt: skip
PHOTO_COLOURS = ["bleus", "orangés", "verts", "violets", "dorés", "gris"]

# --- the words of the corpus ------------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"

# Names that are not in the tag registry: mentioned, never tagged.
OTHER_NAMES = [
    "Apple", "Nvidia", "Samsung", "Orange", "Thales", "Ubisoft", "Doctolib", "Free", "Criteo", "OVHcloud",
    "Capgemini", "Atos", "BlaBlaCar", "Qonto", "Back Market", "Anthropic", "Hugging Face", "Pasqal", "Nabla",
    "Dassault Systèmes", "Bercy", "Bruxelles", "TikTok", "Netflix", "Spotify", "Intel", "Arm", "Alibaba",
]  # fmt: skip

TITLE_TEMPLATES = [
    "{E} lance {O}",
    "{E} dévoile {O}",
    "{E} mise sur {O}",
    "{E} renonce à {O}",
    "Pourquoi {E} parie sur {O}",
    "Comment {E} veut imposer {O}",
    "{E} accélère sur {O}",
    "Le pari risqué {deE} sur {O}",
    "{E} lève {money} pour développer {O}",
    "{E} supprime {small} postes en {place}",
    "{E} condamné à une amende de {money}",
    "{E} rachète {F} pour {money}",
    "Faut-il avoir peur {deE} ?",
    "{E} prépare {O} pour {future}",
    "Bruxelles enquête sur {O} {deE}",
    "« {quote} » : {E} répond à ses critiques",
    "{E} et {F} s’allient autour {deO}",
    "Chez {E}, l’heure des comptes a sonné",
    "{E} face à la fronde de ses salariés",
    "{E} n’a plus le droit à l’erreur !",
]

OBJECTS = [
    "un nouveau modèle de langage", "une puce dédiée à l’IA", "son propre moteur de recherche",
    "un assistant vocal", "une offre de cloud souverain", "ses lunettes connectées", "un abonnement payant",
    "un laboratoire à Paris", "une messagerie chiffrée", "un supercalculateur", "ses centres de données en Europe",
    "un service de traduction automatique", "une IA générative open source", "un casque de réalité mixte",
    "un outil de détection des deepfakes", "une voiture autonome", "un ordinateur quantique",
    "son réseau de fibre optique", "une plateforme de paiement", "un robot conversationnel",
    "sa boutique d'applications", "un forfait 5G à 10 €", "son premier smartphone pliable",
    "une application de covoiturage", "un moteur de recommandation", "ses serveurs à Marseille",
    "un jeu vidéo en streaming", "une banque en ligne", "un service de télémédecine", "un satellite de télécoms",
    "une usine de batteries", "son modèle d’IA multimodal", "une carte graphique pour les data centers",
    "un partenariat avec l’État", "une version gratuite de son chatbot", "un fonds d’amorçage",
]  # fmt: skip

QUOTES = [
    "Nous ne sommes pas des pirates", "L’IA n’est pas un gadget", "On ne joue pas avec les données",
    "Personne ne nous arrêtera", "Le cloud souverain est un mythe", "Tout le monde triche",
    "La régulation tue l’innovation", "Nous avons sous-estimé le problème",
]  # fmt: skip

PLACES = ["France", "Europe", "Irlande", "Allemagne", "Inde", "Californie", "Espagne", "Italie"]
CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Grenoble", "Montpellier"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre", "novembre"]
TITLE_QUALIFIERS = [
    " en Europe", " aux États-Unis", " en France", " en Asie", " dès l’an prochain", " d’ici 2030",
    " malgré les critiques", " sous pression", " à marche forcée", " contre toute attente",
]  # fmt: skip

SUBHEADINGS = [
    "Fronde des investisseurs", "Un marché sous tension", "Vers un exode des employés ?", "Pari risqué",
    "La riposte s’organise", "Bruxelles veille", "Des chiffres en trompe-l’œil", "Un modèle économique fragile",
    "Course aux talents", "Et maintenant ?", "Concurrence acharnée", "Le nerf de la guerre",
    "Une régulation à la traîne", "Cap sur l’Europe", "Des clients méfiants", "Pression des actionnaires",
    "Une facture salée", "Souveraineté numérique", "Open science", "Le défi de l’énergie",
    "Des usages encore flous", "Un calendrier serré", "Sortir de la dépendance", "La bataille des puces",
    "Enveloppe limitée", "Quel avenir pour {E} ?", "{E} en embuscade", "La réponse {deE}", "Le XXIe siècle",
    "Une « révolution » annoncée", "Coup d'accélérateur", "Les syndicats inquiets", "Trop tard !",
]  # fmt: skip

SENTENCES = [
    "Selon nos informations, {E} prévoit d’investir {money} dans ce projet d’ici {future}.",
    "{E} n’a pas souhaité commenter ces informations.",
    "Le chiffre d’affaires {deE} a progressé de {pct} sur un an, à {money}.",
    "« C’est un tournant pour toute l’industrie », estime un analyste interrogé par Cafétech.",
    "“Nous n’avons jamais été aussi proches du but”, affirme un porte-parole {deE}.",
    "Depuis {past}, la société a multiplié les annonces, sans toujours convaincre.",
    "Mais la concurrence s’intensifie, notamment face à {E}.",
    "Faut-il s’en inquiéter ?",
    "Rien n’est moins sûr !",
    "L’abonnement coûtera {price} par mois, soit deux fois plus qu’aujourd’hui.",
    "Au total, plus de {count} entreprises utilisent déjà ses services en Europe.",
    "Les investisseurs restent prudents: l’action {deE} a reculé de {pct} depuis janvier.",
    "En coulisses, les équipes {deE} travaillent sur le sujet depuis près de {small} mois.",
    "Le projet avait pourtant été présenté comme « prioritaire » lors de la dernière conférence annuelle.",
    "Bruxelles pourrait infliger une amende allant jusqu’à {pct} du chiffre d’affaires mondial {deE}.",
    "L’enjeu est considérable pour l’IA générative, un marché estimé à {money} en {future}.",
    "Ce n'est pas la première fois que {E} se retrouve dans le viseur des régulateurs.",
    "Un ancien cadre résume: “ils veulent aller vite, quitte à casser des choses”.",
    "Difficile, dans ces conditions, de prévoir la suite.",
    "Les syndicats dénoncent un plan « brutal » qui pourrait toucher {count} salariés.",
    "{E} revendique {count} utilisateurs actifs chaque semaine, un record pour un service lancé en {past}.",
    "Pour l'heure, aucun calendrier précis n'a été communiqué.",
    "Le gouvernement a promis une enveloppe de {money} pour soutenir l’intelligence artificielle.",
    "Qui paiera la facture ?",
    "Le coût d’entraînement d’un tel modèle dépasserait {money}, d’après plusieurs estimations.",
    "{E} assure de son côté respecter « scrupuleusement » le RGPD.",
    "Les premiers tests, menés auprès de {count} volontaires, se sont révélés encourageants.",
    "Une mauvaise nouvelle pour {E}, qui comptait sur ce contrat pour rebondir.",
    "À {city}, l’annonce a été accueillie avec enthousiasme !",
    "Le marché européen reste très fragmenté, avec {small} opérateurs dans {small} pays.",
    "Les précommandes ouvriront le {day} {month}, au prix de {price}.",
    "La consommation électrique des centres de données a bondi de {pct} en {past}.",
    "{E} promet une version « plus sûre et plus transparente » avant la fin de l’année.",
    "Ses dirigeants évoquent désormais un lancement au {ordinal} trimestre {future}.",
    "Le XXIe siècle sera celui de l’IA, répète à l’envi le patron {deE}.",
    "La décision est attendue d’ici à {month} {future}.",
    "Entre {past} et {future}, le nombre d’utilisateurs devrait être multiplié par {small}.",
    "Le groupe emploie {count} personnes dans le monde, dont {small} 000 en France.",
    "Un pari audacieux, mais risqué.",
    "Reste à savoir si les clients suivront.",
    "« On ne va pas s’arrêter là », prévient le fondateur {deE}, interrogé jeudi par l’AFP.",
    "L’accès à l’API sera facturé {cents} pour mille requêtes.",
    "Le modèle compte {small} milliards de paramètres, contre {small} pour la version précédente.",
    "De son côté, {E} n’a pas caché son agacement face à ces choix.",
    "La question divise jusque dans les rangs {deE}: faut-il ralentir ?",
    "Pour les concurrents de {E}, l’occasion est trop belle !",
]  # fmt: skip

ISSUE_TITLES = [
    "Putsch, menaces, exode... la semaine agitée {deE}",
    "{E} contre-attaque",
    "La semaine où {E} a tout changé",
    "Coup de tonnerre chez {E}",
    "{E}, le grand chambardement",
    "Le coup de poker {deE}",
    "Rien ne va plus pour {E}",
]
INTRODUCTIONS = [
    "Depuis trois ans, Cafétech vous accompagne pour décrypter l’actualité tech.",
    "Merci par avance pour votre soutien !",
    "Cette semaine, trois sujets qui en disent long sur l’état du secteur.",
    "Une actualité chargée, comme souvent à l'approche des fêtes.",
    "Vous êtes désormais plus de 40 000 à nous lire chaque lundi: merci !",
    "Bonne lecture, et n’hésitez pas à nous écrire.",
]


def _elide(word: str, particle: str) -> str:
    """'de' + 'OpenAI' -> 'd’OpenAI', 'de' + 'Microsoft' -> 'de Microsoft'."""
    return f"{particle[0]}’{word}" if word[:1] in "AEIOUYÉÈÀaeiouyéèà" else f"{particle} {word}"


def _registry_names(tags_toml: Path) -> list[str]:
    """The registry's canonical names and aliases that read as a company, a product or a person."""
    try:
        data = tomllib.loads(tags_toml.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    names = []
    for name, entry in data.items():
        aliases = entry.get("aliases", []) if isinstance(entry, dict) else []
        names.extend(n for n in [name, *aliases] if n[:1].isupper() and n != "IA")
    # "Intelligence artificielle" is named by the sentences themselves ("l’IA", "l’intelligence artificielle").
    return [n for n in dict.fromkeys(names) if n.casefold() != "intelligence artificielle"]


class _Writer:
    """Deterministic French text from ``random.Random(seed)``."""

    def __init__(self, seed: int, registry: list[str]):
        self.rng = random.Random(seed)
        self.registry = registry or ["OpenAI", "Microsoft", "Mistral AI", "Google"]
        self.names = self.registry + OTHER_NAMES

    # numbers as the newsletter writes them: 1 000 €, 300 millions d’euros, 12 %, 2019
    def money(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return f"{rng.randint(2, 900)} millions d’euros"
        if kind == 1:
            return f"{rng.randint(1, 99)},{rng.randint(1, 9)} milliards de dollars"
        if kind == 2:
            return f"{rng.randint(1, 99)}{rng.choice([' ', NBSP, NNBSP])}000 €"
        return f"{rng.randint(10, 950)}{NBSP}000 dollars"

    def count(self) -> str:
        rng = self.rng
        return rng.choice([f"{rng.randint(2, 999)}{rng.choice([' ', NNBSP])}000", f"{rng.randint(120, 990)}"])

    def fill(self, template: str, main: str, second: str) -> str:
        rng = self.rng

        def name() -> str:
            roll = rng.random()
            return main if roll < 0.5 else second if roll < 0.8 else rng.choice(self.names)

        values = {
            "money": self.money,
            "count": self.count,
            "pct": lambda: f"{rng.randint(2, 60)}{rng.choice([' ', NBSP])}%",
            "price": lambda: f"{rng.randint(5, 49)},99 €",
            "cents": lambda: f"0,{rng.randint(10, 90)} €",
            "small": lambda: str(rng.randint(2, 40)),
            "past": lambda: str(rng.randint(2015, 2022)),
            "future": lambda: str(rng.randint(2024, 2030)),
            "day": lambda: rng.choice(["1er", "2", "15", "21", "30"]),
            "month": lambda: rng.choice(MONTHS),
            "ordinal": lambda: rng.choice(["1er", "2e", "3e", "4e"]),
            "city": lambda: rng.choice(CITIES),
            "place": lambda: rng.choice(PLACES),
            "quote": lambda: rng.choice(QUOTES),
        }

        def replace(match: re.Match) -> str:
            key = match[1]
            if key == "E":
                return name()
            if key == "deE":
                return _elide(name(), "de")
            return values[key]()

        return re.sub(r"\{(\w+)\}", replace, template)

    def sentences(self, count: int, main: str, second: str) -> str:
        picked = self.rng.sample(SENTENCES, count)
        return " ".join(self.fill(sentence, main, second) for sentence in picked)

    def title(self, main: str) -> str:
        rng = self.rng
        template = rng.choice(TITLE_TEMPLATES)
        other = rng.choice([n for n in self.names if n != main])
        obj = rng.choice(OBJECTS)
        de_obj = _elide(obj, "de")  # "d’un service", "d’une IA", "de son réseau"
        text = template.replace("{E}", main).replace("{deE}", _elide(main, "de")).replace("{F}", other)
        text = text.replace("{O}", obj).replace("{deO}", de_obj)
        return self.fill(text, main, main)


MENTIONS = [
    "{E} n’a pas souhaité commenter ces informations.",
    "Mais la concurrence s’intensifie, notamment face à {E}.",
    "{E} assure de son côté respecter « scrupuleusement » le RGPD.",
    "Pour les concurrents de {E}, l’occasion est trop belle !",
]


def _name_enough(rng: random.Random, name: str, paragraphs: list, times: int = 3) -> None:
    """Append sentences naming ``name`` to the paragraphs until it is named ``times`` times."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    found = sum(len(pattern.findall(text)) for _, text in paragraphs)
    for _ in range(max(0, times - found)):
        at = rng.randrange(len(paragraphs))
        head, text = paragraphs[at]
        paragraphs[at] = (head, text + " " + rng.choice(MENTIONS).replace("{E}", name))


def _corpus_plan(sections: int, seed: int, registry: list[str]) -> list[dict]:
    """Every issue of the corpus as data: date, texts, sections (title, lede, paragraphs, further reading)."""
    writer = _Writer(seed, registry)
    rng = writer.rng
    titles, slugs, mains = [], set(), []
    for number in range(sections):
        main = rng.choice(writer.registry) if rng.random() < 0.7 else rng.choice(OTHER_NAMES)
        for attempt in range(40):
            title = writer.title(main)
            if attempt >= 20:
                title += TITLE_QUALIFIERS[(attempt - 20) % len(TITLE_QUALIFIERS)]
            if attempt >= 30:
                title += f" (épisode {number})"
            slug = section_slug(title)
            if slug not in slugs and len(title.split()) <= 30 and not title.endswith((".", ":", ";", ",")):
                break
        slugs.add(slug)
        titles.append(title)
        mains.append(main)

    plan = []
    for start in range(0, sections, SECTIONS_PER_ISSUE):
        numbers = range(start, min(start + SECTIONS_PER_ISSUE, sections))
        date = FIRST_ISSUE - dt.timedelta(days=7 * (start // SECTIONS_PER_ISSUE))
        items = []
        for number in numbers:
            main = mains[number]
            second = rng.choice([n for n in writer.registry if n != main])  # named about three times: tagged
            paragraphs = []
            for head in rng.sample(SUBHEADINGS, PARAGRAPHS_PER_SECTION):
                head = writer.fill(head, main, second)
                paragraphs.append((head, writer.sentences(rng.randint(6, 8), main, second)))
            _name_enough(rng, second, paragraphs)  # so that it tags the section
            reading, picked = [], {number}  # other sections, often of the weeks around, else any
            while len(reading) < FURTHER_READING_ITEMS and len(picked) < sections:
                if rng.random() < 0.6:
                    choice = min(max(number + rng.randint(-30, 30), 0), sections - 1)
                else:
                    choice = rng.randrange(sections)
                if choice not in picked:
                    picked.add(choice)
                    reading.append(titles[choice])
            items.append(
                {
                    "title": titles[number],
                    "lede": writer.sentences(rng.randint(5, 7), main, second),
                    "paragraphs": paragraphs,
                    "further_reading": reading,
                }
            )
        lead = mains[numbers[0]]
        plan.append(
            {
                "date": date,
                "title": writer.fill(rng.choice(ISSUE_TITLES), lead, lead),
                "subtitle": items[1]["title"] if len(items) > 1 else items[0]["title"],
                "introduction": " ".join(rng.sample(INTRODUCTIONS, 2)),
                "credits": f"{lead} - {rng.choice(OTHER_NAMES)}",
                "sections": items,
            }
        )
    return plan


def issue_text(issue: dict) -> str:
    """The plain text of an issue, as the email tool gives it (see the README)."""
    lines = [issue["title"], f"Et aussi: {issue['subtitle']}", issue["introduction"]]
    for section in issue["sections"]:
        lines += [section["title"], section["lede"]]
        lines += [f"{head} – {text}" for head, text in section["paragraphs"]]
        if section["further_reading"]:
            lines.append("Pour aller plus loin:")
            lines += [f"– {title}" for title in section["further_reading"]]
    lines.append(f"Crédit photos: {issue['credits']}")
    return "\n".join(lines) + "\n"


PUBLISHED_ON = "2023-01-01"  # a fixed day: the corpus is the same at every run


def english_sidecar(source: Path, created: dt.datetime | None = None) -> Path:
    """Write ``source``'s complete English sidecar: every msgstr is ``"EN " + msgid`` (markup kept).

    The catalog is the one ``update_sidecar(source)`` creates for a new sidecar
    (``template_catalog`` of the parsed source), filled, then written with
    ``render_sidecar``: ``update_sidecar`` finds it up to date.
    """
    catalog = template_catalog(parse_source(source.read_text("utf-8")), source.name)
    if created is not None:
        catalog.creation_date = created  # reproducible files
    for message in catalog:
        if message.id:
            message.string = "EN " + message.id
    catalog.extra_headers["X-Published"] = PUBLISHED_ON  # complete, so published (as update would stamp it)
    path = sidecar_path(source)
    path.write_bytes(render_sidecar(catalog))
    return path


def bench_photo(seed: int, size: tuple[int, int] = PHOTO_SIZE) -> bytes:
    """A JPEG of ``size`` (quality 85), the same for the same seed: gradients, a coarse texture and
    fine grain, so that it weighs and encodes like a photo (about 430 kB at 1600×1067)."""
    import io

    from PIL import Image

    rng = random.Random(seed)
    width, height = size
    bands = []
    for _ in range(3):
        gradient = rng.choice([Image.linear_gradient, Image.radial_gradient])("L")
        gradient = gradient.rotate(rng.randrange(360), resample=Image.BICUBIC, fillcolor=rng.randrange(256))
        bands.append(gradient.resize(size, Image.BICUBIC))
    small = (max(1, width // 8), max(1, height // 8))
    coarse = Image.frombytes("RGB", small, rng.randbytes(3 * small[0] * small[1])).resize(size, Image.BICUBIC)
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    image = Image.blend(Image.blend(Image.merge("RGB", bands), coarse, 0.25), grain, 0.08)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    return data.getvalue()


def _add_alt(source: Path, alt: str) -> None:
    """Write ``Image_alt`` under the ``Image`` line of an imported article (the importer has no alt text)."""
    text = source.read_text("utf-8")
    text = re.sub(r"^(Image: .*)$", lambda match: f"{match[1]}\nImage_alt: {alt}", text, count=1, flags=re.M)
    source.write_text(text, encoding="utf-8")


def generate_corpus(content_dir: str | os.PathLike, sections: int, seed: int = 0, photo_every: int | None = PHOTO_EVERY) -> dict:
    """Write a synthetic bilingual corpus of ``sections`` sections into ``content_dir`` (created).

    Issues of three sections, one a week back from 2023-11-20, each imported with
    ``import_issue`` from its plain text (kept beside, in ``<content_dir>-issue-texts/``),
    ``tags.toml`` and ``pages/`` copied from the project, a complete ``.en.po``
    beside every article, ``issue.md`` and page. One issue in ``photo_every`` (None: none) is
    imported with photos (``import_issue(..., photos=DIR)``, DIR in
    ``<content_dir>-issue-photos/<date>/``), each article given an ``Image_alt``.
    ``content_dir`` must not hold issues already. Returns a summary:
    ``{"sections", "issues", "articles": [paths], "photos": [paths], "titles": [...], "seconds"}``.
    """
    started = time.perf_counter()
    content = Path(content_dir)
    if sections < 1:
        raise ValueError(f"sections must be >= 1, not {sections}")
    if content.resolve() == PROJECT_CONTENT.resolve() or any((content / ISSUES_DIR).glob("*")):
        raise ValueError(f"{content}: the synthetic corpus goes into a new folder, not one holding issues")
    content.mkdir(parents=True, exist_ok=True)
    registry = PROJECT_CONTENT / "tags.toml"
    if registry.exists():
        shutil.copy2(registry, content / "tags.toml")
    if (PROJECT_CONTENT / "pages").is_dir():
        shutil.copytree(PROJECT_CONTENT / "pages", content / "pages", dirs_exist_ok=True)
    texts = content.parent / f"{content.name}-issue-texts"
    texts.mkdir(parents=True, exist_ok=True)

    plan = _corpus_plan(sections, seed, _registry_names(registry))
    pictures = random.Random(f"photos-{seed}")  # apart from the text's generator: the texts stay as they were
    articles: list[Path] = []
    photos: list[Path] = []
    for number, issue in enumerate(plan):
        day = issue["date"].isoformat()
        folder_of_photos = None
        if photo_every and number % photo_every == 0:
            folder_of_photos = content.parent / f"{content.name}-issue-photos" / day
            folder_of_photos.mkdir(parents=True, exist_ok=True)
            for position in range(1, len(issue["sections"]) + 1):
                (folder_of_photos / f"{position:02d}.jpg").write_bytes(bench_photo(pictures.randrange(2**32)))
            credits = [pictures.choice(OTHER_NAMES) for _ in issue["sections"]]
            issue = {**issue, "credits": " - ".join(credits)}  # one credit a photo: each becomes Image_credit
        text_path = texts / f"{day}.txt"
        text_path.write_text(issue_text(issue), encoding="utf-8")
        report = import_issue(text_path, day, content, force=True, photos=folder_of_photos)
        created = dt.datetime.combine(issue["date"], dt.time(9, 0), dt.timezone.utc)
        folder = report.directory
        for source in sorted(folder.glob("*.md")):
            if source.name != "issue.md" and folder_of_photos is not None:
                alt = pictures.choice(PHOTO_ALTS).replace("{colour}", pictures.choice(PHOTO_COLOURS))
                _add_alt(source, alt)
                photos.extend(sorted(folder.glob(source.stem + ".jpg")))
            english_sidecar(source, created)
            if source.name != "issue.md":
                articles.append(source)
    return {
        "sections": sections,
        "issues": len(plan),
        "articles": articles,
        "photos": photos,
        "titles": [section["title"] for issue in plan for section in issue["sections"]],
        "seconds": time.perf_counter() - started,
    }


# --- the plain Pelican corpus -----------------------------------------------------


def _header(metadata: dict) -> str:
    lines = []
    for key, value in metadata.items():
        values = value if isinstance(value, list) else [value]
        values = [str(v) for v in values if str(v).strip()]
        if values:
            lines.append(f"{key.capitalize()}: {values[0]}")
            lines += [f"    {v}" for v in values[1:]]
    return "\n".join(lines) + "\n"


def _english_of(source: Path) -> tuple[dict, str]:
    """The English metadata and body of a French source: its sidecar's, else "EN " before each block."""
    document = parse_source(source.read_text("utf-8"))
    po = sidecar_path(source)
    if po.exists():
        translated = translate(document, read_sidecar(po))
        return dict(translated.metadata), translated.body
    catalog = template_catalog(document, source.name)
    for message in catalog:
        if message.id:
            message.string = "EN " + message.id
    translated = translate(document, catalog)
    return dict(translated.metadata), translated.body


def generate_baseline_corpus(ours_content: str | os.PathLike, baseline_dir: str | os.PathLike) -> dict:
    """Write ``ours_content`` as plain Pelican Markdown into ``baseline_dir``: each French article as it
    is, plus ``<name>.en.md`` (``Lang: en``, the same Slug, the English text of its sidecar), no ``.po``,
    no ``issue.md``; the pages likewise. Returns ``{"french": n, "english": n}``."""
    ours, baseline = Path(ours_content), Path(baseline_dir)
    baseline.mkdir(parents=True, exist_ok=True)
    counts = {"french": 0, "english": 0}
    sources = sorted((ours / ISSUES_DIR).glob("*/*.md")) + sorted((ours / "pages").glob("*.md"))
    for source in sources:
        if source.name == "issue.md":
            continue
        target = baseline / source.relative_to(ours)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text("utf-8")
        target.write_text(text, encoding="utf-8")
        metadata, body = _english_of(source)
        metadata = {"lang": "en", **{k: v for k, v in metadata.items() if k != "lang"}}
        target.with_suffix(".en.md").write_text(_header(metadata) + "\n" + body.lstrip("\n") + "\n", encoding="utf-8")
        if source.parent.name != "pages":
            counts["french"] += 1
            counts["english"] += 1
    return counts


def baseline_settings(content: Path, output: Path) -> str:
    """The settings file of the plain Pelican build."""
    import pelican

    simple = Path(pelican.__file__).resolve().parent / "themes" / "simple"
    settings = {
        "AUTHOR": "Cafétech",
        "SITENAME": "Cafétech",
        "SITEURL": "",
        "FEED_DOMAIN": "http://localhost:8000",  # as pelicanconf.py's default: feeds need an absolute base
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(simple),
        "PLUGINS": [],
        "TYPOGRIFY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "TIMEZONE": "Europe/Paris",
        "DEFAULT_LANG": "fr",
        "ARTICLE_PATHS": ["issues"],
        "PAGE_PATHS": ["pages"],
        "USE_FOLDER_AS_CATEGORY": False,
        "DEFAULT_PAGINATION": False,
        "ARTICLE_URL": "{date:%Y}/{date:%m}/{slug}/",
        "ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{slug}/index.html",
        "ARTICLE_LANG_URL": "{lang}/{date:%Y}/{date:%m}/{slug}/",
        "ARTICLE_LANG_SAVE_AS": "{lang}/{date:%Y}/{date:%m}/{slug}/index.html",
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        "PAGE_LANG_URL": "{lang}/{slug}/",
        "PAGE_LANG_SAVE_AS": "{lang}/{slug}/index.html",
        "MARKDOWN": {
            "extension_configs": {
                "markdown.extensions.extra": {},
                "markdown.extensions.toc": {},
                "markdown.extensions.meta": {},
            },
            "output_format": "html5",
        },
    }
    return "".join(f"{key} = {value!r}\n" for key, value in settings.items())


# --- measuring ----------------------------------------------------------------------

CHILD = """\
import json, os, resource, sys, time
spec = json.loads(sys.argv[1])
os.chdir(spec["cwd"])  # python -c puts the folder it runs in first on sys.path: the project
started = time.perf_counter()
import pelican
code = 0
try:
    pelican.main(spec["argv"])
except SystemExit as stop:
    code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)  # e.g. an indexer a plugin runs
sys.stdout.flush()
print(%r + json.dumps({"build_seconds": elapsed, "maxrss_kib": usage.ru_maxrss,
                       "cpu_seconds": usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime,
                       "children_maxrss_kib": children.ru_maxrss, "code": code}), flush=True)
sys.exit(code)
""" % RESULT_MARKER


class BenchError(RuntimeError):
    """A build of the benchmark failed; the message holds the end of its output."""


def _run_child(argv: list[str], log_path: Path) -> dict:
    """Run ``pelican.main(argv)`` in a new Python process at the repository root; its measures."""
    spec = {"cwd": str(ROOT), "argv": argv}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(spec)], capture_output=True, text=True, cwd=str(ROOT)
    )
    wall = time.perf_counter() - started
    log_path.write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BenchError(f"build failed (exit code {done.returncode}), see {log_path}:\n{tail}")
    measured = json.loads(lines[-1][len(RESULT_MARKER) :])
    # At Pelican's default verbosity only warnings and errors are logged, one a line, on stderr.
    warnings = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith(" ")]
    return {
        "seconds": wall,
        "build_seconds": measured["build_seconds"],
        "peak_mb": measured["maxrss_kib"] / 1024,
        "cpu_seconds": measured["cpu_seconds"],  # steadier than wall time on a shared machine
        "children_peak_mb": measured.get("children_maxrss_kib", 0) / 1024,
        "warnings": len(warnings),
        "first_warning": warnings[0] if warnings else None,
    }


def _ours_argv(content: Path, output: Path, cache: Path, photo_store: Path | None = None, publish: bool = False) -> list[str]:
    """A development build (Pelican's content cache on); with ``publish``, a build as `invoke gh-pages`
    makes it: publishconf.py, every content read afresh, the photo store verified byte for byte."""
    overrides = {
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(PLUGINS_DIR)],
        **({"PHOTOS_CACHE_VERIFY": "digest"} if publish else {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}),
        **({"PHOTOS_CACHE_PATH": str(photo_store)} if photo_store else {}),
    }
    return [
        str(content),
        "--settings", str(PUBLISH_SETTINGS if publish else PROJECT_SETTINGS),
        "--output", str(output),
        "--cache-path", str(cache),
        "--fatal", "errors",
        "--log-handler", "plain",
        "--extra-settings", *(f"{key}={json.dumps(value)}" for key, value in overrides.items()),
    ]  # fmt: skip


def _baseline_argv(content: Path, output: Path, settings: Path) -> list[str]:
    return [str(content), "--settings", str(settings), "--output", str(output), "--fatal", "errors", "--log-handler", "plain"]


def count_html(output: str | os.PathLike) -> int:
    return sum(1 for _ in Path(output).rglob("*.html"))


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _summary(runs: list[dict]) -> dict:
    return {
        "seconds": round(_median(runs, "seconds"), 3),
        "build_seconds": round(_median(runs, "build_seconds"), 3),
        "cpu_seconds": round(_median(runs, "cpu_seconds"), 3),
        "peak_mb": round(_median(runs, "peak_mb"), 1),
        "children_peak_mb": round(max(run["children_peak_mb"] for run in runs), 1),
        "warnings": max(run["warnings"] for run in runs),
        "first_warning": next((run["first_warning"] for run in runs if run["first_warning"]), None),
        "runs": [{key: round(run[key], 3) for key in ("seconds", "build_seconds", "peak_mb")} for run in runs],
    }


# Each ratio of the bench: (its name, the run measured, the run it is measured against, the measure).
RATIOS = (
    ("cold_over_baseline", "cold", "baseline", "seconds"),
    ("cold_kept_over_baseline", "cold_kept", "baseline", "seconds"),
    ("warm_over_baseline", "warm", "baseline", "seconds"),
    ("publish_over_baseline", "publish", "baseline", "seconds"),
    ("publish_over_cold_kept", "publish", "cold_kept", "seconds"),
    ("warm_over_cold", "warm", "cold", "seconds"),
    ("typography_over_baseline", "typography", "baseline", "seconds"),
    ("cpu_cold_over_baseline", "cold", "baseline", "cpu_seconds"),
    ("cpu_cold_kept_over_baseline", "cold_kept", "baseline", "cpu_seconds"),
    ("cpu_typography_over_baseline", "typography", "baseline", "cpu_seconds"),
)


def paired_ratios(runs: dict[str, list[dict]]) -> dict[str, float]:
    """Each ratio taken round by round (the two builds ran back to back, under the same load) and
    the median of those: on a shared machine a load that comes and goes moves both terms of a round
    together, where a ratio of two medians mixes rounds."""
    ratios = {}
    for name, measured, against, key in RATIOS:
        if runs.get(measured) and runs.get(against):
            ratios[name] = round(statistics.median(m[key] / a[key] for m, a in zip(runs[measured], runs[against], strict=True)), 3)
    return ratios


def cache_files(folder: str | os.PathLike) -> dict[str, int]:
    """{path relative to ``folder``: mtime_ns} of every file under it (none when it does not exist)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


PAGES_LIMIT_BYTES = 1024**3  # GitHub Pages refuses a published site over 1 GB
_PHOTO_FILE = re.compile(r"^(.+-[0-9a-f]{10})-(?:thumbnail-)?(?:\d+|card)\.\w+$")  # plugins/photos.py: make_photo


def output_sizes(output: str | os.PathLike, sections: int | None = None, photos_path: str = "photos", cards_path: str = "cards") -> dict:
    """What a built site weighs: in all (``total_mb``); a photographed section's every file (its photo's
    widths, thumbnails and card: ``photos/`` over the photos in it); the drawn cards' median; and, given
    the corpus' ``sections``, how many sections GitHub Pages' 1 GB holds were every one photographed."""
    output = Path(output)
    sizes = {path.relative_to(output).as_posix(): path.stat().st_size for path in output.rglob("*") if path.is_file()}
    photo_bytes, photographs = 0, set()
    for name, size in sizes.items():
        folder, _, file = name.rpartition("/")
        if folder == photos_path and (found := _PHOTO_FILE.match(file)):
            photo_bytes += size
            photographs.add(found[1])
    cards = sorted(size for name, size in sizes.items() if name.rpartition("/")[0] == cards_path)
    total = sum(sizes.values())
    per_photo = photo_bytes / len(photographs) if photographs else None
    result = {
        "total_mb": round(total / 1024**2, 1),
        "photographed_sections": len(photographs),
        "kb_per_photographed_section": round(per_photo / 1024, 1) if per_photo else None,
        "card_kb_median": round(statistics.median(cards) / 1024, 1) if cards else None,
    }
    if sections and per_photo:
        rest = (total - photo_bytes) / sections  # a section's share of the pages, feeds, search index, drawn cards
        result["photographed_sections_in_1gb"] = int(PAGES_LIMIT_BYTES // (rest + per_photo))
    return result


def photo_cache_changes(before: dict[str, int], after: dict[str, int]) -> dict:
    """What a build wrote into the photos cache, from ``cache_files`` before and after it: the files
    created or rewritten (its indexes ``sources.json`` and ``verified.json`` aside), the photos among
    them (their entries, one folder a photo) and the cards (``card-*.png``)."""
    changed = [name for name, mtime in after.items() if before.get(name) != mtime and name not in STORE_INDEXES]
    photos = {Path(name).parts[0] for name in changed if len(Path(name).parts) > 1}
    cards = [name for name in changed if Path(name).name.startswith("card-") and len(Path(name).parts) == 1]
    return {"files": len(changed), "photos": len(photos), "cards": len(cards)}


def _touch_one_article(articles: list[Path]) -> tuple[Path, str]:
    """Append a sentence to the last paragraph of the middle article; (path, its text before)."""
    path = articles[len(articles) // 2]
    before = path.read_text("utf-8")
    path.write_text(before.rstrip("\n") + " " + WARM_SENTENCE + "\n", encoding="utf-8")
    return path, before


PREVIEW_EDITS = 10


def page_of(article: Path, output: Path) -> Path:
    """The French page of an article (found by its slug)."""
    slug = re.search(r"^Slug: (.+)$", article.read_text("utf-8"), re.M)[1].strip()
    return next(page for page in output.glob(f"**/{slug}/index.html") if page.relative_to(output).parts[0] != "en")


def time_preview(content: Path, base: Path, store: Path | None = None, edits: int = PREVIEW_EDITS, log=print) -> dict:
    """The preview as an editor meets it (``invoke livereload``'s build process and watcher): one sentence
    appended to each of ``edits`` different articles in turn, the seconds from the file's save to the new
    page on disk. Every article is restored afterwards (the watcher stopped first)."""
    import threading

    from cafetech.preview import Builder, follow

    output, cache = base / "output-preview", base / "cache-preview"
    for stale in (output, cache):
        shutil.rmtree(stale, ignore_errors=True)
    cache.mkdir(parents=True)
    if store is not None and store.is_dir():
        (cache / "photos").symlink_to(store, target_is_directory=True)  # no photo encoded again
    builder = Builder(PROJECT_SETTINGS, content, output, cache, ROOT)
    articles = sorted(content.glob(f"{ISSUES_DIR}/*/[0-9][0-9]-*.md"))
    chosen = [articles[(index * len(articles)) // edits + len(articles) // (2 * edits)] for index in range(edits)]
    originals = {article: article.read_text("utf-8") for article in chosen}
    stop, seconds, builds, quick, whole = threading.Event(), [], [], [], []
    watcher = threading.Thread(target=follow, args=(builder, [content], content, lambda kind, _: builds.append(kind), stop), daemon=True)
    try:
        started = time.perf_counter()
        if not builder.start():
            raise BenchError(f"preview: the first build failed: {builder.last}")
        log(f"bench: preview, first build {time.perf_counter() - started:.2f} s")
        watcher.start()
        while not builds:  # "watching"
            time.sleep(0.05)
        for number, article in enumerate(chosen, 1):
            page, marker = page_of(article, output), f"{WARM_SENTENCE[:-1]} ({number})."
            done = len(builds)
            article.write_text(originals[article].rstrip("\n") + " " + marker + "\n", encoding="utf-8")
            saved = time.perf_counter()
            deadline = saved + 120
            while marker not in _text_or_nothing(page):
                if time.perf_counter() > deadline or "failed" in builds[done:]:
                    raise BenchError(f"preview: {article.name} never appeared in {page} ({builder.last})")
                time.sleep(0.005)
            seconds.append(time.perf_counter() - saved)
            while not [kind for kind in builds[done:] if kind != "patched"]:  # the whole build has answered
                time.sleep(0.01)
            quick.append("patched" in builds[done:])
            whole.append(time.perf_counter() - saved)
            log(
                f"bench: preview, edit {number}/{edits} on disk after {seconds[-1]:.2f} s"
                f" ({'quick page' if quick[-1] else 'no quick page'}), the whole site built after {whole[-1]:.2f} s"
            )
    finally:
        stop.set()
        watcher.join(timeout=5)
        builder.stop()
        for article, text in originals.items():
            article.write_text(text, encoding="utf-8")
    return {
        "edit_seconds_median": round(statistics.median(seconds), 3),
        "edit_seconds_p90": round(p90(seconds), 3),
        "edits": [round(value, 3) for value in seconds],
        "quick_pages": sum(quick),  # edits shown by a quick page (cafetech/preview.py) before the whole build
        "build_seconds_median": round(statistics.median(whole), 3),  # save to the whole site built
        "build_seconds_p90": round(p90(whole), 3),
    }


def p90(values: list[float]) -> float:
    """The 90th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def _text_or_nothing(page: Path) -> str:
    try:
        return page.read_text("utf-8")
    except OSError:  # between the two renames of an atomic build
        return ""


def time_related(repeat: int, records: int = RELATED_RECORDS) -> tuple[float | None, str | None]:
    """Median seconds of ``further_reading.related_articles`` on ``records`` synthetic records, or (None, why)."""
    import importlib.util

    further_reading = sys.modules.get("further_reading")
    if further_reading is None:
        try:  # the plugin's own file, loaded as Pelican loads a plugin (by path, under its name)
            spec = importlib.util.spec_from_file_location("further_reading", PLUGINS_DIR / "further_reading.py")
            further_reading = sys.modules["further_reading"] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(further_reading)
        except (ImportError, OSError) as error:
            sys.modules.pop("further_reading", None)
            return None, f"further_reading cannot be imported ({error})"
    needed = ("Record", "related_articles", "config")
    if missing := [name for name in needed if not hasattr(further_reading, name)]:
        return None, f"further_reading has no {', '.join(missing)}: related articles not timed"
    data = synthetic_records(further_reading.Record, records)
    cfg = further_reading.config({})
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        further_reading.related_articles(data, cfg)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4), None


def synthetic_records(record_class, n: int, tags: int = 200, seed: int = 0, per_article: tuple[int, int] = (3, 7)) -> list:
    """``n`` records for benchmarks: a weekly issue of five sections, 3 to 7 tags each (5 on average)
    drawn uniformly from ``tags`` tags, reproducible from ``seed`` (record_class: further_reading.Record)."""
    rng = random.Random(seed)
    names = [f"tag-{number:04d}" for number in range(tags)]
    start = dt.date(2015, 1, 5)
    low, high = per_article
    return [
        record_class(
            key=number,
            tags=frozenset(rng.sample(names, min(tags, rng.randint(low, high)))),
            date=start + dt.timedelta(days=7 * (number // 5)),
            slug=f"article-{number:06d}",
        )
        for number in range(n)
    ]


def time_translations_update(content: Path, repeat: int = 1, lang: str = "en") -> dict:
    """Median seconds of translations.update's work on the corpus (every sidecar updated), without the
    translation memory and with it, each time after the newest issue's sidecars were deleted (as after
    an import: its blocks are all new); what the memory did with them; and the same change with the
    memory, updated from the state file a run before it left (``one_issue``: what an editor waits for).
    The sidecars are put back."""
    from cafetech.translation_memory import update_sidecars

    sources = sorted(path for pattern in ("issues/*/*.md", "pages/*.md") for path in content.glob(pattern))  # tasks.SOURCE_GLOBS
    newest = max((content / ISSUES_DIR).iterdir())
    deleted = {po: po.read_bytes() for po in sorted(newest.glob(f"*.{lang}.po"))}
    theme = ROOT / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    times: dict[str, list[float]] = {"without_memory": [], "with_memory": [], "one_issue": []}
    counts = {}
    try:
        for _ in range(max(1, repeat)):
            for key in ("without_memory", "with_memory"):
                for po in deleted:
                    po.unlink(missing_ok=True)
                started = time.perf_counter()
                run = update_sidecars(content, sources, lang, theme_catalog=theme, memory=key == "with_memory")
                times[key].append(time.perf_counter() - started)
            new = [result for result in run.results if result.path in deleted]
            with tempfile.TemporaryDirectory(prefix="cafetech-bench-update-") as folder:
                state = Path(folder) / "state.json"
                for po, data in deleted.items():
                    po.write_bytes(data)
                update_sidecars(content, sources, lang, theme_catalog=theme, state=state)  # the state file of the run before
                for po in deleted:
                    po.unlink()
                started = time.perf_counter()
                update_sidecars(content, sources, lang, theme_catalog=theme, state=state)
                times["one_issue"].append(time.perf_counter() - started)
            counts = {
                "blocks": sum(result.added for result in new),
                "filled": sum(result.filled for result in new),
                "suggested": sum(result.suggested for result in new),
                "memory_entries": run.memory.size,
            }
    finally:
        for po, data in deleted.items():
            po.write_bytes(data)
    counts["left_empty"] = counts["blocks"] - counts["filled"] - counts["suggested"]
    return {
        "sidecars": len(sources),
        "new_sidecars": len(deleted),
        **{f"{key}_seconds": round(statistics.median(values), 3) for key, values in times.items()},
        **counts,
    }


def _workdir(workdir: str | None) -> tuple[Path, bool]:
    """(the folder to work in, whether it is a temporary one to remove at the end)."""
    temporary = workdir is None
    base = Path(tempfile.mkdtemp(prefix="cafetech-bench-") if temporary else workdir).resolve()
    if base == ROOT or base in ROOT.parents:
        raise ValueError(f"workdir {base} would hold the project; give a folder of its own (e.g. .bench/)")
    base.mkdir(parents=True, exist_ok=True)
    return base, temporary


def run_bench(
    sections: int = 2000, repeat: int = 3, json_path: str | None = None, workdir: str | None = None, log=print
) -> dict:
    """Generate the corpus, time baseline / cold / warm builds ``repeat`` times each; the medians.

    With ``workdir`` everything (corpora, outputs, logs) is kept there; else in a
    temporary folder, removed at the end. With ``json_path`` the result is also
    written there as JSON.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, not {repeat}")
    base, temporary = _workdir(workdir)
    try:
        ours, plain = base / "content", base / "baseline-content"
        for stale in (ours, plain, base / "content-issue-texts", base / "content-issue-photos"):
            shutil.rmtree(stale, ignore_errors=True)
        log(f"bench: generating {sections} sections in {ours} ...")
        corpus = generate_corpus(ours, sections)
        generate_baseline_corpus(ours, plain)
        log(f"bench: corpus ready in {corpus['seconds']:.1f} s ({corpus['issues']} issues)")

        out_plain, out_ours, cache, store = base / "output-baseline", base / "output-ours", base / "cache", base / "photo-store"
        settings = base / "baseline_settings.py"
        settings.write_text(baseline_settings(plain, out_plain), encoding="utf-8")
        # The same plain build with our typography plugin alone: what the filter costs.
        out_typo, typo_settings = base / "output-typography", base / "typography_settings.py"
        typo_settings.write_text(
            baseline_settings(plain, out_typo).replace("PLUGINS = []", f"PLUGINS = ['french_typography']\nPLUGIN_PATHS = [{str(PLUGINS_DIR)!r}]"),
            encoding="utf-8",
        )
        logs = base / "logs"
        logs.mkdir(exist_ok=True)
        runs: dict[str, list[dict]] = {"baseline": [], "typography": [], "cold": [], "cold_kept": [], "warm": [], "publish": []}
        pages = {}
        kept_photos: list[dict] = []
        warm_photos: list[dict] = []
        for round_ in range(1, repeat + 1):
            shutil.rmtree(out_plain, ignore_errors=True)
            runs["baseline"].append(_run_child(_baseline_argv(plain, out_plain, settings), logs / f"baseline-{round_}.log"))
            pages["baseline"] = count_html(out_plain)
            log(f"bench: round {round_}/{repeat} baseline {runs['baseline'][-1]['seconds']:.2f} s")

            shutil.rmtree(out_typo, ignore_errors=True)
            runs["typography"].append(_run_child(_baseline_argv(plain, out_typo, typo_settings), logs / f"typography-{round_}.log"))
            log(f"bench: round {round_}/{repeat} baseline + typography {runs['typography'][-1]['seconds']:.2f} s")

            for stale in (out_ours, cache, store):
                shutil.rmtree(stale, ignore_errors=True)
            runs["cold"].append(_run_child(_ours_argv(ours, out_ours, cache, store), logs / f"cold-{round_}.log"))
            pages["ours"] = count_html(out_ours)
            log(f"bench: round {round_}/{repeat} cold, empty photo store {runs['cold'][-1]['seconds']:.2f} s")

            cached = cache_files(store)
            photo_entries = sum(1 for name in {Path(n).parts[0] for n in cached} if not name.startswith("card-") and name not in STORE_INDEXES)
            for stale in (out_ours, cache):
                shutil.rmtree(stale, ignore_errors=True)
            runs["cold_kept"].append(_run_child(_ours_argv(ours, out_ours, cache, store), logs / f"cold-kept-{round_}.log"))
            after = cache_files(store)
            kept_photos.append(photo_cache_changes(cached, after))
            cached = after
            log(f"bench: round {round_}/{repeat} cold, photo store kept {runs['cold_kept'][-1]['seconds']:.2f} s")

            touched, before = _touch_one_article(corpus["articles"])
            try:
                runs["warm"].append(_run_child(_ours_argv(ours, out_ours, cache, store), logs / f"warm-{round_}.log"))
            finally:
                touched.write_text(before, encoding="utf-8")
            warm_photos.append(photo_cache_changes(cached, cache_files(store)))
            log(f"bench: round {round_}/{repeat} warm {runs['warm'][-1]['seconds']:.2f} s")

            shutil.rmtree(out_publish := base / "output-publish", ignore_errors=True)
            runs["publish"].append(_run_child(_ours_argv(ours, out_publish, base / "cache-publish", store, publish=True), logs / f"publish-{round_}.log"))
            log(f"bench: round {round_}/{repeat} publish, photo store restored {runs['publish'][-1]['seconds']:.2f} s")

        log(f"bench: the preview, {PREVIEW_EDITS} edits of different articles ...")
        preview = time_preview(ours, base, store, log=log)
        related, note = time_related(repeat)
        log("bench: timing translations.update, without and with the translation memory ...")
        update = time_translations_update(ours, repeat)
        if note:
            log(f"bench: {note}")
        result = {
            "sections": sections,
            "repeat": repeat,
            "baseline": _summary(runs["baseline"]),
            "typography": _summary(runs["typography"]),
            "cold": _summary(runs["cold"]),
            "cold_kept": _summary(runs["cold_kept"]),
            "warm": _summary(runs["warm"]),
            "publish": _summary(runs["publish"]),
        }
        result["ratios"] = paired_ratios(runs)
        result["preview"] = preview
        result["related_10000_seconds"] = related
        result["translations_update"] = update
        result["pages"] = pages
        result["photos"] = {
            "sources": len(corpus["photos"]),
            "cached_after_cold": photo_entries,
            # the most any round wrote into the photo store (0 everywhere: nothing encoded again)
            "cold_kept_cache_changes": {key: max(run[key] for run in kept_photos) for key in ("files", "photos", "cards")},
            "warm_cache_changes": {key: max(run[key] for run in warm_photos) for key in ("files", "photos", "cards")},
        }
        result["output"] = output_sizes(out_ours, sections)  # the warm build's site: the cold one's, one sentence longer
        result["generation_seconds"] = round(corpus["seconds"], 2)
        result["python"] = sys.version.split()[0]
        result["notes"] = [note] if note else []
        if not temporary:
            result["workdir"] = str(base)
        if json_path:
            Path(json_path).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return result
    finally:
        if temporary:
            shutil.rmtree(base, ignore_errors=True)


def run_linearity(
    sizes: tuple[int, int] = LINEARITY_SIZES, repeat: int = 1, workdir: str | None = None, log=print
) -> dict:
    """Our cold build at two corpus sizes: seconds per section at each, and their ratio (large / small)."""
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, not {repeat}")
    small, large = sizes
    if not 0 < small < large:
        raise ValueError(f"linearity needs two sizes, the smaller first, not {sizes}")
    base, temporary = _workdir(workdir)
    result: dict = {"sizes": {}, "repeat": repeat}
    try:
        (base / "logs").mkdir(exist_ok=True)
        for sections in sizes:
            content, output, cache = base / f"content-{sections}", base / f"output-{sections}", base / f"cache-{sections}"
            for stale in (content, base / f"content-{sections}-issue-photos"):
                shutil.rmtree(stale, ignore_errors=True)
            log(f"bench: generating {sections} sections in {content} ...")
            generate_corpus(content, sections)
            runs = []
            for round_ in range(1, repeat + 1):
                for stale in (output, cache):
                    shutil.rmtree(stale, ignore_errors=True)
                runs.append(_run_child(_ours_argv(content, output, cache), base / "logs" / f"cold-{sections}-{round_}.log"))
                log(f"bench: {sections} sections, round {round_}/{repeat}: cold {runs[-1]['seconds']:.2f} s")
            seconds = _median(runs, "seconds")
            result["sizes"][sections] = {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(_median(runs, "cpu_seconds"), 3),
                "ms_per_section": round(1000 * seconds / sections, 3),
            }
            for stale in (content, base / f"content-{sections}-issue-photos"):
                shutil.rmtree(stale, ignore_errors=True)
        per = [result["sizes"][n]["ms_per_section"] for n in sizes]
        result["ratio"] = round(per[1] / per[0], 3)
        return result
    finally:
        if temporary:
            shutil.rmtree(base, ignore_errors=True)


def format_linearity(result: dict) -> str:
    sizes = list(result["sizes"])
    lines = [f"Linearity: our cold build, median of {result['repeat']} run(s)", "", f"{'sections':>9}{'wall s':>9}{'cpu s':>9}{'ms/section':>12}"]
    for n in sizes:
        row = result["sizes"][n]
        lines.append(f"{n:>9}{row['seconds']:>9.2f}{row['cpu_seconds']:>9.2f}{row['ms_per_section']:>12.2f}")
    limit = TARGETS["linearity"]
    lines += ["", f"ms/section at {sizes[1]} / at {sizes[0]} = {result['ratio']:.2f}   target <= {limit:.2f}: {_verdict(result['ratio'], limit)}"]
    return "\n".join(lines)


def _verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "MISSED"


def format_table(results: dict) -> str:
    """The results as a table, the two ratios and whether each target is met."""
    rows = [
        ("baseline (plain Pelican)", "baseline"),
        ("baseline + typography", "typography"),
        ("ours, cold, no photo store", "cold"),
        ("ours, cold, photo store", "cold_kept"),
        ("ours, warm", "warm"),
        ("ours, publish, store", "publish"),
    ]
    rows = [(label, key) for label, key in rows if key in results]
    pages = results.get("pages", {})
    page_of = {"baseline": pages.get("baseline"), "typography": pages.get("baseline")}
    page_of.update({key: pages.get("ours") for key in ("cold", "cold_kept", "warm", "publish")})
    lines = [
        f"Build benchmark: {results['sections']} sections, median of {results['repeat']} run(s)",
        "",
        f"{'build':<26}{'wall s':>9}{'build s':>9}{'cpu s':>9}{'peak MB':>9}{'html':>8}",
    ]
    for label, key in rows:
        row = results[key]
        html = page_of[key] if page_of[key] is not None else "-"
        build = row.get("build_seconds")
        build = f"{build:>9.2f}" if isinstance(build, (int, float)) else f"{'-':>9}"
        cpu = row.get("cpu_seconds")
        cpu = f"{cpu:>9.2f}" if isinstance(cpu, (int, float)) else f"{'-':>9}"
        lines.append(f"{label:<26}{row['seconds']:>9.2f}{build}{cpu}{row['peak_mb']:>9.1f}{html:>8}")
    ratios = results["ratios"]
    peak = max(results["cold"]["peak_mb"], results["warm"]["peak_mb"])
    cold_limit, warm_limit, peak_limit = (TARGETS[k] for k in ("cold_over_baseline", "warm_over_cold", "peak_mb"))
    lines += [
        "",
        f"cold / baseline = {ratios['cold_over_baseline']:.2f}   target <= {cold_limit:.2f}: "
        f"{_verdict(ratios['cold_over_baseline'], cold_limit)}" + ("   (first build ever: no photo store)" if "cold_kept" in results else ""),
        *(
            [
                f"cold / baseline = {ratios['cold_kept_over_baseline']:.2f}   target <= {cold_limit:.2f}: "
                f"{_verdict(ratios['cold_kept_over_baseline'], cold_limit)}   (photo store kept, as after a change of the code)"
            ]
            if "cold_kept_over_baseline" in ratios
            else []
        ),
        f"warm / cold     = {ratios['warm_over_cold']:.2f}   target <= {warm_limit:.2f}: "
        f"{_verdict(ratios['warm_over_cold'], warm_limit)}",
        f"peak (ours)     = {peak:.0f} MB   target <= {peak_limit:.0f} MB: {_verdict(peak, peak_limit)}",
    ]
    if "publish_over_baseline" in ratios:
        lines.append(
            f"publish / baseline = {ratios['publish_over_baseline']:.2f}, publish / cold with the store = "
            f"{ratios['publish_over_cold_kept']:.2f}   target <= 1.05   (publishconf.py, photo store verified)"
        )
    if "warm_over_baseline" in ratios:
        lines.append(f"warm / baseline = {ratios['warm_over_baseline']:.2f}   (one sentence edited, a new process)")
    if "typography_over_baseline" in ratios:
        lines.append(
            f"typography / baseline = {ratios['typography_over_baseline']:.2f}   target <= 1.15: "
            f"{_verdict(ratios['typography_over_baseline'], 1.15)}"
        )
    if "cpu_cold_over_baseline" in ratios:
        kept = f" ({ratios['cpu_cold_kept_over_baseline']:.2f} with the photo store)" if "cpu_cold_kept_over_baseline" in ratios else ""
        lines.append(
            f"in CPU time: cold / baseline = {ratios['cpu_cold_over_baseline']:.2f}{kept}, "
            f"typography / baseline = {ratios['cpu_typography_over_baseline']:.2f}"
        )
    if preview := results.get("preview"):
        lines.append(
            f"preview (livereload), one sentence saved to the page on disk: median {preview['edit_seconds_median']:.2f} s, "
            f"p90 {preview['edit_seconds_p90']:.2f} s   target <= {TARGETS['preview_median']:.1f} s, <= {TARGETS['preview_p90']:.1f} s: "
            f"{_verdict(preview['edit_seconds_median'], TARGETS['preview_median'])}"
            + (
                f"; {preview['quick_pages']} of {len(preview['edits'])} shown by a quick page, the whole site built after "
                f"{preview['build_seconds_median']:.2f} s (p90 {preview['build_seconds_p90']:.2f} s)"
                if "quick_pages" in preview
                else ""
            )
        )
    related = results.get("related_10000_seconds")
    lines.append(
        f"related_articles, 10 000 records: {related:.3f} s" if related is not None else "related_articles: not timed"
    )
    if update := results.get("translations_update"):
        lines.append(
            f"translations.update, {update['sidecars']} sidecars: {update['without_memory_seconds']:.2f} s without "
            f"the translation memory, {update['with_memory_seconds']:.2f} s with it ({update['memory_entries']} entries); "
            f"the newest issue's {update['blocks']} blocks: {update['filled']} filled, {update['suggested']} suggested, "
            f"{update['left_empty']} left empty"
            + (f"; {update['one_issue_seconds']:.2f} s from the last run's state file" if "one_issue_seconds" in update else "")
        )
    if photos := results.get("photos"):

        def encoded(changes: dict) -> str:
            return "none" if changes["files"] == 0 else f"{changes['photos']} photo(s), {changes['cards']} card(s), {changes['files']} file(s)"

        kept = f"by the cold build with the store: {encoded(photos['cold_kept_cache_changes'])}, " if "cold_kept_cache_changes" in photos else ""
        lines.append(
            f"photos: {photos['sources']} in the corpus, {photos['cached_after_cold']} stored by the first cold build; "
            f"encoded again {kept}by the warm build: {encoded(photos['warm_cache_changes'])}"
        )
    if output := results.get("output"):
        per_section = output["kb_per_photographed_section"]
        lines.append(
            f"output: {output['total_mb']:.1f} MB; a photographed section's files {per_section if per_section is not None else '-'} KB "
            f"(target <= 350), drawn cards {output['card_kb_median'] if output['card_kb_median'] is not None else '-'} KB median "
            f"(target <= 30); GitHub Pages' 1 GB holds {output.get('photographed_sections_in_1gb', '-')} sections, every one photographed"
        )
    for label, key in rows:
        if results[key].get("children_peak_mb"):
            lines.append(f"{label}: processes it started peaked at {results[key]['children_peak_mb']:.0f} MB (not in peak MB)")
    for label, key in rows:
        if results[key].get("warnings"):
            lines.append(f"{label}: {results[key]['warnings']} warning(s), first: {results[key].get('first_warning')}")
    lines += [f"note: {note}" for note in results.get("notes", [])]
    return "\n".join(lines)
