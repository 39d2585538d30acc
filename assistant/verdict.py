"""Yes or no, read from the quote that answers a yes/no question ("Did the convoy reach Tinzaouatene?" -> "No":
"…they didn't arrive in Tinzaouatene").

No data this project may learn from asks yes/no questions (SQuAD asks for spans; SciFact's 953 supported or
contradicted training claims were too few to learn polarity from: README, "Limitations"), so this is a rule, and a
cautious one: a verdict is given only when the quote is plainly about the question and plainly says it, otherwise
the quotes stand alone as before. "No" needs a negation ("not", "never", "without", "yet to", "no reaction")
bearing on the question's words in the part of the sentence that holds most of them; "Yes" needs every content
word of the question in that part (or the sentence before it) and no such negation.
A hedge there ("could", "potentially", "unclear") gives no verdict: the quote says as much as is known. A quote
that contradicts with other words ("lost control" for "did they keep control?") gives none either, because
"keep" is not in it: what the rule cannot read, it leaves to the reader of the quote.
"""

from __future__ import annotations

import re

from .words import same_term, terms

YES, NO = "yes", "no"
# Two thirds of the question's content words must be in the sentence or the one before it for a "No": enough to
# be sure the negation is about what was asked, while allowing the one word a sentence puts differently.
NO_COVERAGE = 2 / 3

NEGATION_REACH = 5  # words after a negation that it bears on ("didn't arrive in Tinzaouatene")
_NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot|yet to|failed to|refused to|little|few)\b"
    r"|\w+n't\b",
    re.IGNORECASE,
)
# phrases that hold a negation word but affirm ("not less than 84", "not only", "a few")
_NOT_NEGATION = re.compile(
    r"\b(not|no) (less|fewer|more) than\b|\bnot only\b|\bno doubt\b|\ba (little|few)\b|\bquite a few\b",
    re.IGNORECASE,
)
# ("may" only in lower case: "in May" is a month)
_HEDGE = re.compile(
    r"\b(could|(?-i:may)|might|possibly|potentially|perhaps|reportedly|allegedly|alleged|likely|unlikely|unclear|"
    r"uncertain|unknown|speculation|suspected|appears?|seems?|believed)\b",
    re.IGNORECASE,
)
# where a sentence's parts divide: a negation or hedge speaks of the words in its own part. Not at commas: a
# negation reaches across a list ("no reaction from the army, the ministry, and the authorities of Burkina Faso")
_CLAUSES = re.compile(r"[;:()\u2013\u2014]|\s-\s|\b(?:but|although|though|while|whereas|however)\b", re.IGNORECASE)
# the words that open a yes/no question, and words that only frame it ("did the army ever officially say")
_OPENING = re.compile(
    r"^\s*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|must)\b", re.IGNORECASE
)
# what someone meant or meant to do is not what was done: "their sole objective was to retake Tinzaouatene" does not
# say yes to "did the convoy retake Tinzaouatene?" (it never arrived); unless the question asks about the aim too
_INTENT = re.compile(
    r"\b(objectives?|aims?|aimed|aiming|goals?|plans?|planned|planning|intends?|intended|intending|intentions?|"
    r"purposes?|wants?|wanted|hopes?|hoped|hoping|seeks?|seeking|sought|tries|tried|trying|attempts?|attempted|"
    r"bid to|in order to|will|would|vowed|pledged|promised|threatened|expected)\b",
    re.IGNORECASE,
)
# words that say something is missing or held back: a question asked with one ("Is journalists' access
# restricted?") is itself a negation, so a negation in the quote of another word ("journalists have little access")
# agrees with it rather than saying no; which way such a double negation goes is left to the reader of the quote
_PRIVATIVE = re.compile(
    r"\b(?:(?:restrict|limit|lack|block|prevent|halt|prohibit|curb|hamper|hinder|obstruct|constrain|abandon|reject"
    r"|censor)(?:s|ed|ing)?|restrictions?|ban|bans|banned|stop|stops|stopped|den(?:y|ies|ied)|forbid(?:s|den)?"
    r"|cancel(?:s|led|ed|ling|ing)?|withh[eo]ld(?:s|ing)?|scarce|short of|lose|loses|lost|miss|missed|missing|absent"
    r"|unable)\b",
    re.IGNORECASE,
)
_PARTICLES = frozenset("over off out up down".split())
# ("still" is not among them: "is Wagner still in Mali?" asks about now, which a sentence on its past does not settle)
_FRAMING = frozenset(
    terms("ever really actually truly indeed true anyway already yet at all")
    + terms("among amongst across toward towards within upon onto via per along around beyond")  # prepositions
)


def verdict(question: str, sentence: str, before: str = "") -> str | None:
    """``YES`` or ``NO`` when ``sentence`` (with ``before``, the sentence before it) settles the yes/no
    ``question``, else None."""
    claim = _OPENING.sub("", question, count=1)
    if _OPENING.match(question) is None or _negated(claim) or re.search(r"\bor\b", claim, re.IGNORECASE):
        return None  # "Isn't it…", "was it not…", "A or B?": the polarity of the reply would be ambiguous
    asked = [t for t in dict.fromkeys(_terms(claim)) if t not in _FRAMING]
    if not asked:
        return None
    # the part of the sentence that holds most of the question's words is the one that answers it ("In X, we lost
    # a battle, but we are never going to lose the war": "did they lose a battle?" is read in the first part)
    shared = [(sum(any(same_term(t, s) for s in _terms(c)) for t in asked), c) for c in _CLAUSES.split(sentence) if c]
    most = max((n for n, _ in shared), default=0)
    about = [c for n, c in shared if n == most and n > 0]
    if not about or any(_HEDGE.search(c) for c in about):
        return None
    if not _INTENT.search(claim) and any(_INTENT.search(c) for c in about):
        return None
    # what the answering part says, with the sentence before (what its "it" or "they" stands for); not the other
    # parts ("have not disclosed their losses, although Wagner said the losses were severe": Wagner disclosed?)
    # A number must be in the answering part itself ("did they take up arms in 2022?" is not answered by "in 2023"
    # after a sentence about 2022).
    said, own = _terms(" ".join([before, *about])), _terms(" ".join(about))
    covered = [t for t in asked if any(same_term(t, s) for s in (own if t[0].isdigit() else said))]
    denied = {_denies(c, asked) for c in about}
    if denied == {True}:
        # a privative word of the question must itself be denied ("did not lose control" for "Did they lose control?")
        privative = terms(" ".join(m.group(0) for m in _PRIVATIVE.finditer(claim)))
        enough = len(covered) >= NO_COVERAGE * len(asked)
        return NO if enough and (not privative or all(_denies(c, privative) for c in about)) else None
    if any(_negated(c) for c in about):  # a negation out of reach may still bear on it ("did not, despite …, go")
        return None
    if len(covered) < len(asked) or any(_object_there(question, c) or _object_elsewhere(claim, c) for c in about):
        return None
    return YES


# a name asked about as the doer ("Did France …?") that the quote puts after a preposition is what was done to or
# with ("the junta broke ties with former colonial ruler France and turned towards Russia"): "by" is left out, as
# a passive's doer comes after it ("confirmed by Russia's Tass"), and so are "is"/"was" questions, whose subject
# may be what was done to ("Was Tinzaouaten hit?": "strikes in Tinzaouaten")
_SUBJECT = re.compile(
    r"^\s*(?:do|does|did|has|have|had|can|could|will|would)\s+(?P<name>(?-i:[A-Z][\w'\u2019-]*)(?:\s+(?-i:[A-Z][\w-]*))*)",
    re.IGNORECASE,
)
_BEFORE_AN_OBJECT = re.compile(
    r"\b(?:with|from|against|towards?|to|of|on|at|into|over|for|about)\s+(?:[\w'\u2019-]+\s+){0,3}$", re.IGNORECASE
)


def _object_there(question: str, part: str) -> bool:
    """Whether the name a question asks about as its doer stands in ``part`` only after a preposition."""
    subject = _SUBJECT.match(question)
    if not subject:
        return False
    name = re.sub(r"['\u2019]s$", "", subject.group("name").split()[0])
    found = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", part)]
    return bool(found) and all(_BEFORE_AN_OBJECT.search(part[:at]) for at in found)


# a name the question puts after one of these ("did the junta turn towards France?") that the quote puts after
# another, while the quote's own "towards" leads elsewhere ("broke ties with … France and turned … towards other
# partners including Russia"), is not what the question asks about
_RELATION = re.compile(
    r"\b(?P<prep>towards?|to|into|from|with|against)\s+(?:the\s+)?(?P<name>(?-i:[A-Z][\w'\u2019-]*))", re.IGNORECASE
)


def _object_elsewhere(claim: str, part: str) -> bool:
    """Whether a name the question writes after a preposition stands in ``part`` only after other words, while
    ``part`` writes that preposition before something else."""
    for asked in _RELATION.finditer(claim):
        prep, name = asked.group("prep").lower().rstrip("s"), asked.group("name")
        found = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", part)]
        elsewhere = re.search(rf"\b{prep}s?\b", part, re.IGNORECASE)
        related = re.compile(rf"\b{prep}s?\s+(?:[\w'\u2019-]+\s+){{0,3}}$", re.IGNORECASE)
        if found and elsewhere and not any(related.search(part[:at]) for at in found):
            return True
    return False


def _terms(text: str) -> list[str]:
    """The content words' stems, and the particles that make a verb of their own ("was the mission over?", "did
    they call it off?"): the search drops them as stop words, but a quote without them does not say yes to them."""
    return terms(text) + [w for w in re.findall(r"[a-z]+", text.lower()) if w in _PARTICLES]


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


def _denies(clause: str, asked: list[str]) -> bool:
    """Whether a negation in ``clause`` bears on the question's words: one of them within the few words after it
    ("has not officially announced", "no reaction to these allegations"), not a negation of something else
    ("controls without the disease", "trials remain unpublished, and investigators are not contactable")."""
    text = _NOT_NEGATION.sub(" ", clause)
    for match in _NEGATION.finditer(text):
        after = terms(" ".join(text[match.end() :].split()[:NEGATION_REACH]))
        if any(same_term(t, s) for t in asked for s in after):
            return True
    return False
