"""Question kinds, read from the wording alone, and the broad-answer choices made from them (fast, no model)."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.broad import broad_text, conversational_reply, example_questions, grouped, pick, word_overlap
from assistant.display import tidy_sentence
from assistant.keyfacts import fact_share
from assistant.kinds import direct, question_kind, searched_as_asked
from assistant.reader import _tidy, listed
from assistant.retrieval import Evidence


@pytest.mark.parametrize(
    ("question", "kind", "topic"),
    [
        ("Summarize the three articles in a few sentences.", "broad", ""),
        ("what is this collection about?", "broad", ""),
        ("What are the main events described in the documents?", "broad", ""),
        ("What happened in Kidal?", "broad", "Kidal"),
        ("What do the articles say about Wagner's losses?", "broad", "Wagner's losses"),
        ("How do the articles describe the Wagner group?", "broad", "Wagner group"),
        ("What is each article mainly about?", "broad", ""),
        ("give me the gist", "broad", ""),
        ("Give me the gist of the Kidal story", "broad", "Kidal"),
        ("Tell me about the convoy", "broad", "convoy"),
        ("How is Russia involved in Mali?", "broad", "Russia in Mali"),  # it got "Not sure: mobilised"
        ("What's the relationship between Wagner and Africa Corps?", "broad", "Wagner and Africa Corps"),
        ("How are the rebels involved with al Qaeda?", "broad", "rebels with al Qaeda"),
        ("Which articles mention Gao?", "broad", "Gao"),  # each document that does, with what it says
        ("What do we know about the pharmacy strike?", "broad", "pharmacy strike"),
        ("How many articles mention Wagner?", "broad", "Wagner"),  # it was declined
        ("Which article quotes the prime minister?", "broad", "prime minister"),
        ("Which documents talk about the convoy?", "broad", "convoy"),
        ("Which article is the longest?", "factoid", ""),
        ("Compare what the articles say about the drone strikes.", "broad", "drone strikes"),
        ("What's new in the Kidal story compared to the others?", "broad", ""),  # the documents, side by side
        ("What is new in Kidal?", "factoid", ""),
        ("hi", "conversational", ""),
        ("Thanks!", "conversational", ""),
        ("Which documents do you have?", "conversational", ""),
        ("how many documents do you have", "conversational", ""),  # it was answered "Not sure: 21"
        ("How many articles are there?", "conversational", ""),
        ("Why did the army go north?", "why/how", ""),
        ("How did the separatists react?", "why/how", ""),
        ("What was the fleet trying to do?", "why/how", ""),  # a purpose, asked in other words
        ("What was the expedition's aim?", "why/how", ""),
        ("What was the fleet carrying?", "factoid", ""),
        ("How many people were killed?", "factoid", ""),
        ("Did the convoy reach the town?", "yes/no", ""),
        ("Give me a quick summary of all the articles.", "broad", ""),
        ("what's this collection about?", "broad", ""),
        ("what happend in kidal", "broad", "kidal"),
        ("whos backing malis junta", "factoid", ""),  # "who's" typed without its apostrophe
        ("wheres kidal", "factoid", ""),
        ("Give me a brief overview of the Wagner losses", "broad", "Wagner losses"),
        ("Was it Kidal or Gao?", "factoid", ""),
        ("Who heads COSI?", "factoid", ""),
        ("Which countries had coups?", "list", ""),
        ("What weapons were used?", "list", ""),
        ("Which news agency quoted him?", "factoid", ""),
        ("What happens next?", "factoid", ""),
        ("Name a Russian company.", "factoid", ""),  # one is asked for
        # a few words typed as a search: what the documents say about them
        ("Kidal", "broad", "Kidal"),
        ("wagner losses?", "broad", "wagner losses"),
        ("Kidal Kidal Kidal Kidal", "broad", "Kidal"),
        ("Combs are called what?", "factoid", ""),  # SQuAD's short questions ask all the same
        ("Telnet was sold to", "factoid", ""),
        ("and Kidal?", "factoid", ""),  # a follow-up, read with the conversation
    ],
)
def test_the_kind_and_topic_come_from_the_wording(question: str, kind: str, topic: str):
    got = question_kind(question)
    assert (got.name, got.topic) == (kind, topic)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Summarize the Kidal article", "Kidal"),
        ("summarise the article about the convoy.", "convoy"),
        ("Give me a short summary of the AFP story", "AFP"),
        ("Summarize the news article", None),  # which document is not said by its topic: the collection
        ("Summarize the first article", None),
        ("Summarize the three articles", None),
    ],
)
def test_a_document_named_by_its_topic_is_asked_for_alone(question: str, topic: str | None):
    got = question_kind(question)
    assert got.name == "broad" and got.document == (topic is not None)
    assert got.topic == (topic or "")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("When was the Kidal article published?", "Kidal"),
        ("what is the date of the story about the convoy?", "convoy"),
        ("When was the piece on the drone strikes written", "drone strikes"),
    ],
)
def test_when_a_document_was_published_is_asked_of_it_alone(question: str, topic: str):
    got = question_kind(question)
    assert (got.name, got.document, got.field, got.topic) == ("broad", True, "date", topic)


def test_when_something_happened_is_no_question_about_a_document():
    assert not question_kind("When was the convoy stopped?").field
    assert not question_kind("When was the IPCC Fourth Assessment Report published?").field  # a report it tells of
    assert not question_kind("Summarize the Kidal article").field


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What is the title of the Kidal article?", "Kidal"),
        ("what's the headline of the story about the convoy", "convoy"),
        ("What is the piece on the drone strikes called?", "drone strikes"),
    ],
)
def test_what_a_document_is_called_is_asked_of_it_alone(question: str, topic: str):
    got = question_kind(question)
    assert (got.name, got.document, got.field, got.topic) == ("broad", True, "title", topic)


def test_what_a_thing_in_the_documents_is_called_is_no_question_about_a_document():
    assert not question_kind("What is the name of the group that succeeded Wagner?").field
    assert not question_kind("What is the title of the IPCC report?").field  # a report it tells of


def test_a_comparison_is_marked_as_one():
    assert question_kind("How do the reports differ on casualties?").comparison
    assert not question_kind("What happened in Kidal?").comparison


@pytest.mark.parametrize(
    ("question", "topic", "parts"),
    [
        (
            "What are the main differences between the Kidal and Tinzaouaten strikes?",
            "Kidal and Tinzaouaten strikes",
            ("Kidal strikes", "Tinzaouaten strikes"),
        ),
        # the words the things compared share, said for each
        (
            "Compare the death tolls of the rebels and al Qaeda",
            "death tolls of the rebels and al Qaeda",
            ("death tolls of the rebels", "death tolls of al Qaeda"),
        ),
        (
            "Compare the strikes in Kidal and Tinzaouaten",
            "strikes in Kidal and Tinzaouaten",
            ("strikes in Kidal", "strikes in Tinzaouaten"),
        ),
        ("Compare the army and the Wagner group", "army and the Wagner group", ("army", "Wagner group")),
        ("Compare Mali and Burkina Faso", "Mali and Burkina Faso", ("Mali", "Burkina Faso")),
        # the documents on a topic compared
        ("Compare the two articles on Tinzaouaten", "Tinzaouaten", ()),
        ("compare the reports about the drone strikes", "drone strikes", ()),
        (
            "How does the Kidal strike compare with the one in Tinzaouaten?",
            "Kidal strike and the one in Tinzaouaten",
            ("Kidal strike", "one in Tinzaouaten"),
        ),
        ("Kidal vs Tinzaouaten", "Kidal and Tinzaouaten", ("Kidal", "Tinzaouaten")),
        (
            "Wagner versus the Tuareg rebels: what do the articles say?",
            "Wagner and the Tuareg rebels",
            ("Wagner", "Tuareg rebels"),
        ),
        (
            "Contrast the separatists' version with the army's",
            "separatists' version with the army's",
            ("separatists' version", "army's"),
        ),
        (
            "What's similar about the Kidal strike and the Sunday strikes?",
            "Kidal strike and the Sunday strikes",
            ("Kidal strike", "Sunday strikes"),
        ),
        ("What do the articles have in common?", "", ()),  # the collection, side by side
        # the things compared on a subject: each searched for with it
        ("How do the separatists and the army differ on the convoy?", "convoy", ("separatists convoy", "army convoy")),
        ("What do the separatists and the army say about the convoy?", "convoy", ("separatists convoy", "army convoy")),
        ("How did the army and the separatists describe the convoy?", "convoy", ("army convoy", "separatists convoy")),
        ("how did the army and rebels each see the mission", "mission", ("army mission", "rebels mission")),
        (
            "Compare what the army and the separatists said about the convoy",
            "convoy",
            ("army convoy", "separatists convoy"),
        ),
        ("How do the Kidal and Tinzaouaten articles describe the drones?", "drones", ()),  # the documents compared
        (
            "Do the army and the separatists agree on what happened to the convoy?",
            "convoy",
            ("army convoy", "separatists convoy"),
        ),
        ("Is there any disagreement between the articles?", "", ()),
        ("Are there differences between the reports on the death toll?", "death toll", ()),
        ("In what ways do the three articles overlap?", "", ()),
        # the sides of one story
        ("What does each side say about the convoy?", "convoy", ()),
        ("Give me both sides of the story on the convoy", "convoy", ()),
        ("Are there conflicting reports about Wagner's losses?", "Wagner's losses", ()),
        ("Do the sources agree on the death toll?", "death toll", ()),
        ("How is the Kidal article different from the other two?", "", ()),
    ],
)
def test_comparisons_as_people_ask_them_name_the_things_compared(question: str, topic: str, parts: tuple[str, ...]):
    got = question_kind(question)
    assert (got.name, got.comparison, got.topic, got.parts) == ("broad", True, topic, parts)


@pytest.mark.parametrize(
    "question",
    [
        "What is different about Paulinella chromatophora?",  # one thing: what sets it apart is a fact
        "The West saw themselves as what compared to the east?",  # asks for a phrase
        "After Apollo missions 18 and 19 were cancelled, what happened to the Saturn Vs that were never used?",
        "Which timeline is the most accurate?",  # a timeline mentioned, not asked for
        "How do they differ?",  # nothing named to compare
        "How did the Wagner group describe its losses?",  # one account: a sentence answers it
        "How did Mali and Russia build their partnership?",  # a manner, not accounts
    ],
)
def test_questions_that_only_mention_comparing_or_a_timeline_are_not_broad(question: str):
    got = question_kind(question)
    assert not (got.comparison or got.timeline), got


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Give me a timeline of events", ""),
        ("Can you put the events in chronological order?", ""),
        ("chronology", ""),
        ("What is the timeline of the convoy?", "convoy"),
        ("timeline of the Tinzaouaten fighting", "Tinzaouaten fighting"),
        ("In what order did the strikes happen?", "strikes"),
        ("In what order did things happen?", ""),
        ("Summarize the events in order", ""),
        ("Describe the events in Kidal in order", "Kidal"),
        ("List the events in the order they happened", ""),
    ],
)
def test_a_timeline_is_asked_for_in_many_ways(question: str, topic: str):
    got = question_kind(question)
    assert (got.name, got.timeline, got.topic) == ("broad", True, topic)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What is the background to the conflict in northern Mali?", "conflict in northern Mali"),
        ("Give me some background on Wagner", "Wagner"),
        ("what is the history of the Tuareg rebellion", "Tuareg rebellion"),
        ("Who were the main actors in the Kidal strike?", "Kidal strike"),
        ("Who are the main players in these stories?", ""),
        ("Who are the key figures mentioned?", ""),
        ("Give me the background", ""),
        ("Describe what the army did in order to retake Kidal", "what the army did in order to retake Kidal"),
    ],
)
def test_background_and_the_main_players_are_broad_questions(question: str, topic: str):
    got = question_kind(question)
    assert (got.name, got.topic) == ("broad", topic)


def ev(source: str, text: str, start: int, date: str = "", score: float = 0.5) -> Evidence:
    return Evidence(
        text, source, f"Title {source}", date, f"/x/{source}", start, start + len(text), score, 0.5, 0.5, ()
    )


def test_documents_take_turns_and_repeats_are_dropped():
    cands = [
        ev("a", "Drone strikes hit the base in Kidal.", 0, score=0.9),
        ev("a", "Drone strikes hit the base in Kidal on Sunday.", 50, score=0.85),  # says it again
        ev("a", "The army returned north.", 100, score=0.6),
        ev("b", "Separatists criticised the attack.", 0, score=0.4),
    ]
    chosen = pick(cands, [c.score for c in cands], word_overlap(cands), budget=3)
    assert [cands[i].text for i in chosen] == [cands[0].text, cands[3].text, cands[2].text]


def test_groups_run_by_date_and_numbers_follow_the_order_shown():
    later = ev("a", "Later news.", 10, date="2024-08-01")
    earlier = ev("b", "Earlier news.", 5, date="2024-03-30")
    undated = ev("c", "Undated news.", 0)
    groups = grouped([undated, later, earlier])
    assert [g[0].source for g in groups] == ["b", "a", "c"]
    text = broad_text(question_kind("Compare what the articles say about news"), groups)
    assert 'According to "Title b" (2024-03-30): Earlier news [1].' in text
    assert text.index("[2]") < text.index("[3]")


def test_a_greeting_names_the_documents_and_suggests_questions():
    docs = [
        {"title": "Drone strikes kill at least 21 in Tinzaouaten", "date": ""},
        {"title": "Strike in Kidal", "date": "2024-03-30"},
    ]
    reply = conversational_reply("hi", docs)
    assert reply.startswith("Hello!") and "Tinzaouaten" in reply and "2 documents" in reply
    assert "Summarize the documents." in example_questions(docs)
    assert example_questions(docs, 4)[-1] == "Give me a timeline of events."  # the start screen shows four
    assert "No documents are indexed yet" in conversational_reply("hello", [])


def test_which_document_is_the_newest_is_answered_by_the_dates_they_carry():
    docs = [
        {"title": "Convoy returns", "date": ""},
        {"title": "Strike in Kidal", "date": "2024-03-30"},
        {"title": "Earlier strike", "date": "2023-11-02"},
    ]
    assert question_kind("Which article is the most recent?").name == "conversational"
    assert question_kind("What is the most recent attack?").name != "conversational"  # asks the documents
    newest = conversational_reply("Which article is the most recent?", docs)
    assert newest.startswith('By the dates the documents carry, the most recent is "Strike in Kidal" (2024-03-30).')
    assert '"Earlier strike" (2023-11-02)' in newest and '1 of the 3 carry no date: "Convoy returns"' in newest
    assert 'the oldest is "Earlier strike"' in conversational_reply("which story is the oldest", docs)
    # one date tells nothing of order: said so, not guessed
    one = conversational_reply("Which article is the latest?", docs[:2])
    assert one.startswith("Only one of the 2 documents carries a date") and "don't say which is the most recent" in one
    assert conversational_reply("which document is the newest", docs[:1]).startswith("None of the documents carries")


def test_key_facts_count_any_accepted_wording():
    assert fact_share("Drone strikes killed 21 in Tinzaouaten.", [["Tinzaouat"], ["21"], ["Kidal", "base"]]) == 2 / 3


def test_a_span_is_widened_to_whole_words_and_trimmed():
    sentence = "said Alexander Ivanov, COSI's head, in the U.S."
    start = sentence.index("lexander")
    span = _tidy(sentence, start, sentence.index(",") + 1, 1.0)
    assert span and sentence[span.start : span.end] == "Alexander Ivanov"
    end = len(sentence)
    span = _tidy(sentence, sentence.index("U.S."), end, 1.0)
    assert span and sentence[span.start : span.end] == "U.S."


def test_a_pronoun_sentence_is_shown_with_the_one_before_and_the_quote_still_matches(tmp_path):
    from assistant.answer import SourceReader, verify, with_antecedent

    text = "COSI trains soldiers in the Central African Republic.  It supplies instructors to Mali."
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    second = text.index("It supplies")
    ev = Evidence(
        "It supplies instructors to Mali.",
        "a.txt",
        "A",
        "",
        str(path),
        second,
        len(text),
        0.9,
        0.8,
        1.0,
        (),
        previous="COSI trains soldiers in the Central African Republic.",
        previous_start=0,
    )
    reader = SourceReader()
    joined = with_antecedent(verify(ev, reader), reader)
    assert joined.text.startswith("COSI trains soldiers") and joined.start == 0
    assert joined.quote == text  # the quote covers both sentences, byte for byte the file's text
    plain = dataclasses.replace(ev, text="COSI supplies instructors.", previous_start=-1)
    assert with_antecedent(plain, reader) is plain  # no pronoun, nothing to add


@pytest.mark.parametrize(
    ("sentence", "stands_for_nothing"),
    [
        ("It has been noted that since 2020 coups have been occurring in Mali.", True),
        ("It is unclear whether the convoy reached the town.", True),
        ("It is not yet known how many people died.", True),
        ("It should be pointed out that they didn't arrive in Tinzaouatene.", False),  # "they" needs the one before
        ("It is a town that lies on the border.", False),
        ("It was so big that the army turned back.", False),
        ("It supplies instructors to Mali.", False),
    ],
)
def test_an_it_that_stands_for_nothing_needs_no_sentence_before(stands_for_nothing: bool, sentence: str):
    from assistant.answer import _EXPLETIVE_IT

    assert bool(_EXPLETIVE_IT.match(sentence)) is stands_for_nothing


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ('"But this time they have had to give up," he said.', True),
        ("\u201dThey were halfway there\u201d, he added.", True),
        ("The army, they said, had left.", True),
        ("Ivanov said the troops had done their duty.", False),  # the name is there
        ("He said so.", False),  # opens with a pronoun: the other rule's
    ],
)
def test_a_quote_a_pronoun_said_leans_on_the_sentence_before(sentence: str, leans: bool):
    from assistant.answer import SAID_BY_PRONOUN

    assert bool(SAID_BY_PRONOUN.search(sentence)) is leans


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        (
            "- 'Had to give up' -\"Given the size, they gave up,\" he told AFP.",
            '"Given the size, they gave up," he told AFP.',
        ),
        ("they have done their duty,\" COSI's head said.", '"they have done their duty," COSI\'s head said.'),
        ('"We will go back," he said, "and we will win.', '"We will go back," he said, "and we will win."'),
        ('The army said it recovered the remains."', "The army said it recovered the remains."),
        ("Plain text stays as it is.", "Plain text stays as it is."),
        ('"Given the size," a spokesman told AFP."', '"Given the size," a spokesman told AFP.'),
        # opened in the sentence before, and the next one's opening mark glued on
        ('But they had to turn back," he said."', '"But they had to turn back," he said.'),
        ('She said "yes." Then "no."', 'She said "yes." Then "no."'),
    ],
)
def test_display_repairs_drop_subheadings_and_balance_quote_marks(sentence: str, shown: str):
    assert tidy_sentence(sentence) == shown


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("Who heads COSI?", True),
        ("How did the convoy travel?", True),  # a manner can be a phrase ("by road")
        ("Why did the army go north?", False),  # a reason is told by its sentence
        ("What did the spokesman say about the convoy?", False),  # a statement, not a phrase
        ("Is the mission over?", False),
        ("List the towns the convoy passed", True),
        ("How come the convoy turned back?", False),  # "how come" asks why
    ],
)
def test_only_questions_a_phrase_can_answer_get_a_short_answer(question: str, phrase: bool):
    assert question_kind(question).phrase is phrase


@pytest.mark.parametrize(
    ("sentence", "read", "shown"),
    [
        ("Coups have occurred in Mali, Burkina Faso, and Niger since 2020.", "Niger", "Mali, Burkina Faso, and Niger"),
        ("Mali, Burkina Faso and Niger broke with France.", "Burkina Faso", "Mali, Burkina Faso and Niger"),
        (
            "Broadcast: Good Morning America and the Nightline show.",
            "Nightline",
            "Good Morning America and the Nightline",
        ),
        ("said Alexander Ivanov, COSI's head, to Tass.", "Alexander Ivanov", "Alexander Ivanov"),  # no "and": no list
        ("The convoy left Gao and Kidal by road.", "by road", "by road"),  # not a name
    ],
)
def test_a_name_read_from_a_list_of_names_is_widened_to_the_list(sentence: str, read: str, shown: str):
    start = sentence.index(read)
    a, b = listed(sentence, start, start + len(read))
    assert sentence[a:b] == shown


def test_a_reason_or_word_that_it_is_unknown_is_recognised():
    from assistant.answer import gives_a_reason

    assert gives_a_reason("They turned back because they were not ready.")
    assert gives_a_reason("The exact purpose of the mission remains unclear.")
    assert not gives_a_reason("The army retaliated with drone strikes in the days after the battle.")


@pytest.mark.parametrize(
    ("question", "previous", "topic"),
    [
        ("And in Tinzaouaten?", "What happened in Kidal?", "Tinzaouaten"),
        ("what about the CSP?", "Tell me about Wagner", "CSP"),
        ("and the convoy one?", "Summarize the Kidal article", "convoy"),  # which document, by its topic
        ("and of the convoy?", "Give me a timeline of events", "convoy"),
        ("And Wagner?", "Who heads COSI?", None),  # after a factoid question: rewritten as usual
        ("And who confirmed it?", "What happened in Kidal?", None),  # asks something of its own
    ],
)
def test_a_follow_up_naming_only_a_new_topic_keeps_a_broad_question_s_kind(question, previous, topic):
    from assistant.follow_ups import follow_up_kind

    got = follow_up_kind(question, previous)
    assert (got.topic if got else None) == topic
    if got:
        assert got.name == "broad" and got.timeline == question_kind(previous).timeline


def test_more_of_the_same_is_asked_for_after_any_question():
    from assistant.follow_ups import asks_for_more, follow_up_kind

    assert all(asks_for_more(q) for q in ("Tell me more", "what else?", "more please", "Tell me more about him"))
    assert not asks_for_more("Tell me more about Wagner")  # names its own topic: a broad question of its own
    more = follow_up_kind("Tell me more", "Who heads COSI?", ["COSI", "Alexander Ivanov"])
    assert more and (more.name, more.topic, more.parts) == (
        "broad",
        "COSI and Alexander Ivanov",
        ("COSI", "Alexander Ivanov"),
    )
    assert follow_up_kind("Tell me more", "hi") == follow_up_kind("more", "") == question_kind("Summarize the articles")
    again = follow_up_kind("what else?", "Compare what the articles say about the drone strikes")
    assert again == question_kind("Compare what the articles say about the drone strikes")


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Which article says that?", True),
        ("source?", True),
        ("Where does it say that?", True),
        ("How do you know?", True),
        ("Are you sure?", True),
        ("Which article says the convoy stopped in Kidal?", False),  # asks about a fact of its own
        ("What is the source of the Niger?", False),
    ],
)
def test_asking_where_the_last_answer_comes_from_is_recognised(question: str, asked: bool):
    from assistant.follow_ups import asks_for_the_source

    assert asks_for_the_source(question) is asked


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("who said so?", True),
        ("Who said that", True),
        ("And who claimed that?", True),
        ("Whose words are these?", True),
        ("Who is quoted here?", True),
        ("Who said the convoy turned back?", False),  # asks about a fact of its own
        ("Who said what about the war?", False),
    ],
)
def test_asking_who_said_the_last_answer_is_recognised(question: str, asked: bool):
    from assistant.follow_ups import asks_who_said_it

    assert asks_who_said_it(question) is asked


@pytest.mark.parametrize(
    ("query", "written", "named"),
    [
        ("Who is El Maouloud Ramadane?", "", ["El Maouloud Ramadane"]),
        ("Who heads COSI?", "", ["COSI"]),
        (
            "What did he say? (heads COSI Alexander Ivanov)",
            "COSI's head, Alexander Ivanov, was quoted",
            ["COSI", "Alexander Ivanov"],  # carried side by side; the passage writes them apart
        ),
        ("What did he say? (COSI Alexander Ivanov)", "", ["COSI", "Alexander", "Ivanov"]),
        ("Did Mali and Burkina Faso (Niger) agree?", "", ["Mali", "Burkina Faso", "Niger"]),
    ],
)
def test_what_a_question_names_is_read_as_whole_names(query: str, written: str, named: list[str]):
    from assistant.words import named_things

    assert named_things(query, written) == named


@pytest.mark.parametrize(
    ("question", "asked", "kind"),
    [
        ("Can you tell me who heads COSI?", "who heads COSI?", "factoid"),
        ("Do we know how many died?", "how many died?", "factoid"),
        ("Do the articles say when the convoy left?", "when the convoy left?", "factoid"),
        ("I'd like to know why the convoy turned back", "why the convoy turned back", "why/how"),
        ("Could you tell me what happened in Kidal?", "what happened in Kidal?", "broad"),
        ("Is it known who deployed the drones?", "who deployed the drones?", "factoid"),
        ("Do you happen to know where the convoy stopped?", "where the convoy stopped?", "factoid"),
        ("any idea why the convoy turned back?", "why the convoy turned back?", "why/how"),
        ("Explain why the convoy turned back", "why the convoy turned back", "why/how"),
        ("Can you explain how the convoy was attacked?", "how the convoy was attacked?", "why/how"),
        # whether a thing happened is asked yes or no; a request that asks no question stays what it is
        ("Do we know whether the convoy arrived?", "Do we know whether the convoy arrived?", "yes/no"),
        ("Tell me about Wagner", "Tell me about Wagner", "broad"),
        ("Can you summarize the Kidal article?", "Can you summarize the Kidal article?", "broad"),
    ],
)
def test_a_question_asked_inside_another_is_read_as_the_question_it_asks(question: str, asked: str, kind: str):
    assert direct(question) == asked
    assert question_kind(question).name == kind


@pytest.mark.parametrize(
    ("question", "asked", "kind"),
    [
        ("And why?", "why?", "why/how"),
        ("But did the convoy arrive?", "did the convoy arrive?", "yes/no"),
        ("and what happened in Kidal?", "what happened in Kidal?", "broad"),
        ("So, which towns were hit?", "which towns were hit?", "list"),
        ("ok and who heads COSI?", "who heads COSI?", "factoid"),
        # a fragment is a follow-up's, read with the conversation: its "and" stays
        ("and in Kidal?", "and in Kidal?", "factoid"),
        ("And the death toll?", "And the death toll?", "factoid"),
    ],
)
def test_a_conversation_s_opening_word_does_not_change_what_is_asked(question: str, asked: str, kind: str):
    """Follow-ups often open with "and", "but" or "so"; the question after it decides the answer's shape, and the
    page does not say it was "searched as" the question without it."""
    assert direct(question) == asked
    assert question_kind(question).name == kind
    assert searched_as_asked(question, asked)
    assert not searched_as_asked(question, f"{asked} (COSI)")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("who r wagner", "who are wagner"),
        ("wat did the army say it hit last weekend", "what did the army say it hit last weekend"),
        ("y did the convoy turn back", "why did the convoy turn back"),
        ("how many ppl died", "how many people died"),
        ("What does the letter R stand for?", "What does the letter R stand for?"),  # a letter, not "are"
        ("Was it plan y or plan z?", "Was it plan y or plan z?"),  # "y" is "why" only as the first word
    ],
)
def test_chat_shorthand_is_read_as_the_words_it_stands_for(typed: str, read: str):
    from assistant.kinds import spelled_out

    assert spelled_out(typed) == read
    assert question_kind("y did the convoy turn back").name == "why/how"


@pytest.mark.parametrize(
    ("question", "topic", "document"),
    [
        ("Who are the main people quoted?", "", False),
        ("Who is quoted about the convoy?", "convoy", False),
        ("Which officials are quoted in the articles?", "", False),
        ("Who is cited in the Kidal article?", "Kidal", True),
    ],
)
def test_who_is_quoted_asks_for_the_people_the_documents_quote(question: str, topic: str, document: bool):
    got = question_kind(question)
    assert (got.name, got.speakers, got.topic, got.document) == ("broad", True, topic, document)
    assert not question_kind("Who are the main players?").speakers
    assert not question_kind("Who was quoted by Tass?").speakers


@pytest.mark.parametrize(
    ("request_", "topic", "document", "sentences"),
    [
        ("Summarise the convoy article in two sentences.", "convoy", True, 2),
        ("Tell me about Wagner in a few sentences, please", "Wagner", False, 3),
        ("Give me the gist of the Kidal story in one line", "Kidal", True, 1),
        ("Summarize the articles in 20 words", "", False, 0),  # words are not counted: the overview as it is
        ("Summarize the articles briefly", "", False, 0),
    ],
)
def test_a_request_s_length_is_no_part_of_its_topic(request_: str, topic: str, document: bool, sentences: int):
    got = question_kind(request_)
    assert (got.name, got.topic, got.document, got.sentences) == ("broad", topic, document, sentences)
