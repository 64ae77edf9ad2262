"""Names the articles use often that the tag registry lacks: suggestions for content/tags.toml."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cafetech.importer import ISSUE_FILE, ISSUES_DIR
from cafetech.tags import passing_cues

# What reads as a name (see name_runs): capitalised words, joined by these French connectors when a
# capitalised word follows ("Banque de France", "Côte d’Ivoire"), and followed by these adjectives
# ("Commission européenne", "Parlement européen", "Journal officiel").
CONNECTORS = {"de", "du", "des", "la"}
ELIDED_CONNECTORS = {"d'", "d’"}
ADJECTIVES = {
    "européen", "européenne", "européens", "européennes", "officiel", "officielle", "fédéral", "fédérale",
    "national", "nationale", "constitutionnel", "constitutionnelle", "central", "centrale", "suprême",
}  # fmt: skip

# Capitalised only because they start a sentence, a title or a subheading: never a name.
STOPWORDS = {
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "et", "ou", "mais", "donc", "or",
    "ni", "car", "ce", "cet", "cette", "ces", "cela", "ça", "c", "il", "elle", "ils", "elles", "on", "nous",
    "vous", "je", "j", "tu", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma",
    "mes", "dans", "pour", "par", "sur", "sous", "avec", "sans", "selon", "chez", "vers", "entre", "depuis",
    "avant", "après", "pendant", "malgré", "contre", "dont", "qui", "que", "qu", "quoi", "quand", "comme",
    "si", "en", "y", "à", "a", "est", "sont", "tout", "tous", "toute", "toutes", "plus", "moins", "très",
    "aussi", "ainsi", "alors", "puis", "déjà", "encore", "même", "pas", "ne", "n", "non", "oui", "là", "ici",
    "où", "chaque", "certains", "certaines", "plusieurs", "autre", "autres", "pourquoi", "comment", "faut-il",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "février", "mars",
    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
}  # fmt: skip

# A word, with the elided article or pronoun before it ("d’OpenAI", "l’IA", "qu’Apple") apart.
_TOKEN = re.compile(
    r"(?P<elision>(?<!\w)(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’])?(?P<word>[^\W\d_]\w*(?:[-‑]\w+)*)",
    re.IGNORECASE,
)
_SAME_PHRASE = re.compile(r"[ \t\u00a0\u202f]*")  # what may stand between two words of one name


class NoIssue(Exception):
    """No article in the issue folder the editor named (``folder``)."""

    def __init__(self, folder: Path):
        super().__init__(f"{folder}: no such issue")
        self.folder = folder


@dataclass(frozen=True)
class Suggestion:
    name: str
    score: int  # its mentions in all the articles, weighted by where they are (as tagging weighs them)
    mentions: int
    articles: int


def name_key(name: str) -> str:
    """A name compared without case, accents, apostrophe style or spacing."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def common_words(texts: Iterable[str]) -> set[str]:
    """The words written in lower case somewhere in the texts, casefolded."""
    return {m["word"].casefold() for text in texts for m in _TOKEN.finditer(text) if m["word"][0].islower()}


def is_name_word(word: str, common: set[str]) -> bool:
    """Capitalised, not a French stopword and never written in lower case (acronyms always count)."""
    key = word.casefold()
    if not word[0].isupper() or key in STOPWORDS or key.split("-")[0] in STOPWORDS:
        return False
    return (len(word) > 1 and word.isupper()) or key not in common


def name_runs(text: str, common: set[str]) -> list[str]:
    """The names in ``text``: runs of name words, with connectors inside and adjectives after."""
    return [name for _start, _end, name in name_spans(text, common)]


def name_spans(text: str, common: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each name in ``text`` (see name_runs), in the order written."""
    names: list[tuple[int, int, str]] = []
    run: list[str] = []
    pending: list[str] = []  # connectors seen since the last name word, kept if another one follows
    end = 0
    run_start = run_end = 0

    def close():
        if run and any(len(word) > 1 for word in run):
            names.append((run_start, run_end, " ".join(run)))
        run.clear()
        pending.clear()

    for match in _TOKEN.finditer(text):
        word, elision = match["word"], match["elision"]
        if run and not _SAME_PHRASE.fullmatch(text, end, match.start()):
            close()  # punctuation or a line between: the name ended
        end = match.end()
        if run and elision:
            if elision.casefold() in ELIDED_CONNECTORS and is_name_word(word, common):
                run.extend([*pending, f"{elision}{word}"])
                pending.clear()
                run_end = end
                continue
            close()
        if run and not pending and word.casefold() in ADJECTIVES:
            run.append(word)
            run_end = end
        elif is_name_word(word, common):
            if not run:
                run_start = match.start("word")
            run.extend([*pending, word])
            pending.clear()
            run_end = end
        elif run and word in CONNECTORS:
            pending.append(word)
        else:
            close()
    close()
    return names


def suggestions(
    articles: list[dict[str, list[str]]], known: Iterable[str], weights: dict[str, int], min_score: int
) -> list[Suggestion]:
    """The names not in ``known`` that would tag an article (score >= ``min_score`` there), best first."""
    # Each article is its texts by field (the tagging rule's: title, summary, heading, paragraph),
    # and a name scores as a tag would: the weight of the field it is named in, once per mention,
    # nothing when it is named in passing (cafetech/tags.py, passing_cues).
    known_keys = {name_key(name) for name in known}
    common = common_words(text for fields in articles for texts in fields.values() for text in texts)
    totals: Counter = Counter()
    mentions: Counter = Counter()
    articles_naming: Counter = Counter()
    spelling: dict[str, str] = {}  # name key -> the first spelling met
    wanted: set[str] = set()
    for fields in articles:
        scores: Counter = Counter()
        for field, texts in fields.items():
            for text in texts:
                spans = name_spans(text, common)
                cues = passing_cues(text, field, [(start, end) for start, end, _name in spans])
                for (_start, _end, name), cue in zip(spans, cues):
                    key = name_key(name)
                    if key in known_keys or cue:  # named in passing ("ancien de", "comme"…): as tagging, it counts nothing
                        continue
                    spelling.setdefault(key, name)
                    scores[key] += weights[field]
                    mentions[key] += 1
        totals.update(scores)
        articles_naming.update(scores.keys())
        wanted.update(key for key, score in scores.items() if score >= min_score)
    found = [Suggestion(spelling[key], totals[key], mentions[key], articles_naming[key]) for key in wanted]
    return sorted(found, key=lambda s: (-s.score, -s.mentions, name_key(s.name)))


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number > 1 else ''}"


def suggestion_lines(found: list[Suggestion]) -> list[str]:
    """One line per suggestion, names aligned: ``AI Act  (5 mentions in 2 articles, score 11)``."""
    width = max((len(s.name) for s in found), default=0)
    return [
        f"{s.name:<{width}}  ({_counted(s.mentions, 'mention')} in {_counted(s.articles, 'article')}, score {s.score})"
        for s in found
    ]


def issue_folder(content: Path, date: str | None = None) -> Path:
    """The folder of the issue of ``date``, or of every issue without one."""
    return Path(content) / ISSUES_DIR / date if date else Path(content) / ISSUES_DIR


def issue_articles(content: Path, date: str | None = None) -> list[Path]:
    """The article files of the issue of ``date`` (of every issue without one), in order."""
    folder = issue_folder(content, date)
    found = sorted(path for path in folder.glob("*.md" if date else "*/*.md") if path.name != ISSUE_FILE)
    if not found:
        raise NoIssue(folder)
    return found
