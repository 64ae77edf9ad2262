"""The issue importer: parsing the pasted text, writing the content files, refusing bad input."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import markdown
import pytest
from pelican.utils import slugify

from cafetech.markdown_merge import merge_markdown, read_markdown
from cafetech.importer import (
    _SLUG_SUBSTITUTIONS,
    IssueImportError,
    article_markdown,
    decode_issue_text,
    escape_markdown,
    import_issue,
    issue_files,
    looks_like_title,
    parse_date,
    parse_issue,
    section_slug,
    split_subheading,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "issues"
SEED_TEXT = (Path(__file__).resolve().parents[2] / "content" / "issues" / "2023-11-20" / "issue.txt").read_text("utf-8")
SECOND = (FIXTURES / "2023-11-27.txt").read_text("utf-8")
SHORT = (FIXTURES / "no-credits.txt").read_text("utf-8")


def sentences(text: str) -> list[str]:
    """The sentences of a text, spaces folded, split after . ! ? when a capital follows."""
    text = " ".join(text.split())
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý“«\"0-9])", text) if part]


def render(markdown_text: str) -> str:
    """The text a reader sees for a Markdown article body (its metadata header removed)."""
    body = markdown_text.split("\n\n", 1)[1]
    rendered = markdown.markdown(body, extensions=["extra", "toc"])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


# --- the seed ---------------------------------------------------------------


def test_seed_has_its_title_subtitle_introduction_and_credits():
    issue = parse_issue(SEED_TEXT)
    assert issue.title == "Putsch, menaces, exode... le week-end mouvementé d'OpenAI"
    assert issue.subtitle == "Un laboratoire d'IA à 300 millions d'euros en France"
    assert issue.introduction.startswith("Depuis trois ans, Cafétech vous accompagne")
    assert issue.introduction.endswith("Merci par avance !")
    assert issue.credits == "OpenAI - Iliad"


def test_seed_has_exactly_its_two_sections():
    first, second = parse_issue(SEED_TEXT).sections
    assert first.title == "Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête"
    assert [p.subheading for p in first.paragraphs] == [
        "Fronde des investisseurs",
        "Microsoft à la baguette",
        "Vers un exode des employés ?",
    ]
    assert first.further_reading == (
        "OpenAI abandonne le développement de son dernier modèle de langage",
        "Le double discours d’OpenAI sur la régulation de l’IA",
    )
    assert second.title == "Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif"
    assert [p.subheading for p in second.paragraphs] == [
        "Open science",
        "Articles scientifiques",
        "Enveloppe limitée",
    ]
    assert second.further_reading == (
        "Les coûts de l’IA menacent de freiner son adoption",
        "La start-up française Mistral AI lance sa première IA générative",
    )
    assert first.lede.startswith("Tout au long de la journée de dimanche")
    assert second.lede.endswith("Une initiative qui rappelle les débuts d’OpenAI.")


@pytest.mark.parametrize("text", [SEED_TEXT, SECOND, SHORT], ids=["seed", "four-sections", "short"])
def test_no_sentence_is_lost_or_altered(text):
    issue = parse_issue(text)
    files = issue_files(issue, dt.date(2023, 11, 20), text)
    articles = [files[name] for name in sorted(files) if name[:2].isdigit()]
    rendered = " ".join(render(article) for article in articles)
    issue_md = files["issue.md"]
    kept = rendered + " " + render(issue_md) + " " + issue_md
    for section in issue.sections:
        for paragraph in (section.lede, *(p.text for p in section.paragraphs)):
            for sentence in sentences(paragraph):
                assert sentence in rendered, sentence
        for paragraph in section.paragraphs:
            if paragraph.subheading:
                assert paragraph.subheading in rendered
    for sentence in sentences(issue.introduction):
        assert sentence in kept
    # Every non-empty line of the source is somewhere in what was written.
    written = "\n".join(files.values())
    for line in text.splitlines():
        assert line.strip() in files["issue.txt"]
    assert issue.title in written


def test_seed_article_files_carry_their_metadata():
    files = issue_files(parse_issue(SEED_TEXT), dt.date(2023, 11, 20), SEED_TEXT)
    names = sorted(files)
    assert names == [
        "01-malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete.md",
        "02-xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif.md",
        "issue.md",
        "issue.txt",
    ]
    first = files[names[0]]
    assert "Lang: fr\n" in first
    assert "Position: 1\n" in first
    assert "Issue: 2023-11-20\n" in first
    assert "Summary: Tout au long de la journée de dimanche" in first
    assert "## Vers un exode des employés ?\n" in first
    assert (
        "Further_reading: OpenAI abandonne le développement de son dernier modèle de langage\n"
        "    Le double discours d’OpenAI sur la régulation de l’IA\n"
    ) in first
    # The issue's own texts are kept once, in issue.md only.
    assert "Depuis trois ans" not in first
    assert "Subtitle:" not in first
    assert files["issue.md"].count("Depuis trois ans") == 1
    assert "Sections: malgre-les-pressions-openai-refuse-de-reinstaller-sam-altman-a-sa-tete\n" in files["issue.md"]


# --- issues of our own ------------------------------------------------------


def test_four_sections_with_and_without_further_reading():
    issue = parse_issue(SECOND)
    assert [s.title for s in issue.sections] == [
        "Mistral AI lève 385 millions d'euros",
        "Google accusé de verrouiller la recherche sur mobile",
        "Apple, l'arbitre discret",
        "Le décret *IA* et les <balises> du Journal officiel",
    ]
    mistral, google, apple, decree = issue.sections
    assert [p.subheading for p in mistral.paragraphs] == [
        "Une valorisation de 2 milliards !",
        'Des modèles "ouverts"',
        None,
    ]
    # A hyphen is accepted as an item marker, as editors type it.
    assert mistral.further_reading == (
        "Xavier Niel lance Kyutai, un laboratoire d'IA à but non lucratif",
        "Le grand débat sur l'IA ouverte",
    )
    assert google.further_reading == () and apple.paragraphs == ()
    assert decree.further_reading == ("Malgré les pressions, OpenAI refuse de réinstaller Sam Altman à sa tête",)
    assert issue.credits == "Mistral AI - DR"
    assert issue.subtitle == 'Apple, Google et le "navigateur par défaut"'


def test_issue_without_subtitle_or_credits():
    issue = parse_issue(SHORT)
    assert issue.subtitle is None and issue.credits is None
    assert [s.title for s in issue.sections] == ["Le seul sujet de la semaine"]
    assert "Credits:" not in issue_files(issue, dt.date(2024, 1, 8), SHORT)["issue.md"]


def test_markdown_special_characters_render_as_typed():
    decree = parse_issue(SECOND).sections[3]
    text = article_markdown(decree, dt.date(2023, 11, 27), 4, "decret")
    shown = render(text)
    assert "[texte intégral en annexe]" in shown
    assert "attendu_depuis_longtemps & discuté" in shown
    assert "2. Deuxième point : les recours." in shown
    assert "# Un dièse en tête de ligne" in shown
    body = markdown.markdown(text.split("\n\n", 1)[1], extensions=["extra"])
    assert "<ol>" not in body and "<h1>" not in body and "<em>" not in body


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a*b_c`d[e]f", r"a\*b\_c\`d\[e\]f"),
        ("<script>", "&lt;script>"),
        ("AT&T &amp; co", "AT&T &amp;amp; co"),
        ("- pas une liste", r"\- pas une liste"),
        ("3. pas une liste", r"3\. pas une liste"),
        ("en 2019. Puis", "en 2019. Puis"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_markdown(raw, expected):
    assert escape_markdown(raw) == expected


@pytest.mark.parametrize(
    "line, subheading",
    [
        ("Fronde des investisseurs – Le retour avorté.", "Fronde des investisseurs"),
        ("Vers un exode des employés ? – Un autre élément.", "Vers un exode des employés ?"),
        ("Enfin ! — Une bonne nouvelle.", "Enfin !"),
        ("Au-delà des salaires, entraîner des modèles coûte cher – même si.", None),
        ("Un paragraphe sans intertitre.", None),
        ("2024 – une année charnière", None),
    ],
)
def test_split_subheading(line, subheading):
    paragraph = split_subheading(line)
    assert (paragraph.subheading if paragraph else None) == subheading


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif", True),
        ("Faut-il avoir peur de l’IA ?", True),
        ("Une phrase qui se termine par un point.", False),
        ("Pour aller plus loin:", False),
        ("– un élément", False),
        ("x " * 40, False),
    ],
)
def test_looks_like_title(line, expected):
    assert looks_like_title(line.strip()) is expected


def test_section_slug_splits_elisions():
    assert section_slug("Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif") == (
        "xavier-niel-lance-kyutai-un-laboratoire-d-ia-a-but-non-lucratif"
    )


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Mistral AI lève 385 M€", "mistral-ai-leve-385-millions-d-euros"),
        ("Mistral AI lève 385 millions d'euros", "mistral-ai-leve-385-millions-d-euros"),
        ("1,2 Md$ pour Nvidia", "1-2-milliard-de-dollars-pour-nvidia"),
        ("Un rachat à 2 Mds€", "un-rachat-a-2-milliards-d-euros"),
        ("Le forfait à 1 € par mois", "le-forfait-a-1-euro-par-mois"),
        ("Une amende de 1 000 €", "une-amende-de-1-000-euros"),
        ("50 % des emplois menacés", "50-pour-cent-des-emplois-menaces"),
        ("GPT-3.5 et 12,5 % de parts", "gpt-3-5-et-12-5-pour-cent-de-parts"),
        ("Free & Iliad", "free-et-iliad"),
        ("AT&T rachète", "at-t-rachete"),
        ("Les <balises> du Journal officiel", "les-balises-du-journal-officiel"),
    ],
)
def test_a_section_slug_spells_amounts_percentages_and_ampersands_as_words(title, slug):
    assert section_slug(title) == slug


def test_reimporting_the_seed_keeps_every_published_slug_and_file(tmp_path):
    import shutil

    folder = tmp_path / "content" / "issues" / "2023-11-20"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content" / "issues" / "2023-11-20", folder)
    before = snapshot(tmp_path / "content")
    report = import_issue(folder / "issue.txt", "2023-11-20", tmp_path / "content")
    assert report.written == [] and report.overwritten == []
    assert snapshot(tmp_path / "content") == before


def test_a_section_imported_again_under_its_title_keeps_the_slug_it_was_published_with(tmp_path, monkeypatch):
    import cafetech.importer

    source = tmp_path / "issue.txt"
    source.write_text(SECOND.replace("Mistral AI lève 385 millions d'euros\n", "Mistral AI lève 385 M€\n", 1), "utf-8")
    content = tmp_path / "content"
    folder = content / "issues" / "2023-11-27"
    with monkeypatch.context() as patch:  # as the slug rule was before amounts were spelled out
        patch.setattr(cafetech.importer, "section_slug", lambda title: slugify(title, regex_subs=_SLUG_SUBSTITUTIONS))
        import_issue(source, "2023-11-27", content)
    assert (folder / "01-mistral-ai-leve-385-meur.md").is_file()
    before = snapshot(content)
    report = import_issue(source, "2023-11-27", content)
    assert report.written == [] and snapshot(content) == before
    source.write_text(source.read_text("utf-8").replace("six mois seulement", "six mois à peine"), "utf-8")
    import_issue(source, "2023-11-27", content)
    article = (folder / "01-mistral-ai-leve-385-meur.md").read_text("utf-8")
    assert "Slug: mistral-ai-leve-385-meur\n" in article and "six mois à peine" in article
    assert sorted(path.name for path in folder.glob("01-*")) == ["01-mistral-ai-leve-385-meur.md"]
    source.write_text(source.read_text("utf-8").replace("Mistral AI lève 385 M€\n", "Mistral AI lève 400 M€\n", 1), "utf-8")
    import_issue(source, "2023-11-27", content)  # retitled in place: still the section that was published
    assert sorted(path.name for path in folder.glob("01-*")) == ["01-mistral-ai-leve-385-meur.md"]
    assert "Title: Mistral AI lève 400 M€\n" in (folder / "01-mistral-ai-leve-385-meur.md").read_text("utf-8")


def test_a_section_retitled_upstream_keeps_its_file_its_edits_its_sidecar_and_its_address(tmp_path):
    """A corrected title is the same section: never a second article beside the first."""
    source = tmp_path / "issue.txt"
    source.write_text(SECOND, "utf-8")
    content = tmp_path / "content"
    folder = content / "issues" / "2023-11-27"
    import_issue(source, "2023-11-27", content)
    (article,) = folder.glob("02-*.md")
    sidecar = article.with_suffix(".en.po")
    sidecar.write_text("# the translator's work\n", "utf-8")
    article.write_text(article.read_text("utf-8").replace("\nLang: fr\n", "\nLang: fr\nTags: Google\n", 1), "utf-8")
    old_title = re.search(r"^Title: (.+)$", article.read_text("utf-8"), re.M)[1]
    source.write_text(SECOND.replace(f"{old_title}\n", "Un titre corrigé en amont\n", 1), "utf-8")
    report = import_issue(source, "2023-11-27", content)
    assert sorted(path.name for path in folder.glob("02-*")) == sorted([article.name, sidecar.name])
    text = article.read_text("utf-8")
    assert "Title: Un titre corrigé en amont\n" in text and "Tags: Google\n" in text
    assert f"Slug: {article.stem[3:]}\n" in text
    assert sidecar.read_text("utf-8") == "# the translator's work\n"
    (notice,) = report.notices
    assert notice.startswith("section 2 retitled 'Un titre corrigé en amont' (was '") and notice.endswith("it keeps its file and its address")
    assert article.stem[3:] in (folder / "issue.md").read_text("utf-8")  # the issue lists it under its slug


# --- what the importer refuses ---------------------------------------------


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("", "the issue is empty", None),
        ("  \n\t\n   \n", "the issue is empty", None),
        ("Un titre\nEt aussi: rien\n", "no section found", 2),
        ("Un titre\nUne introduction.\n", "no section found", None),
        ("Titre\nIntro.\nUn sujet\n", "has no text", 3),
        ("Titre\nIntro.\nUn sujet\nLe lede.\nPour aller plus loin:\n", "is followed by no", 5),
        ("Titre\nIntro.\nUn sujet\nLe lede.\nCrédit photos: X\nAutre sujet\nSon lede.\n", "must be the last line", 5),
        ("Titre\nIntro.\nUn sujet\nLe lede.\nUn sujet\nUn autre lede.\n", "two sections have the title", 5),
        ("Titre\nIntro.\nUne phrase.\nLe lede.\n", "expected a section title", 3),
    ],
    ids=[
        "empty",
        "whitespace",
        "subtitle-only",
        "no-section",
        "title-without-body",
        "further-reading-without-items",
        "credits-in-the-middle",
        "same-title-twice",
        "sentence-where-a-title-goes",
    ],
)
def test_refusals_name_the_file_and_line(text, message, line):
    with pytest.raises(IssueImportError) as caught:
        parse_issue(text, "issue.txt")
    error = caught.value
    assert message in str(error)
    assert str(error).startswith(f"issue.txt:{line}:" if line else "issue.txt:")
    assert "\n" not in str(error)


def test_encodings_and_line_endings():
    crlf = SHORT.replace("\n", "\r\n").encode("utf-8")
    cr = SHORT.replace("\n", "\r").encode("utf-8")
    bom = b"\xef\xbb\xbf" + SHORT.encode("utf-8")
    utf16 = SHORT.encode("utf-16")
    for raw in (crlf, cr, bom, utf16):
        assert parse_issue(decode_issue_text(raw)) == parse_issue(SHORT)
    latin1 = "Titre\nIntro.\nUn sujet réel\nLe lède.\n".encode("latin-1")
    with pytest.raises(IssueImportError, match=r"^x.txt:3: not UTF-8 \(byte 0xe9\)"):
        decode_issue_text(latin1, "x.txt")


@pytest.mark.parametrize(
    "value, message",
    [(None, "is required"), ("2023-02-30", "not a real date"), ("20/11/2023", "YYYY-MM-DD"), ("2023-1-5", "YYYY-MM-DD")],
)
def test_bad_dates(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


# --- writing: idempotent, never losing an editor's work --------------------


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "issue-source.txt"
    path.write_text(SEED_TEXT, "utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_import_writes_the_files_and_twice_is_a_no_op(seed_file, tmp_path):
    content = tmp_path / "content"
    report = import_issue(seed_file, "2023-11-20", content)
    folder = content / "issues" / "2023-11-20"
    assert sorted(p.name for p in report.written) == sorted(
        issue_files(parse_issue(SEED_TEXT), dt.date(2023, 11, 20), SEED_TEXT)
    )
    before = snapshot(content)
    mtimes = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = import_issue(seed_file, "2023-11-20", content)
    assert again.written == [] and again.overwritten == [] and len(again.unchanged) == 4
    assert snapshot(content) == before
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes


def test_an_editors_edit_survives_importing_the_same_text_again_with_or_without_force(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    article = next((content / "issues" / "2023-11-20").glob("01-*.md"))
    article.write_text(article.read_text("utf-8") + "\nUne phrase ajoutée par la rédaction.\n", "utf-8")
    before = snapshot(content)
    for force in (False, True):
        report = import_issue(seed_file, "2023-11-20", content, force=force)
        assert report.overwritten == [] and report.conflicts == [] and report.kept == {}
        assert snapshot(content) == before


def test_a_reimport_merges_the_paste_into_edited_files_keeping_a_copy_and_never_touches_a_sidecar(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    folder = content / "issues" / "2023-11-20"
    article, issue = next(folder.glob("01-*.md")), folder / "issue.md"
    for edited in (article, issue):
        edited.write_text(edited.read_text("utf-8") + "\nUne phrase ajoutée par la rédaction.\n", "utf-8")
    edits = {path: path.read_bytes() for path in (article, issue)}
    sidecars = {po: b"# a translator's work\n" + po.name.encode() for po in (article.with_suffix(".en.po"), folder / "issue.en.po")}
    for path, data in sidecars.items():
        path.write_bytes(data)
    seed_file.write_text(SEED_TEXT.replace("Merci par avance !", "Merci d’avance !").replace("Et donc l’énorme", "Et donc la très grosse"), "utf-8")

    report = import_issue(seed_file, "2023-11-20", content)

    assert sorted(report.overwritten) == sorted(edits) and sorted(report.kept) == sorted(edits)
    assert report.conflicts == []
    for path, data in edits.items():
        copy = report.kept[path]
        assert copy.read_bytes() == data and copy.name == path.name
        assert copy.parent.parent == folder / ".replaced"  # a dot folder: Pelican does not read it
        text = path.read_text("utf-8")
        assert "Une phrase ajoutée par la rédaction." in text  # the edit stays...
    assert "Merci d’avance !" in issue.read_text("utf-8")  # ...beside what the paste changed
    assert "Et donc la très grosse plus-value" in article.read_text("utf-8")
    assert {path: path.read_bytes() for path in sidecars} == sidecars

    for edited in (article, issue):  # a second import keeps the first copies and makes new ones
        edited.write_text(edited.read_text("utf-8") + "\nEncore.\n", "utf-8")
    seed_file.write_text(SEED_TEXT.replace("Merci par avance !", "Merci !"), "utf-8")
    again = import_issue(seed_file, "2023-11-20", content, force=True)
    assert sorted(again.kept) == sorted(edits)
    assert set(again.kept.values()).isdisjoint(report.kept.values())
    assert all(copy.read_bytes() == edits[path] for path, copy in report.kept.items())
    assert {path: path.read_bytes() for path in sidecars} == sidecars


def test_an_import_without_edits_keeps_no_copy(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    seed_file.write_text(SEED_TEXT.replace("Merci par avance !", "Merci d’avance !"), "utf-8")
    report = import_issue(seed_file, "2023-11-20", content, force=True)
    assert report.kept == {} and not (content / "issues" / "2023-11-20" / ".replaced").exists()


def test_the_importer_writes_no_sidecar():
    files = issue_files(parse_issue(SEED_TEXT), dt.date(2023, 11, 20), SEED_TEXT)
    assert not [name for name in files if name.endswith(".po")]


def test_a_changed_source_replaces_files_nobody_edited(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    seed_file.write_text(SEED_TEXT.replace("Merci par avance !", "Merci d’avance !"), "utf-8")
    report = import_issue(seed_file, "2023-11-20", content)
    assert report.overwritten == []
    assert "Merci d’avance !" in (content / "issues" / "2023-11-20" / "issue.md").read_text("utf-8")


@pytest.mark.parametrize("date", [None, "2023-02-30", "2023/11/20"])
def test_refusals_write_nothing(tmp_path, date):
    bad = tmp_path / "bad.txt"
    bad.write_text("Titre seul\n", "utf-8")
    content = tmp_path / "content"
    for source, day in ((bad, "2023-11-20"), (FIXTURES / "no-credits.txt", date)):
        with pytest.raises(IssueImportError):
            import_issue(source, day, content)
    assert not content.exists()


def test_missing_source_file(tmp_path):
    with pytest.raises(IssueImportError, match=r"nope.txt: cannot read the issue"):
        import_issue(tmp_path / "nope.txt", "2023-11-20", tmp_path / "content")


# --- photos (invoke import-issue PATH --date D --photos DIR) ------------------------


@pytest.fixture
def photo_folder(tmp_path):
    """Two photos named so that name order is section order ("b" after "a"), and a hidden file to skip."""
    from photo_images import animated_gif, phone_jpeg

    folder = tmp_path / "photos"
    folder.mkdir()
    phone_jpeg(folder / "a-openai.JPG")
    animated_gif(folder / "b-kyutai.gif")
    (folder / ".DS_Store").write_bytes(b"\0Bud1")
    return folder


def test_photos_go_beside_their_sections_in_name_order_with_their_credits(seed_file, tmp_path, photo_folder):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content, photos=photo_folder)
    folder = content / "issues" / "2023-11-20"
    first, second = sorted(folder.glob("0[12]-*.md"))
    assert (folder / f"{first.stem}.jpg").read_bytes() == (photo_folder / "a-openai.JPG").read_bytes()
    assert (folder / f"{second.stem}.gif").read_bytes() == (photo_folder / "b-kyutai.gif").read_bytes()
    # "Crédit photos: OpenAI - Iliad": as many credits as photos, one to each section.
    assert f"Image: {first.stem}.jpg\nImage_credit: OpenAI\n" in first.read_text("utf-8")
    assert f"Image: {second.stem}.gif\nImage_credit: Iliad\n" in second.read_text("utf-8")
    assert "Credits: OpenAI - Iliad" in (folder / "issue.md").read_text("utf-8")


def test_credits_that_do_not_match_the_photos_one_for_one_are_left_to_the_issue():
    from cafetech.importer import split_credits

    assert split_credits("OpenAI - Iliad", 2) == ["OpenAI", "Iliad"]
    assert split_credits("AFP, Reuters; DR", 3) == ["AFP", "Reuters", "DR"]
    assert split_credits("Jean-Pierre Dupont", 1) == ["Jean-Pierre Dupont"]  # a hyphen inside a name is no separator
    assert split_credits("OpenAI - Iliad", 3) == [None, None, None]
    assert split_credits(None, 2) == [None, None]


def svg(path: Path) -> None:
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "utf-8")


def text_named_jpeg(path: Path) -> None:
    path.write_text("Crédit photos: ceci n'est pas une photo", "utf-8")


def truncated_jpeg(path: Path) -> None:
    from photo_images import phone_jpeg

    phone_jpeg(path, size=(400, 300))
    path.write_bytes(path.read_bytes()[:-2000])  # cut short, as an interrupted download leaves it


def corrupt_png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), "#3366aa").save(path, "PNG")
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF  # a byte of the pixel data: its checksum no longer matches
    path.write_bytes(bytes(data))


def extra_photo(path: Path) -> None:
    from photo_images import phone_jpeg

    phone_jpeg(path, size=(40, 30))


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("b-kyutai.svg", svg, r"b-kyutai.svg: an SVG file, refused \(it can carry script\)"),
        ("b-kyutai.gif", text_named_jpeg, r"b-kyutai.gif: not an image Pillow can read"),
        ("b-kyutai.jpg", text_named_jpeg, r"b-kyutai.jpg: not an image Pillow can read"),
        ("b-kyutai.jpg", truncated_jpeg, r"b-kyutai.jpg: not an image Pillow can read \(.*truncated"),
        ("b-kyutai.png", corrupt_png, r"b-kyutai.png: not an image Pillow can read"),
        ("c-extra.jpg", extra_photo, r"photos: 3 photo\(s\) for 2 section\(s\); give one photo per section"),
    ],
    ids=["svg", "text-named-gif", "text-named-jpeg", "truncated-jpeg", "corrupt-png", "one-photo-too-many"],
)
def test_a_photo_folder_with_a_file_that_is_no_whole_photo_or_the_wrong_count_is_refused_writing_nothing(
    seed_file, tmp_path, photo_folder, name, make, message
):
    (photo_folder / "b-kyutai.gif").unlink()
    make(photo_folder / name)
    if name.startswith("c-"):
        from photo_images import animated_gif

        animated_gif(photo_folder / "b-kyutai.gif")
    content = tmp_path / "content"
    with pytest.raises(IssueImportError, match=message) as refused:
        import_issue(seed_file, "2023-11-20", content, photos=photo_folder)
    assert "\n" not in str(refused.value)
    assert not content.exists()
    # Over an issue already imported: nothing of it changes either.
    import_issue(seed_file, "2023-11-20", content)
    before = snapshot(content)
    with pytest.raises(IssueImportError, match=message):
        import_issue(seed_file, "2023-11-20", content, photos=photo_folder, force=True)
    assert snapshot(content) == before


def test_notes_beside_the_photos_are_left_out_and_named(seed_file, tmp_path, photo_folder):
    (photo_folder / "README.md").write_text("Photos: CC0\n", "utf-8")
    (photo_folder / "credits.TXT").write_text("OpenAI - Iliad\n", "utf-8")
    report = import_issue(seed_file, "2023-11-20", tmp_path / "content", photos=photo_folder)
    assert report.notices == [f"{photo_folder}: not photos, left out: README.md, credits.TXT"]
    issue = tmp_path / "content" / "issues" / "2023-11-20"
    assert sorted(path.suffix for path in issue.iterdir() if path.suffix in (".gif", ".jpg")) == [".gif", ".jpg"]
    assert not any("README" in path.name or "credits" in path.name for path in issue.iterdir())


def test_a_photos_folder_that_is_no_folder_is_refused(seed_file, tmp_path):
    with pytest.raises(IssueImportError, match=r"--photos must be a folder"):
        import_issue(seed_file, "2023-11-20", tmp_path / "content", photos=tmp_path / "nowhere")
    assert not (tmp_path / "content").exists()


def test_a_credit_line_that_does_not_name_one_credit_per_photo_is_a_warning_naming_its_line(tmp_path, photo_folder):
    source = tmp_path / "three-credits.txt"
    source.write_text(SEED_TEXT.replace("Crédit photos: OpenAI - Iliad", "Crédit photos: OpenAI - Iliad - AFP"), "utf-8")
    credits_line = SEED_TEXT.splitlines().index("Crédit photos: OpenAI - Iliad") + 1
    content = tmp_path / "content"
    report = import_issue(source, "2023-11-20", content, photos=photo_folder)
    assert report.warnings == [
        f"{source}:{credits_line}: the 'Crédit photos' line names 3 credit(s) for 2 photo(s): no section gets an "
        "Image_credit; write one credit per photo, in their order, or each Image_credit by hand"
    ]
    folder = content / "issues" / "2023-11-20"
    assert not [path for path in folder.glob("0*.md") if "Image_credit:" in path.read_text("utf-8")]
    assert "Credits: OpenAI - Iliad - AFP" in (folder / "issue.md").read_text("utf-8")
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED_TEXT, "utf-8")
    assert import_issue(seed, "2023-11-21", content, photos=photo_folder).warnings == []
    assert import_issue(source, "2023-11-22", content).warnings == []  # no photos: nothing to credit


def test_importing_again_keeps_the_photos_with_or_without_the_folder(seed_file, tmp_path, photo_folder):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content, photos=photo_folder)
    before = snapshot(content)
    assert import_issue(seed_file, "2023-11-20", content, photos=photo_folder).written == []
    # An editor who forgets --photos keeps the photos the last import put beside the sections.
    assert import_issue(seed_file, "2023-11-20", content).written == []
    assert snapshot(content) == before


# --- importing again: a three-way merge (base: what the importer wrote last time) ----


BASE = """Title: Un sujet
Date: 2023-11-20
Slug: un-sujet
Position: 1
Summary: Le lede.
Image_credit: OpenAI

Le lede.

## Un intertitre

Premier paragraphe.

Deuxième paragraphe.

Troisième paragraphe.
"""


def test_the_merge_keeps_every_field_the_editor_added_or_changed_and_takes_the_pasted_ones():
    editor = BASE.replace("Image_credit: OpenAI\n", "Image_credit: OpenAI / Reuters\nTags: OpenAI, Microsoft\nExclude_tags: IA\nImage_alt: Sam Altman sur scène\nStatus: draft\n")
    pasted = BASE.replace("Position: 1", "Position: 2").replace("Summary: Le lede.", "Summary: Le lede corrigé.")
    merged = merge_markdown(BASE, editor, pasted)
    assert merged.conflicts == ()
    assert merged.text == editor.replace("Position: 1", "Position: 2").replace("Summary: Le lede.", "Summary: Le lede corrigé.")


def test_the_merge_keeps_an_edited_paragraph_and_takes_a_paragraph_the_paste_changed_even_its_neighbour():
    editor = BASE.replace("Deuxième paragraphe.", "Deuxième paragraphe, revu par la rédaction.") + "\nUn paragraphe ajouté.\n"
    pasted = BASE.replace("Troisième paragraphe.", "Troisième paragraphe, corrigé dans l’email.").replace("Premier", "Tout premier")
    merged = merge_markdown(BASE, editor, pasted, modified="2024-01-05T10:00:00+01:00")
    assert merged.conflicts == ()
    blocks = read_markdown(merged.text).blocks
    assert blocks[-4:] == (
        "Tout premier paragraphe.",
        "Deuxième paragraphe, revu par la rédaction.",
        "Troisième paragraphe, corrigé dans l’email.",
        "Un paragraphe ajouté.",
    )
    assert "Date: 2023-11-20\nModified: 2024-01-05T10:00:00+01:00\nSlug:" in merged.text


def test_the_merge_records_modified_only_when_the_title_or_text_changed():
    editor = BASE.replace("Image_credit: OpenAI\n", "Image_credit: OpenAI\nTags: OpenAI\n")
    only_position = BASE.replace("Position: 1", "Position: 3")
    assert "Modified:" not in merge_markdown(BASE, editor, only_position, modified="2024-01-05").text
    retitled = BASE.replace("Title: Un sujet", "Title: Un autre sujet")
    assert "Modified: 2024-01-05\n" in merge_markdown(BASE, BASE, retitled, modified="2024-01-05").text
    edited_before = editor.replace("Date: 2023-11-20\n", "Date: 2023-11-20\nModified: 2023-12-01\n")
    again = merge_markdown(BASE, edited_before, retitled, modified="2024-01-05").text
    assert again.count("Modified:") == 1 and "Modified: 2024-01-05\n" in again


def test_a_paragraph_or_field_both_sides_changed_keeps_the_editors_and_names_its_line():
    editor = BASE.replace("Deuxième paragraphe.", "Deuxième paragraphe, version de la rédaction.").replace("Image_credit: OpenAI", "Image_credit: AFP")
    pasted = BASE.replace("Deuxième paragraphe.", "Deuxième paragraphe, version de l’email.").replace("Image_credit: OpenAI", "Image_credit: Reuters")
    merged = merge_markdown(BASE, editor, pasted)
    assert merged.text == editor
    lines = merged.text.splitlines()
    assert [(lines[conflict.line - 1], conflict.what) for conflict in merged.conflicts] == [
        ("Image_credit: AFP", "the field Image_credit"),
        ("Deuxième paragraphe, version de la rédaction.", "the paragraph 'Deuxième paragraphe.'"),
    ]


def test_without_a_base_every_difference_is_a_conflict_and_the_editors_file_stays():
    editor, pasted = BASE + "\nAjout.\n", BASE.replace("Premier", "Tout premier")
    merged = merge_markdown("", editor, pasted)
    assert merged.text == editor and merged.conflicts


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_reimport_keeps_the_editors_fields_and_paragraphs_and_takes_what_the_paste_changed(seed_file, tmp_path, photo_folder):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content, photos=photo_folder)
    folder = content / "issues" / "2023-11-20"
    article = next(folder.glob("01-*.md"))
    edit(article, "Image_credit: OpenAI\n", "Image_credit: OpenAI / Bloomberg\nImage_alt: Sam Altman sur scène\nTags: OpenAI, Microsoft\nExclude_tags: IA\nRelecture: Camille\n")
    edit(article, "En coulisses, cette révolte", "En coulisses, cette fronde")
    seed_file.write_text(SEED_TEXT.replace("Et donc l’énorme plus-value", "Et donc la plus-value"), "utf-8")
    report = import_issue(seed_file, "2023-11-20", content)
    text = article.read_text("utf-8")
    for kept in ("Image_credit: OpenAI / Bloomberg\n", "Image_alt: Sam Altman sur scène\n", "Tags: OpenAI, Microsoft\n", "Exclude_tags: IA\n", "Relecture: Camille\n", "En coulisses, cette fronde"):
        assert kept in text
    assert "Et donc la plus-value" in text and "l’énorme" not in text
    assert re.search(r"^Modified: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", text, re.M)
    assert dt.datetime.fromisoformat(re.search(r"^Modified: (.+)$", text, re.M)[1])  # what Pelican reads
    assert report.overwritten == [article] and report.conflicts == []
    second = next(folder.glob("02-*.md"))
    assert "Modified:" not in second.read_text("utf-8")  # its text did not change


def test_a_paragraph_changed_by_hand_and_in_the_paste_is_refused_without_force_and_kept_with_it(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    folder = content / "issues" / "2023-11-20"
    article = next(folder.glob("01-*.md"))
    edit(article, "Et donc l’énorme plus-value", "Et donc la colossale plus-value")
    edited = article.read_text("utf-8")
    seed_file.write_text(SEED_TEXT.replace("Et donc l’énorme plus-value", "Et donc la plus-value"), "utf-8")
    before = snapshot(content)
    line = edited[: edited.index("## Fronde des investisseurs")].count("\n") + 3
    with pytest.raises(IssueImportError, match=rf"1 change\(s\) of the pasted issue fall on text edited by hand \({article.name}:{line}\); nothing was written\. Re-run with --force"):
        import_issue(seed_file, "2023-11-20", content)
    assert snapshot(content) == before

    report = import_issue(seed_file, "2023-11-20", content, force=True)
    assert article.read_text("utf-8") == edited
    [conflict] = report.conflicts
    pasted = folder / ".replaced" / conflict.pasted.parent.name / article.name.replace(".md", ".pasted.md")
    assert str(conflict) == (
        f"{article}:{line}: the paragraph 'Le retour avorté de Sam Altman signe en…' was changed both by hand and in the "
        f"pasted issue: the edited text is kept, the pasted one is in {pasted}"
    )
    assert edited.splitlines()[line - 1].startswith("Le retour avorté")
    assert "Et donc la plus-value" in pasted.read_text("utf-8") and "colossale" not in pasted.read_text("utf-8")
    # The conflict is said once: imported again, the same text changes nothing.
    assert import_issue(seed_file, "2023-11-20", content, force=True).conflicts == []
    assert article.read_text("utf-8") == edited


def test_another_issue_onto_a_date_already_imported_is_refused_naming_both_titles(seed_file, tmp_path):
    content = tmp_path / "content"
    import_issue(seed_file, "2023-11-20", content)
    before = snapshot(content)
    for force in (False, True):
        with pytest.raises(IssueImportError) as refused:
            import_issue(FIXTURES / "2023-11-27.txt", "2023-11-20", content, force=force)
        assert str(refused.value) == (
            f"{FIXTURES / '2023-11-27.txt'}: {content / 'issues' / '2023-11-20'} holds the issue "
            "\"Putsch, menaces, exode... le week-end mouvementé d'OpenAI\", not \"La semaine où l'IA européenne a pris son envol\"; "
            "import it under its own --date (or move that folder away first); nothing was written"
        )
        assert snapshot(content) == before


def test_an_issue_imported_before_the_bases_were_kept_is_merged_from_its_issue_txt(tmp_path):
    import shutil

    content = tmp_path / "content"
    folder = content / "issues" / "2023-11-20"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content" / "issues" / "2023-11-20", folder)
    shutil.rmtree(folder / ".import-base")  # as an issue imported before the bases were kept
    article = next(folder.glob("01-*.md"))
    edit(article, "Lang: fr\n", "Lang: fr\nTags: OpenAI\n")
    source = tmp_path / "issue.txt"
    source.write_text(SEED_TEXT.replace("Et donc l’énorme plus-value", "Et donc la plus-value"), "utf-8")
    report = import_issue(source, "2023-11-20", content)
    assert report.conflicts == [] and "Tags: OpenAI\n" in article.read_text("utf-8")
    assert "Et donc la plus-value" in article.read_text("utf-8")
