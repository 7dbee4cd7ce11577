"""Does a text say something? The measures the readiness gate uses on what a KAM typed.

- **Meaningful words**: the folded words of a text (``search.words``: anyascii, lower case,
  so "Łódź" is "lodz" and "Соколов" "sokolov") with at least two characters that are neither
  a stopword nor a placeholder, in the five languages of the product (en, pl, ru, it, hu).
  "x", "xx", "tbd", "todo", "...", "-", "n/a", "asdf", "test", "lorem ipsum", "brak",
  "нет данных", "da definire", "nincs" count zero words; so does a word made of one repeated
  character ("xxxx", "aaaa"). Numbers of two digits or more count ("2027", "90").
- **Near-duplicates**: two entries whose folded words, joined, are at least ``ratio`` alike
  (difflib's ratio; 1.0 is identical after folding case, accents and punctuation).
- **Looks like a question**: a question mark, or an interrogative of one of the meeting's
  languages (en: what/how/why…, pl: jak/co/czy…, ru: как/что/ли…, it: come/cosa/perché…,
  hu: hogyan/mi/miért/-e…); an opening such as "Tell me about…" counts as well.
- **A link that parses**: http or https with a host. **A phone number**: enough digits.

Pure functions over strings; the thresholds come from the settings.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from urllib.parse import urlparse

from kamdesk.core.storage.search import words

LANGUAGES = ("en", "pl", "ru", "it", "hu")

# Written as people type them; folded (like the texts they are compared with) when used.
_PLACEHOLDERS = """
    x xx xxx xxxx y z tbd tba tbc todo to-do fixme wip na nd n/a none null nil nothing
    unknown dunno idk asdf asdfgh qwe qwer qwerty zxc hjkl foo bar baz blah bla lorem ipsum
    dolor amet placeholder something stuff whatever xyz abc
    brak nic wiem uzupełnienia uzupełnić coś
    нет нету ничего знаю хх ххх что-то
    niente boh qualcosa
    nincs semmi tudom valami
"""
# Placeholders only when a text holds nothing else ("test", "later"): within a sentence they
# are ordinary words ("rapid antigen test", "data").
_ALONE = """
    test testing tester sample dummy ok okay same ditto misc various later fill
    później później potem тест данных позже потом prova definire dopo vedi próba később majd
"""
_STOPWORDS = {
    "en": """a an the and or but nor of to in on at by for with from as into onto about over
        under is are was were be been being am it its this that these those there here we
        our us you your they their them he she his her him i me my so if then than too very
        also just not no yes do does did done can will shall should would could may might
        must have has had get got let all any some each every other such own same more most
        much many few up down out off again only""",
    "pl": """i a w we z ze na do od po za o u dla nie się sie to jest są być był była było
        ten ta te tego tej tym ale lub albo czy że ze jak co już tak też tylko przez przy pod
        nad bez oraz jego jej ich ma mają może nam nas was wam je mi mnie""",
    "ru": """и в во не на я с со а но что это как по к у о об от за из до же ли бы был была
        было быть он она они мы вы ты его её их так также то тот та те или для при без под
        над""",
    "it": """il lo la i gli le un uno una di a da in con su per tra fra e ed o ma se che non
        si è sono era del della dei delle al alla ai agli nel nella sul sulla come anche più
        già ci ne""",
    "hu": """a az egy és vagy de is nem hogy meg már csak még mint van volt lesz ez azt ezt
        az ami aki mert ha pedig sem el fel ki be le""",
}
_INTERROGATIVES = {
    "en": """what what's whats how why which who whom whose when where whether could would
        can do does did is are was were will shall should may might have has tell describe
        explain walk""",
    "pl": """jak jaki jaka jakie jakiego jakich jakim co czego czym czy dlaczego czemu kiedy
        gdzie dokąd skąd który która które którego których ile ilu kto kogo komu opowie
        opowiedz opowiedzieć opisz proszę""",
    "ru": """как какой какая какое какие каких каким что чем чего почему зачем когда где куда
        откуда сколько кто кого кому который которая которые ли разве расскажите опишите""",
    "it": """come cosa che perché perche quale quali quando quanto quanta quanti quante dove
        chi potrebbe potreste può puo racconti descriva spieghi""",
    "hu": """hogyan hogy mi mit mik miért mikor mennyi mennyit melyik milyen hol hova honnan
        ki kik kinek kit vajon e mesélne meséljen mondja""",
}


@cache
def _folded(text: str) -> frozenset[str]:
    return frozenset(w for item in text.split() for w in words(item))


@cache
def _placeholders() -> frozenset[str]:
    return _folded(_PLACEHOLDERS)


@cache
def _alone() -> frozenset[str]:
    return _folded(_ALONE)


@cache
def _stopwords() -> frozenset[str]:
    return frozenset().union(*(_folded(t) for t in _STOPWORDS.values()))


def _interrogatives(language: str) -> frozenset[str]:
    return _folded(_INTERROGATIVES[language])


def meaningful_words(text: str | None) -> list[str]:
    """The words that carry meaning (see the module's notes)."""
    return list(_meaningful(text)) if text else []


@lru_cache(maxsize=4096)  # the gate reads the same texts on every keystroke in the workspace
def _meaningful(text: str) -> tuple[str, ...]:
    placeholders, stopwords = _placeholders(), _stopwords()
    found = [
        w
        for w in words(text)
        if len(w) >= 2
        and w not in placeholders
        and w not in stopwords
        and len(set(w)) > 1  # "xxxx", "aaaa", "1111"
    ]
    alone = _alone()
    return () if all(w in alone for w in found) else tuple(found)


def count(text: str | None) -> int:
    return len(_meaningful(text)) if text else 0


def is_placeholder(text: str | None) -> bool:
    """Something typed, but nothing said ("x", "tbd", "...")."""
    return bool(text and text.strip()) and not meaningful_words(text)


def near_duplicates(items: Sequence[str], ratio: float) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of entries that say the same thing (each j reported once)."""
    return list(_near_duplicates(tuple(items), ratio))


@lru_cache(maxsize=256)  # the workspace re-checks the same lists after every edit
def _near_duplicates(items: tuple[str, ...], ratio: float) -> tuple[tuple[int, int], ...]:
    keys = [" ".join(words(item)) for item in items]
    letters = [Counter(key) for key in keys]
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for j in range(len(keys)):
        if not keys[j]:
            continue
        for i in range(j):
            if i in taken or not keys[i]:
                continue
            if keys[i] == keys[j] or _alike(keys[i], keys[j], letters[i], letters[j], ratio):
                pairs.append((i, j))
                taken.add(j)
                break
    return tuple(pairs)


def _alike(a: str, b: str, letters_a: Counter[str], letters_b: Counter[str], ratio: float) -> bool:
    """difflib's ratio, after two cheap upper bounds of it (most pairs stop there): the
    lengths, and the letters both have (difflib's quick_ratio, with the counts made once)."""
    total = len(a) + len(b)
    if 2 * min(len(a), len(b)) / total < ratio:
        return False
    if 2 * sum((letters_a & letters_b).values()) / total < ratio:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ratio


def _named(codes: Iterable[str | None]) -> tuple[str, ...]:
    names = {
        language: _folded(spellings)
        for language, spellings in (
            ("en", "en eng english angielski английский inglese angol"),
            ("pl", "pl pol polish polski polska польский polacco lengyel"),
            ("ru", "ru rus russian rosyjski русский russo orosz"),
            ("it", "it ita italian włoski итальянский italiano olasz"),
            ("hu", "hu hun hungarian węgierski венгерский ungherese magyar"),
        )
    }
    found: list[str] = []
    for code in codes:
        for word in words(code or ""):
            for language, known in names.items():
                if word in known and language not in found:
                    found.append(language)
    return tuple(found)


def languages(codes: Iterable[str | None]) -> tuple[str, ...]:
    """The product languages named by free-text language fields ("pl", "Polish", "русский",
    "magyar"…); all five when none is recognised."""
    return _named(codes) or LANGUAGES


def names_language(text: str | None) -> bool:
    """Does a language field name one of the product's languages ("it", "Polish", "magyar")?"""
    return bool(_named([text]))


def looks_like_question(text: str, langs: Sequence[str]) -> bool:
    if "?" in text or "\uff1f" in text:  # also the full-width question mark
        return True
    found = set(words(text))
    return any(found & _interrogatives(lang) for lang in langs if lang in _INTERROGATIVES)


def _same_stem(a: str, b: str) -> bool:
    """Folded words alike enough to be one ("shortage"/"shortages", "migration"/"migrated")."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 6:
        return a[:6] == b[:6]
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(long) - len(short) <= 2


def tag_matches(tag: str, text: str) -> bool:
    """A topic tag ("reference ranges") occurs in a text: each of its meaningful words matches
    a word of the text, allowing for endings."""
    wanted = meaningful_words(tag) or words(tag)
    found = words(text)
    return bool(wanted) and all(any(_same_stem(w, f) for f in found) for w in wanted)


def link_parses(link: str | None) -> bool:
    """An http(s) address with a host (a meeting link, not "x" or "teams")."""
    if not link:
        return False
    parsed = urlparse(link.strip())
    host = parsed.hostname or ""
    return parsed.scheme in ("http", "https") and "." in host and not host.startswith(".")


def phone_digits(number: str | None) -> int:
    return sum(ch.isdigit() for ch in number or "")
