"""The words of a text, one vocabulary for retrieval, evidence and answers.

``words`` splits text into tokens; ``terms`` turns them into lower-cased stems without stopwords (what BM25
indexes and what evidence coverage counts); ``same_term`` joins spelling variants of long names;
``asks_for`` reads what kind of thing a question asks for; ``content_words`` keeps a text's meaningful words
in their own spelling (for showing what was searched and for carrying names into a follow-up).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below between both "
    "but by can could did do does doing down during each few for from further had has have having he her here hers "
    "herself him himself his i if in into is it its itself just me more most my myself no nor not now of off on once "
    "only or other our ours ourselves out over own same she should so some such than that the their theirs them "
    "themselves then there these they this those through to too under until up very was we were what when where "
    "which while who whom why will with would you your yours yourself yourselves also "
    "did how many much whose tell know give "
    # indefinite pronouns: "did they fight anyone" is about fighting, not about anyone
    "anyone anybody anything someone somebody something everyone everybody everything nobody nothing "
    # words that frame a question rather than say what it is about ("what is the full name of ...")
    "name names full kind type sort year years number "
    # "according to ...": in 22 SQuAD training questions, and in the answering sentence of 1
    "according "
    # contractions as terms() spells them (the apostrophe dropped): "what's" frames a question like "what is"
    "whats whos wheres whens hows thats theres theyre youre im ive dont doesnt didnt isnt arent wasnt werent".split()
)
QUESTION_WORDS = frozenset({"who", "what", "when", "where", "which", "why", "how"})
# the verbs that open a question or carry another ("Did the convoy…", "there has been")
AUXILIARIES = frozenset(
    "is are was were am be been did does do has have had can could will would should shall may might must".split()
)
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

# forms the stemmer cannot join to their word (said/say, broke/break, children/child): English's irregular verbs
# and plurals, a closed list, and a few forms Snowball stems apart (killed/kill, bodies/body). Questions put a verb in
# its base form after "did" ("did the junta break ties?") where news writes the past ("the junta broke ties"). Left
# out where a form is also another common word: "lives" (life; "he lives in"), "fed" (the Fed), "lit", "bit", "born"
_FORMS = """
say said says | take took taken | begin began begun | give gave given | go went gone | see saw seen | know knew known
rise rose risen | fall fell fallen | die died dead death deaths | withdraw withdrew withdrawn | choose chose chosen
drive drove driven | bring brought | fight fought | win won | lead led | come came | make made | hold held
leave left | lose lost | meet met | send sent | spend spent | strike struck stricken | tell told | think thought
find found | get got gotten | keep kept | run ran | shoot shot | wound wounded | kill killed | seize seized
body bodies | flee fled | stand stood | pay paid | buy bought | sell sold | build built
arise arose arisen | awake awoke awoken | beat beaten | become became | bend bent | bleed bled | blow blew blown
break broke broken | breed bred | burn burnt | catch caught | cling clung | creep crept | deal dealt | dig dug
draw drew drawn | dream dreamt | drink drank drunk | eat ate eaten | feel felt | fling flung | fly flew flown
forbid forbade forbidden | forget forgot forgotten | forgive forgave forgiven | freeze froze frozen | grow grew grown
hang hung | hear heard | hide hid hidden | kneel knelt | lay laid | lean leant | leap leapt | learn learnt | lend lent
mean meant | overcome overcame | overtake overtook overtaken | prove proven | ride rode ridden | ring rang rung
seek sought | shake shook shaken | shine shone | show shown | shrink shrank shrunk | sing sang sung | sink sank sunk
sit sat | sleep slept | slide slid | speak spoke spoken | speed sped | spin spun | spring sprang sprung
steal stole stolen | stick stuck | sting stung | stride strode | strive strove striven | swear swore sworn
sweep swept | swim swam swum | swing swung | teach taught | tear tore torn | throw threw thrown
undergo underwent undergone | understand understood | undertake undertook undertaken | uphold upheld
wake woke woken | wear wore worn | weave wove woven | weep wept | withhold withheld | write wrote written
child children | man men | woman women | foot feet | tooth teeth | wife wives | knife knives | crisis crises
analysis analyses | mouse mice | goose geese
"""
IRREGULAR = {form: group.split()[0] for group in _FORMS.replace("\n", " | ").split("|") for form in group.split()[1:]}
QUANTITY_CUES = ("how many", "how much", "what number", "how long", "how far", "what percentage")
TIME_CUES = ("when ", "in what year", "in which year", "what year", "since when", "since which year", "what date")
_LEAD_IN = re.compile(r"^\s*(?:and|so|but|then|also)\b[\s,]*", re.I)
# letters of any alphabet ("Yesün Temür", "Fußach"), digits, inner hyphens and apostrophes
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_CARRIED = re.compile(r"\s*\((.*)\)\s*$")  # "question (names carried from an earlier turn)"
# a run of letters of any alphabet, no digits: what spelling correction and name forms read as one word ("Temür")
LETTERS = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """Tokens: letters and digits, with inner hyphens and apostrophes kept ("Wagner's", "CSP-DPA")."""
    return _WORD.findall(text)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The stem of one lower-cased word, irregular forms joined to their verb first."""
    return str(_stemmer().stemWord(IRREGULAR.get(word, word)))


def folded(word: str) -> str:
    """A word lower-cased without its accents, as people often type a name: "Yesün" -> "yesun", "Fußach" ->
    "fussach"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words without accents (stopwords dropped): "Temür" and "Temur" are one term."""
    kept = [folded(w).replace("'", "") for w in words(text)]
    return list(_stemmer().stemWords([IRREGULAR.get(w, w) for w in kept if w not in STOPWORDS]))


def same_term(a: str, b: str) -> bool:
    """Equal stems, or spelling variants of a long name (Tinzaouaten / Tinzaouatene)."""
    if a == b:
        return True
    return (
        min(len(a), len(b)) >= 6
        and abs(len(a) - len(b)) <= 2
        and a[:6] == b[:6]
        and (a.startswith(b) or b.startswith(a))
    )


def asks_for(question: str) -> str | None:
    """'quantity' or 'time' when the question's form asks for one ("And how many ...?"), else None."""
    asked = _LEAD_IN.sub("", question.lower())
    if asked.startswith(QUANTITY_CUES):
        return "quantity"
    if asked.startswith(TIME_CUES):
        return "time"
    return None


_OPENING = re.compile(r"""[.!?:"'(\u2018\u201c\u2013\u2014-]\s*$""")  # what a sentence or a quotation opens after


def names(text: str, common: Collection[str] = ()) -> list[str]:
    """The capitalised content words after the first word (capitalised anyway as a sentence starts): what a text
    names, in its own spelling. A word of ``common`` (lower-cased) that opens a sentence or a quotation inside the
    text is capitalised for that reason, not a name: the "Given" of '… up' -"Given the size…'."""
    found = []
    for i, match in enumerate(_WORD.finditer(text)):
        word = match.group(0)
        if i == 0 or not word[0].isupper() or not terms(word):
            continue
        if word.lower() in common and _OPENING.search(text, 0, match.start()):
            continue
        found.append(word)
    return found


def named_things(query: str, written: str = "") -> list[str]:
    """What a query names, as whole names: runs of capitalised words after its first word ("Who is El Maouloud
    Ramadane?" -> "El Maouloud Ramadane"); in the words a follow-up's rewrite carried in, which stand side by side
    whether or not they were, only those that ``written`` (the passages they came from) also writes together:
    "(COSI Alexander Ivanov)" -> "COSI", "Alexander Ivanov"."""
    carried = _CARRIED.search(query)
    end = carried.start() if carried else len(query)
    runs: list[tuple[list[str], int]] = []
    last = -1
    for i, match in enumerate(_WORD.finditer(query)):
        word = match.group(0)
        if i == 0 or not word[0].isupper() or not terms(word):
            continue
        joined = runs and query[last : match.start()].isspace() and (match.start() < end) == (runs[-1][1] < end)
        if joined:
            runs[-1][0].append(word)
        else:
            runs.append(([word], match.start()))
        last = match.end()
    found: list[str] = []
    for run, start in runs:
        if start < end:
            found.append(" ".join(run))
            continue
        part = [run[0]]
        for word in run[1:]:
            if " ".join([*part, word]) in written:
                part.append(word)
            else:
                found.append(" ".join(part))
                part = [word]
        found.append(" ".join(part))
    return list(dict.fromkeys(found))


def content_words(text: str, carried: bool = True) -> list[str]:
    """The words of a text that carry meaning, in their own spelling, once each; with ``carried``, those a
    follow-up's rewrite carried in (in brackets at its end) too."""
    base = _CARRIED.sub(r" \1" if carried else "", text)
    return list(dict.fromkeys(w for w in words(base) if terms(w)))


# QWERTY keys by row, each row shifted right of the one above by this share of a key: the keys a finger slips to
_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
_KEY_AT = {c: (r, i + shift) for r, (row, shift) in enumerate(_ROWS) for i, c in enumerate(row)}
NEAR_KEYS = {
    a: frozenset(b for b, (r2, x2) in _KEY_AT.items() if b != a and abs(r - r2) <= 1 and abs(x - x2) <= 1.0)
    for a, (r, x) in _KEY_AT.items()
}


def typing_errors(word: str) -> set[str]:
    """The slips of a typist on ``word`` (lower case): a letter dropped or doubled, two neighbours swapped, a
    neighbouring key hit instead of or beside the right one. A narrower set than ``one_edit_away``: "Kidl" is a
    slip on "Kidal", while "Mari" (l -> r, far apart on the keyboard) is another name, not a slip on "Mali"."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    doubled = {a + b[0] + b for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    instead = {a + c + b[1:] for a, b in splits if b for c in NEAR_KEYS.get(b[0], ())}
    beside = {a + b[0] + c + b[1:] for a, b in splits if b for c in NEAR_KEYS.get(b[0], ())}
    beside |= {a + c + b for a, b in splits if b for c in NEAR_KEYS.get(b[0], ())}
    return (dropped | doubled | swapped | instead | beside) - {word}


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion of a letter away from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}
