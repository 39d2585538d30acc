"""What kind of question this is, read from its form: the kind decides the shape of the answer.

factoid ("Who heads COSI?") gets a short answer phrase first; list, yes/no and why/how get their sentences;
broad questions (summaries, overviews, comparisons, "what happened in X", "what do the articles say about Y") get
an overview grouped by document; conversational turns ("hi", "what can you do") get a reply about the collection,
never a refusal. Only the wording is read here, never the documents.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

KINDS = ("factoid", "list", "yes/no", "why/how", "broad", "conversational")
SEVERAL = "several"  # an answer's kind when its message asked several of these questions (``several.py``)

_CONVERSATIONAL = re.compile(
    r"^(hi|hello|hey|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day)|thanks?( you)?( very much)?"
    r"|thx|cheers|bye|goodbye|ok(ay)?|cool|great|help|who are you|what are you|what can you do( for me)?"
    r"|how can you help( me)?|what (can|should|could) i ask( you)?|how does this work|how do i use this"
    r"|(which|what|how many) (documents|files|articles|sources|texts|stories) (do you have|are (there|indexed|loaded"
    r"|available)|have you (got|read|indexed)|(are|do you have) in (the|this|your) (collection|index|corpus|library))"
    r"|what do you know( about)?|what is (indexed|loaded))\b[\s!.?,]*"
    r"(there|please|again|everyone|all)?[\s!.?]*$",
    re.IGNORECASE,
)
# "Which article is the most recent?": a conversational turn, answered from the documents' dates
# (``broad.conversational_reply``), not from a passage
BY_DATE = re.compile(
    r"^(?:which|what) (?:of the )?(?:documents?|files?|articles?|stories|story|reports?|texts?) (?:is|was|are|were) "
    r"(?:the )?(?:most recent|newest|latest|last|(?P<old>oldest|earliest|first))(?: ones?)?\b[\s!.?,]*$",
    re.IGNORECASE,
)
# the whole collection: no topic of its own
_COLLECTION = re.compile(
    r"^(please )?(can you |could you )?(summari[sz]e|sum up|give (me )?(a |an |the )?"
    r"((quick|brief|short|general|rough|broad) )?(summary|overview|rundown|brief|gist))"
    r"( of)?( (all|each of|every one of))?( (the|these|those|your|this|my))?( (\w+ )?(articles?|documents?|"
    r"files?|stories|texts?|collection|corpus|reports?|news|sources?))?( in [\w ]+)?[\s.!?]*$"
    r"|^what (is|are) (this|the|these) (collection|corpus|documents?|articles?|files?|stories|news)( \w+)? about\b"
    r"|^what (is|are) (each|every) (of the )?(documents?|articles?|files?|stories|reports?)( \w+)? about\b"
    r"|^what (are|were) the (main|key|major|most important) (events|points|stories|themes|topics|facts|findings)"
    r"( (described|covered|reported|discussed|mentioned))?( (in|by) (the|these) (documents|articles|files|news))?"
    r"[\s.!?]*$"
    r"|^what (is|was) (in )?the news[\s.!?]*$"
    r"|^who (are|were) the (main|key|major|principal|chief) (players|actors|parties|protagonists|sides|figures|people)"
    r"( (involved|mentioned|named|quoted))?[\s.!?]*$"
    r"|^(please )?(give me |tell me |what is |what's )?(the |some )?(background|context|backstory)[\s.!?]*$"
    r"|^what (hap+e?n+e?d|is going on|is happening)[\s.!?]*$",
    re.IGNORECASE,
)
# a topic, asked about broadly: the topic is the last group
_TOPICAL = re.compile(
    r"^(please )?(can you |could you )?(?:"
    r"summari[sz]e(?: what (?:the|these) (?:\w+ )?(?:articles?|documents?|reports?|sources?) (?:say|said|report) "
    r"(?:about|on|of))?|give (?:me )?(?:a |an )?(?:(?:quick|brief|short|general|rough|broad) )?"
    r"(?:summary|overview|rundown) of(?: what .{0,30} (?:about|on))?"
    r"|tell me (?:everything |all |more )?(?:about|of)"
    r"|what do(?:es)? (?:the|these|your) (?:\w+ )?(?:articles?|documents?|reports?|sources?|files?|texts?) "
    r"(?:say|tell us|report|tell me|mention) (?:about|on|of)"
    r"|what (?:do|does) (?:the documents|the articles|they|it) say about"
    # which documents speak of a topic: each one that does, with what it says ("Which articles mention Gao?", "How
    # many articles mention Wagner?")
    r"|(?:which|what|how many) (?:of the |of these )?(?:articles?|documents?|stor(?:y|ies)|reports?|pieces?|files?"
    r"|sources?) (?:mentions?|discuss(?:es)?|covers?|talks? about|speaks? (?:of|about)|refers? to|reports? on"
    r"|deals? with|(?:is|are) about|says? anything about|names?|quotes?|cites?)"
    r"|how (?:do|does|did) (?:the|these|your) (?:\w+ )?(?:articles?|documents?|reports?|sources?|stor(?:y|ies)) "
    r"(?:describe|portray|present|cover|report on|characteri[sz]e)"
    r"|what (?:has|have) hap+e?n+e?d (?:in|at|to|with|near|around)"
    r"|what hap+e?n+e?d (?:in|at|to|with|near|around|during)"
    r"|what(?:'s| is) (?:going on|happening) (?:in|at|with|around)"
    r"|what is (?:known|reported|said) about|what do (?:we|you|they|the (?:articles|documents)) know about"
    r"|what is the (?:background|context|history|backstory) (?:to|of|behind|on|for|about)"
    r"|(?:give me |some |any )*(?:background|context|history) (?:on|of|to|about|for)"
    r"|who (?:are|were) the (?:(?:main|key|major|principal|chief) )?(?:players|actors|parties|protagonists|sides"
    r"|figures)(?: (?:involved|mentioned|named|quoted))? (?:in|of|behind)"
    r"|(?:describe|explain|outline|overview of)"
    r")\s+(.+?)[\s.!?]*$",
    re.IGNORECASE,
)
# who the documents quote: "Who is quoted?", "Who are the main people quoted in the articles?", "Which officials
# are quoted about the convoy?", "Who is cited in the Kidal article?" (the topic in group s or d)
_QUOTED_PEOPLE = re.compile(
    r"^(?:who (?:is|are|was|were|gets?) (?:being )?(?:quoted|cited|interviewed)"
    r"|whose (?:words|quotes|statements) (?:are|were|appear) (?:quoted|given|cited)?"
    r"|(?:who|which|what) (?:are |were )?(?:the )?(?:(?:main|key|major|principal|chief) )?(?:people|persons|sources"
    r"|officials|voices|speakers|figures) (?:are |were )?(?:quoted|cited|interviewed))"
    r"(?: (?:in|by) (?:the|these|this) (?:(?P<d>\w+) )?(?:articles?|documents?|stor(?:y|ies)|reports?|news"
    r"|collection))?"
    r"(?: (?:about|on|regarding|concerning|over) (?P<s>.+?))?[\s.!?]*$",
    re.IGNORECASE,
)
# how one thing is involved in another asks for what the documents say of both: "How is Russia involved in Mali?"
# (a role asked for one thing, "What was Houghton's role?", is a phrase: SQuAD asks so)
_INVOLVED = re.compile(
    r"^how (?:is|are|was|were|has|have|had) (?P<x>.+?) (?:been |getting |become )?(?:involved|engaged|implicated)"
    r"(?: (?P<p>in|with) (?P<y>.+?))?[\s.!?]*$",
    re.IGNORECASE,
)
# how two things relate asks for what the documents say of both together: "What's the relationship between Wagner
# and Africa Corps?" (not "How is the airport connected to the city?": a means, a phrase)
_RELATION = re.compile(
    r"^what (?:is|was|are|were) (?:the )?(?:relationship|relation|link|connection|tie)s? between (?P<x>.+? and .+?)"
    r"[\s.!?]*$",
    re.IGNORECASE,
)
# one document, named by what it is about: "summarize the Kidal article", "give me an overview of the story about
# the convoy" (the topic is group a or b)
_ONE_DOCUMENT = re.compile(
    r"^(?:please )?(?:can you |could you )?(?:summari[sz]e|sum up|describe|give (?:me )?(?:a |an |the )?"
    r"(?:(?:quick|brief|short|general|rough) )?(?:summary|overview|rundown|brief|gist) of) (?:the|this|that) "
    r"(?:(?P<a>.+?) (?:article|story|report|piece|document|file)"
    r"|(?:article|story|report|piece|document|file) (?:about|on|from|by|of|regarding|covering|in) (?P<b>.+?))"
    r"[\s.!?]*$",
    re.IGNORECASE,
)
# when one document was published, asked of it by its topic: "When was the Kidal article published?", "What is the
# date of the story about the convoy?". Not "report" or "document": "When was the IPCC Fourth Assessment Report
# published?" asks what a text says of a report (a SQuAD question)
_DOC = r"(?:article|story|piece)"
_DOCUMENT_DATE = re.compile(
    rf"^(?:when (?:was|is) (?:the|this|that) (?:(?P<a>.+?) {_DOC}|{_DOC} (?:about|on|covering|regarding) (?P<b>.+?)) "
    r"(?:published|written|dated|released|posted|put out|out)"
    rf"|(?:what is )?the (?:date|publication date) of (?:the|this|that) (?:(?P<c>.+?) {_DOC}|{_DOC} "
    r"(?:about|on|covering|regarding) (?P<d>.+?)))[\s.!?]*$",
    re.IGNORECASE,
)
# what one document is called: "What is the title of the Kidal article?", "What's the story about the convoy called?"
_DOCUMENT_TITLE = re.compile(
    rf"^(?:(?:what is )?the (?:title|headline|name) of (?:the|this|that) (?:(?P<a>.+?) {_DOC}|{_DOC} "
    r"(?:about|on|covering|regarding) (?P<b>.+?))"
    rf"|what is (?:the|this|that) (?:(?P<c>.+?) {_DOC}|{_DOC} (?:about|on|covering|regarding) (?P<d>.+?)) "
    r"(?:called|titled|headlined|named))[\s.!?]*$",
    re.IGNORECASE,
)
# words that say which document by its place or kind, not by its topic: "summarize the news article"
_NOT_A_TOPIC = frozenset("news main whole entire full first last latest second third other same one single".split())
_COMPARISON = re.compile(
    r"^(please )?(can you |could you )?(compare|contrast)\b(?: (?:what|how) (?:the|these) (?:\w+ )?(?:articles?|"
    r"documents?|reports?|sources?) (?:say|said|report|describe) (?:about|on|of)?)?\s*(.*?)[\s.!?]*$"
    r"|^(how|where|in what ways?) do (the|these) (\w+ )?(articles?|documents?|reports?|sources?) (differ|disagree|agree"
    r"|overlap)"
    r"(?: (?:about|on|over|in))?\s*(.*?)[\s.!?]*$"
    r"|^what (?:are )?(?:the )?differences? (?:between|among) (?:the )?(?:\w+ )?(?:articles?|documents?|reports?|"
    r"sources?)(?: (?:about|on|over|in))?\s*(.*?)[\s.!?]*$",
    re.IGNORECASE,
)
# the things compared, as people ask: "the differences between X and Y", "how does X compare with Y?", "what do X
# have in common?", "X vs Y", "how do X and Y differ on S?", "what do X and Y say about S?" (the things in groups a
# and b, what they are compared on in s; not after a question word: "What was the score of Mali vs Algeria?" asks
# one fact)
_COMPARED = (
    re.compile(
        r"^(?:what|which) (?:(?:are|were|is|was) )?(?:the )?(?:(?:main|key|major|biggest|chief|most important) )?"
        r"(?:differences?|similarit(?:y|ies)|contrasts?|distinctions?) (?:between|among|in|of) (?P<a>.+?)[\s.!?]*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^how (?:do|does|did|is|are|was|were) (?P<a>.+?) (?:differ|compare|contrast|different|similar|alike)"
        r"(?: (?:from|to|with) (?P<b>.+?))?(?: (?:on|about|over|regarding) (?P<s>.+?))?[\s.!?]*$",
        re.IGNORECASE,
    ),
    re.compile(r"^what (?:do|did|does) (?P<a>.+?) have in common[\s.!?]*$", re.IGNORECASE),
    # "what's new in the Kidal story compared to the others?"
    re.compile(
        r"^what (?:is )?(?:new|different|unique|special|distinctive) (?:about|in) (?P<a>.+?) (?:compared (?:to|with)"
        r"|as against|versus|vs\.?|from|than|next to) (?P<b>.+?)[\s.!?]*$",
        re.I,
    ),
    re.compile(r"^what (?:is )?(?:similar|different|alike|the same) (?:about|between) (?P<a>.+?)[\s.!?]*$", re.I),
    re.compile(
        r"^what (?:do|did) (?P<a>[^?]+? and [^?]+?) (?:say|said|claim|report|think) (?:about|on|of|regarding) "
        r"(?P<s>.+?)[\s.!?]*$",
        re.IGNORECASE,
    ),
    # "do the army and the separatists agree on the convoy?": each one's account, side by side
    re.compile(
        r"^(?:do|did|does) (?P<a>[^?]+? and [^?]+?) (?:agree|disagree|differ) (?:on|about|over|regarding) "
        r"(?:what (?:happened|happens) (?:to|in|at) )?(?P<s>.+?)[\s.!?]*$",
        re.IGNORECASE,
    ),
    # "how did the army and the separatists describe the convoy?": each one's account, side by side
    re.compile(
        r"^how (?:do|does|did) (?P<a>[^?]+? and [^?]+?) (?:each |both )?(?:describe|see|view|portray|characteri[sz]e"
        r"|present|explain|report on|justify) (?P<s>.+?)(?: differently)?[\s.!?]*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?!(?:is|are|was|were|do|does|did|has|have|had)\b)(?P<a>(?:(?!\b(?:who|whom|whose|what|when|where|which|why"
        r"|how)\b).)+?) (?:(?-i:vs\.?)|versus|compared (?:to|with)) (?P<b>(?:(?!\b(?:who|whom|what|which)\b)[^:;?])+?)"
        r"(?:\s*[:;-].*)?[\s.!?]*$",
        re.IGNORECASE,
    ),
)
# what "compare" is followed by when it compares accounts: "what X and Y said about S", "how X and Y describe S"
_ACCOUNTS = re.compile(
    r"^(?:what|how) (?P<a>.+? and .+?) (?:each |both )?(?:say|said|says|claim|claimed|report|reported|think|thought"
    r"|describe|described|describes|see|saw|view|viewed|portray|portrayed)(?: (?:about|on|of|regarding))? (?P<s>.+)$",
    re.IGNORECASE,
)
# the sides or accounts of one thing, set side by side: "what does each side say about S?", "give me both sides of the
# story on S", "are there conflicting reports about S?", "do the sources agree on S?" (what in group s)
_SIDES = re.compile(
    r"^what (?:does|do|did) (?:each|both|either|the two|the different) (?:sides?|parties|camps) (?:say|said|claim"
    r"|report|think) (?:about|on|of|regarding) (?P<s>.+?)[\s.!?]*$"
    r"|^how (?:do|does|did) (?:each|both|the two|the different) (?:sides?|parties|camps|sources|accounts) (?:describe"
    r"|see|view|report|portray|characteri[sz]e|tell) (?P<t>.+?)[\s.!?]*$"
    r"|^(?:please )?(?:give me |show me |what are |tell me )?(?:both|the two|the different|the various|the conflicting"
    r"|the competing|the contradictory|the differing) (?:sides|accounts|versions|views|reports|claims|figures)"
    r"(?: of the story)? (?:of|on|about|over|regarding|for) (?P<u>.+?)[\s.!?]*$"
    r"|^(?:do|did|does) (?:the )?(?:sources|articles|reports|documents|accounts|stories) (?:agree|disagree|differ"
    r"|conflict)(?: (?:on|about|over|regarding) (?P<v>.+?))?[\s.!?]*$"
    r"|^(?:is|are) there (?:any )?(?:disagreements?|conflicts?|contradictions?|differences?) (?:between|among|in) "
    r"(?:the )?(?:sources|articles|reports|documents|accounts|stories)(?: (?:on|about|over|regarding) (?P<x>.+?))?"
    r"[\s.!?]*$"
    r"|^(?:are|were) there (?:any )?(?:conflicting|contradictory|contradicting|different|differing|competing) "
    r"(?:reports|accounts|claims|figures|versions|numbers) (?:of|on|about|over|regarding|for) (?P<w>.+?)[\s.!?]*$",
    re.IGNORECASE,
)
# events in the order of their dates: "give me a timeline", "chronology of the conflict", "can you put the events in
# chronological order?"; the topic is what follows "timeline of", "events of" ("the events" alone: the collection)
_TIMELINE = re.compile(
    r"\b(timeline|time line|chronolog\w*|sequence of events|order of events"
    r"|in (?:the )?(?:chronological |date |time )?order(?! to\b))\b"
    r"|^(?:in what|in which) order did .+ happen\b",
    re.IGNORECASE,
)
# asked for, not mentioned ("Which timeline is the most accurate?" asks a fact)
_TIMELINE_ASKED = re.compile(
    r"^(?:please |can you |could you |would you |i want |i'd like )*(?:(?:give|make|show|draw|build|create|list|put"
    r"|order|sort|arrange|provide|write|tell|summari[sz]e|describe|outline|recount|walk me through|go through)\b"
    r"|(?:a |the )?(?:timeline|time line|chronolog|sequence of events)"
    r"|what (?:is|was) the (?:timeline|time line|chronology|sequence of events|order of events)\b"
    r"|in (?:what|which) order\b)",
    re.IGNORECASE,
)
_TIMELINE_TOPIC = re.compile(
    r"^(?:in what|in which) order did (?P<s>.+?) happen\b"
    r"|\b(?:timeline|time line|chronology|sequence of events|order of events|events)"
    r"(?: of (?:the )?(?:main |key )?events)? (?:of|for|about|on|in|around|during|surrounding|leading (?:up )?to) "
    r"(?!(?:the )?(?:(?:chronological|date|time) )?order\b)(?P<t>.+?)"
    r"(?: in (?:the )?(?:(?:chronological|date|time) )?order\b.*| happen)?[\s.!?]*$",
    re.IGNORECASE,
)
_YES_NO = re.compile(
    r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|must|isn't|aren't|wasn't|"
    r"weren't|didn't|doesn't|don't|hasn't|haven't)\b",
    re.IGNORECASE,
)
# a search typed as keywords ("Kidal", "Wagner losses"): a few words that neither ask ("who", "did", "list") nor
# continue a conversation ("and Kidal?"). What such a user wants is what the documents say about them.
KEYWORD_WORDS = 4
# words that make a short text a question wherever they stand ("Combs are called what?", "Telnet was sold to")
_ASKING_ANYWHERE = re.compile(
    r"\b(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|has|have|had|can|could|will|"
    r"would|should|stands?|means?)\b",
    re.IGNORECASE,
)
# and words that do so as its first: commands, negative auxiliaries, a conversation's "and …", "in which …"
_ASKING = re.compile(
    r"^(whats|am|shall|may|might|must|isn't|aren't|wasn't|weren't|didn't|doesn't|don't|hasn't|haven't|"
    r"list|name|enumerate|give|show|find|tell|explain|describe|define|compare|summari[sz]e|and|but|or|so|then|"
    r"also|what's|who's|where's|how's|in|on|at|for|from|since|until|during|after|before|according|yes|no|"
    r"please|any|anything|more|else|again)\b",
    re.IGNORECASE,
)
# a purpose asked in other words is a why question too: "What was the convoy trying to do?", "What was the
# mission's goal?" (told by the sentence that gives it, or says it is unclear)
_PURPOSE = r"(?:reason|purpose|cause|motive|goal|aim|objective)s?"
_WHY_HOW = re.compile(
    rf"^(why|how come|for what reason|what (was|is|were|are) the {_PURPOSE}"
    rf"|what (was|is|were|are) [\w' ’-]{{1,40}}?(?:'s|’s|s') {_PURPOSE}"
    r"|what (was|is|were|are) [\w' ’-]{1,40}? (?:trying|attempting|hoping|aiming|seeking|meant|supposed) to "
    r"(?:do|achieve|accomplish)|how)\b"
    r"(?! (many|much|long|old|far|big|large|often|tall|fast|soon|high|deep|wide|few)\b)",
    re.IGNORECASE,
)
# "what did the spokesman say?": the answer is a statement, told by its sentence, not a phrase
_STATEMENT = re.compile(
    r"^what (did|does|do|has|have|had|was|were|is|are) .{0,80}\b(say|said|says|tell|told|claim|claimed|announce|"
    r"announced|report|reported|write|wrote|state|stated|declare|declared|describe|described|mean|meant)\b",
    re.IGNORECASE,
)
# "which countries had coups?": a plural noun asked for (not "which news agency", "what happens next")
_LIST = re.compile(
    r"^(list|name|enumerate)\b(?! (a|an|one)\b)|^(what|which) (are|were) (all )?the \w+s\b"
    r"|^which (other )?(?!(news|series|species)\b)\w+[^su\W]s\b"
    r"|^what (other )?(?!(news|this|its|his|yes|series|species)\b)\w+[^su\W]s (are|were|have|had|did|do|will|would)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Kind:
    name: str  # one of KINDS
    topic: str = ""  # broad: what the question is about ("" for the whole collection)
    comparison: bool = False  # broad: set the documents side by side
    phrase: bool = False  # a short answer phrase can answer it: who/what/when/where/which, lists, "how did"
    document: bool = False  # broad: the overview of the one document the topic names ("the Kidal article")
    timeline: bool = False  # broad: the dated sentences in the order of their dates
    parts: tuple[str, ...] = ()  # broad comparison: the things compared, each searched for alone
    # broad, one document: what its metadata says, not a passage: "date" (when it was published) or "title"
    field: str = ""
    speakers: bool = False  # broad: who the documents quote, each with their words
    sentences: int = 0  # broad: how many sentences the request asks for ("in two sentences"); 0: the usual


# "who's", and as chat types it, "whos" ("whos backing malis junta" is no topic to summarise)
_CONTRACTIONS = re.compile(r"\b(what|who|where|how|that|it)'s\b|\b(what|who|where|how)s\b", re.IGNORECASE)


# a question asked inside another: "Can you tell me who heads COSI?" asks "who heads COSI?", no yes or no
_INDIRECT = re.compile(
    r"^(?:(?:and|so|but|ok(?:ay)?|please),?\s+)?(?:"
    r"(?:can|could|would|will) you (?:please )?(?:(?:tell|show|remind) (?:me|us)|explain(?: to (?:me|us))?)"
    r"|(?:do|does|did) (?:you|we|anyone|anybody|they|the (?:articles?|documents?|sources?|reports?|stories|story))"
    r" (?:happen to )?(?:know|say|tell|mention|report)|(?:any|no) idea"
    r"|(?:is|was) it (?:known|clear|reported|said)"
    r"|i(?: would|'d)? (?:like|want|need|wish) to know|i (?:wonder|am wondering|'m wondering)"
    r"|(?:please )?(?:tell (?:me|us)|explain(?: to (?:me|us))?)"
    r")\s+(?=(?:who|whom|whose|what|when|where|which|why|how)\b)",
    re.IGNORECASE,
)


# a conversation's opening word before a whole question: "And why?" asks what "Why?" asks, "but did it arrive?" what
# "did it arrive?" asks. Only before a question word or a command, so "and Kidal?" stays a follow-up's fragment
_OPENING = re.compile(
    r"^(?:(?:and|but|so|ok(?:ay)?|then|also|well|now|right)\b[\s,]*)+"
    r"(?=(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|has|have|had|can|could|will|"
    r"would|should|list|name|give|show|tell|explain|describe|summari[sz]e|compare)\b)",
    re.IGNORECASE,
)


# chat shorthand, as people type it ("who r wagner", "wat did the army say"): read as the words it stands for. The
# question words only as a question's first word ("y" elsewhere is a letter), the rest as whole lower-case words
_CHAT_OPENING = {
    **dict.fromkeys(("wat", "wht", "waht", "whta", "wot"), "what"),
    **dict.fromkeys(("wen", "whn", "wehn"), "when"),
    **dict.fromkeys(("wher", "whr", "whre"), "where"),
    **dict.fromkeys(("wich", "whcih", "whihc"), "which"),
    "y": "why",
}
_CHAT_WORDS = {
    "r": "are",
    "u": "you",
    "ur": "your",
    "ppl": "people",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "pls": "please",
    "plz": "please",
    "govt": "government",
}
_CHAT_WORD = re.compile(rf"(?<![\w'-])(?:{'|'.join(_CHAT_WORDS)})(?![\w'-])")
_CHAT_FIRST = re.compile(rf"^(?:{'|'.join(_CHAT_OPENING)})(?=\s)", re.IGNORECASE)


def spelled_out(question: str) -> str:
    """The question with chat shorthand written out: "who r wagner" -> "who are wagner"."""
    text = _CHAT_FIRST.sub(lambda m: _CHAT_OPENING[m.group(0).lower()], question.strip())
    return _CHAT_WORD.sub(lambda m: _CHAT_WORDS[m.group(0)], text)


def direct(question: str) -> str:
    """The question an indirect one asks: "Do we know how many died?" -> "how many died?", "And why?" -> "why?"; any
    other as it is ("Do we know whether the convoy arrived?" asks yes or no). Chat shorthand is written out."""
    text = spelled_out(question)
    return _INDIRECT.sub("", _OPENING.sub("", text, count=1) or text, count=1)


def searched_as_asked(question: str, query: str) -> bool:
    """Whether ``query`` is ``question`` as typed but for case and a conversation's opening word ("And when did the
    convoy leave?" searched as "when did the convoy leave?"): nothing to tell the user about what was searched."""
    return _OPENING.sub("", query.strip(), count=1).lower() == _OPENING.sub("", question.strip(), count=1).lower()


# how long the answer should be, said after a request: "Summarise the convoy article in two sentences." (the
# overview is as long as it is; the words would otherwise be read as part of its topic)
_LENGTH_ASKED = re.compile(
    r"(?:,?\s+(?:in|with(?:in)?|using) "
    r"(?:(?P<n>one|two|three|four|five|six|seven|eight|a few|a couple of|\d+|a single|a) )?(?:short |brief )?"
    r"(?P<unit>sentences?|words?|lines?|paragraphs?|bullet(?: point)?s?|points?)"
    r"|,?\s+(?:briefly|in brief|in short|quickly|for me|please))+(?=[\s.!?]*$)",
    re.IGNORECASE,
)


def question_kind(question: str) -> Kind:
    text = _CONTRACTIONS.sub(
        lambda m: f"{m.group(1) or m.group(2)} is", " ".join(direct(question).replace("\u2019", "'").split())
    )
    sentences = 0
    if re.match(r"^(?:please |can you |could you )*(?:summari[sz]e|sum up|give|describe|tell)\b", text, re.I):
        sentences = _sentences_asked(text)
        text = _LENGTH_ASKED.sub("", text)
    kind = _kind_of(text)
    return dataclasses.replace(kind, sentences=sentences) if sentences and kind.name == "broad" else kind


_COUNT_WORDS = {"a": 1, "a single": 1, "one": 1, "a couple of": 2, "two": 2, "three": 3, "a few": 3, "four": 4}
_COUNT_WORDS |= {"five": 5, "six": 6, "seven": 7, "eight": 8}


def _sentences_asked(text: str) -> int:
    """How many sentences a request asks for ("in two sentences", "in 3 bullet points"; 0 when it says none or
    counts words or paragraphs), at most ``broad.BUDGET``'s 8."""
    asked = _LENGTH_ASKED.search(text)
    if (
        not asked
        or not asked.group("n")
        or not re.match(r"(?:sentence|line|bullet|point)", asked.group("unit").lower())
    ):
        return 0
    n = asked.group("n").lower()
    return min(8, int(n) if n.isdigit() else _COUNT_WORDS.get(n, 0))


def _kind_of(text: str) -> Kind:
    if _CONVERSATIONAL.match(text) or BY_DATE.match(text):
        return Kind("conversational")
    quoted = _QUOTED_PEOPLE.match(text)
    if quoted:
        named = quoted.group("d") if quoted.group("d") and quoted.group("d").lower() not in _NOT_A_TOPIC else ""
        if named:  # "Who is cited in the Kidal article?": that document's speakers
            return Kind("broad", bare(named), document=True, speakers=True)
        return Kind("broad", _topic(quoted.group("s") or ""), speakers=True)
    for field, asked in (("date", _DOCUMENT_DATE), ("title", _DOCUMENT_TITLE)):
        found = asked.match(text)
        if found:
            return Kind("broad", bare(next(g for g in found.groups() if g)), document=True, field=field)
    one = _ONE_DOCUMENT.match(text)
    if one and (one.group("a") or one.group("b")).lower() not in _NOT_A_TOPIC:
        return Kind("broad", bare(one.group("a") or one.group("b")), document=True)
    if _COLLECTION.match(text):
        return Kind("broad")
    if _TIMELINE.search(text) and _TIMELINE_ASKED.match(text):
        about = _TIMELINE_TOPIC.search(text)
        return Kind("broad", _topic(about.group("s") or about.group("t")) if about else "", timeline=True)
    compared = _COMPARISON.match(text)
    if compared:
        rest = next((g for g in reversed(compared.groups()) if g is not None), "")
        said = _ACCOUNTS.match(rest)  # "compare what the army and the separatists said about the convoy"
        if said:
            return _comparison(said.group("a"), _topic(said.group("s")))
        documents = _DOCUMENTS_ON.match(rest)  # "compare the two articles on Tinzaouaten": the documents, side by side
        return Kind("broad", _topic(documents.group("s")), comparison=True) if documents else _comparison(rest)
    sides = _SIDES.match(text)
    if sides:
        return Kind("broad", _topic(next((g for g in sides.groups() if g), "")), comparison=True)
    things = next((m for m in (c.match(text) for c in _COMPARED) if m), None)
    if things:
        named = " and ".join(t for t in (things.group("a"), things.groupdict().get("b")) if t)
        subject = _topic(things.groupdict().get("s") or "")
        if _DOCUMENT_WORDS.search(named):  # documents compared ("the Kidal article and the other two"): all of them
            return Kind("broad", subject, comparison=True)
        two = _comparison(named, subject)
        if two.parts:  # two things or more; "what is different about X?" asks about one
            return two
    related = _RELATION.match(text)
    if related:
        return Kind("broad", _topic(related.group("x")))
    involved = _INVOLVED.match(text)
    if involved:
        x, p, y = involved.group("x", "p", "y")
        return Kind("broad", _topic(f"{bare(x)} {p} {bare(y)}" if y else x))
    topical = _TOPICAL.match(text)
    if topical:
        return Kind("broad", _topic(topical.group(topical.lastindex or 0)))
    if _keywords(text):
        return Kind("broad", " ".join(dict.fromkeys(text.strip(" ?.!").split())))
    if _WHY_HOW.match(text):  # a reason is told by its sentence; a manner or means can be a phrase ("by road")
        return Kind("why/how", phrase=text.lower().startswith("how ") and not text.lower().startswith("how come"))
    if _YES_NO.match(text) and not re.search(r"\bor\b", text, re.IGNORECASE):
        return Kind("yes/no")
    if _LIST.match(text):
        return Kind("list", phrase=True)
    return Kind("factoid", phrase=not _STATEMENT.match(text))


# what separates the things compared: "X and Y", "X, Y", "X with Y", "X versus Y" ("compare X with Y")
_BETWEEN_THINGS = re.compile(r"\s*(?:,|\b(?:and|with|to|against|versus|vs\.?)\b)\s*", re.IGNORECASE)


def _comparison(named: str, subject: str = "") -> Kind:
    """A comparison of what ``named`` names (on ``subject``, when said); "the Kidal and Tinzaouaten strikes" compares
    two things, and a sentence about either is about the comparison ("the separatists and the army" on the convoy:
    each searched for with the convoy)."""
    pieces = _BETWEEN_THINGS.split(named)
    parts = tuple(p for p in (_topic(t) for t in pieces) if p)
    # "Wagner and the Tuareg rebels": a thing with its own "the" is a phrase of its own, sharing no words
    if len(parts) == len(pieces) and not any(re.match(r"(?i)(the|a|an|its|their)\s", p.strip()) for p in pieces[1:]):
        parts = _shared_words(parts)
    if subject:
        parts = tuple(f"{p} {subject}" for p in parts)
        return Kind("broad", subject, comparison=True, parts=parts if len(parts) > 1 else ())
    return Kind("broad", _topic(named), comparison=True, parts=parts if len(parts) > 1 else ())


# what the first thing compared may share with the others: "death tolls of" (the rebels), "strikes in" (Kidal)
_SHARED_HEAD = re.compile(r"^(?P<head>[a-z][a-z -]*? (?:of|in|at|on|near|from|by) )(?:the )?\S")
_OWN_PREPOSITION = re.compile(r"\b(?:of|in|at|on|near|from|by)\b")


def _shared_words(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The things compared with the words they share said for each: "the death tolls of the rebels and al Qaeda" is
    the death tolls of each ("death tolls of al Qaeda", not "al Qaeda" alone), and "the Kidal and Tinzaouaten
    strikes" the strikes of each ("Kidal strikes"). The first thing's "… of" (or "… in", …) goes before the others
    when it is plain words (not "the army's version of events") and they say none of their own; what follows the
    last thing's first word goes after the others when they are one word written alike (both names, or both not:
    "the army and the Wagner group" is two things)."""
    if len(parts) < 2:
        return parts
    head = _SHARED_HEAD.match(parts[0])
    said_own = any(_OWN_PREPOSITION.search(p) for p in parts[1:])  # "… with the ones in Tinzaouaten"
    if head and not said_own and all(len(p.split()) <= 3 for p in parts[1:]):
        return (parts[0], *(head.group("head") + p for p in parts[1:]))
    *first, last = parts
    word, _, tail = last.partition(" ")
    alike = all(len(p.split()) == 1 and p[0].isupper() == word[0].isupper() for p in first)
    if tail and alike and tail[0].islower():
        return (*(f"{p} {tail}" for p in first), last)
    return parts


def asks_something(text: str) -> bool:
    """Whether a question word stands anywhere in ``text`` ("who", "did", "is", …): it asks, it is no bare topic."""
    return bool(_ASKING_ANYWHERE.search(text))


def _keywords(text: str) -> bool:
    """A few words typed as a search, not a question or a follow-up ("Kidal", "Wagner losses", "CSP-DPA?")."""
    bare = text.strip(" ?.!")
    return (
        0 < len(bare.split()) <= KEYWORD_WORDS
        and not _ASKING.match(bare)
        and not _ASKING_ANYWHERE.search(bare)
        and bool(re.search(r"[^\W_]", bare))
    )


# the things compared are documents: "the Kidal article", "the other two", "both stories", "the Kidal and Tinzaouaten
# articles" (not "the IPCC report")
_DOCUMENT_WORDS = re.compile(
    r"\b(?:the|these|those|both|two|three|each|all|other)(?: \w+)? (?:articles?|stor(?:y|ies)|reports?|documents?"
    r"|pieces?|files?|sources?)\b|\bthe other (?:two|three|ones?)\b|\b(?:articles|stories|documents|pieces)\b",
    re.IGNORECASE,
)
# the documents on a topic, as the thing compared: "the two articles on Tinzaouaten", "the reports about the drones"
_DOCUMENTS_ON = re.compile(
    r"^(?:the |these |those |both |all )?(?:(?:two|three|different|various|other) )?(?:news )?"
    r"(?:articles?|stor(?:y|ies)|reports?|documents?|pieces?|sources?|accounts?) "
    r"(?:on|about|of|covering|regarding|concerning) (?P<s>.+)$",
    re.IGNORECASE,
)
# topics that name nothing ("in what order did things happen?"): the whole collection
_VAGUE = frozenset(
    {"things", "events", "everything", "it", "it all", "all this", "all of this", "this", "that", "stuff"}
)


def _topic(words: str) -> str:
    """The topic of a broad question; "" when the words only name the collection ("these stories", "the articles")
    or nothing at all ("things")."""
    topic = bare(words)
    collection = not topic or topic.lower() in _VAGUE or _COLLECTION.match(f"summarize the {topic}")
    return "" if collection else topic


def bare(topic: str) -> str:
    """The topic without leading articles or the words that name the collection itself."""
    topic = re.sub(r"^(the|a|an)\s+", "", topic.strip(), flags=re.IGNORECASE)
    topic = re.sub(r"\s+(in|according to) (the|these) (\w+ )?(articles?|documents?|reports?|sources?)$", "", topic)
    return topic.strip(" ?.!")
