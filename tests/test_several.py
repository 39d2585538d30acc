"""Messages that ask several questions, answered in turn and shown as one answer (``assistant.several``)."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.errors import BadInput
from assistant.several import combined, questions_in
from assistant.types import Answer, Citation, ShortAnswer
from assistant.web.render import answer_html


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        ("Who heads COSI? And when did the convoy leave?", ["Who heads COSI?", "And when did the convoy leave?"]),
        ("How many died? Who was blamed?\nWhy?", ["How many died?", "Who was blamed?", "Why?"]),
        ("When did the convoy leave? And why?", ["When did the convoy leave?", "And why?"]),  # a fragment asks too
        ("Who heads COSI? Who heads COSI?", ["Who heads COSI?"]),
        ("Who heads COSI?", ["Who heads COSI?"]),
        ("I'm writing about Mali. Who heads COSI?", ["I'm writing about Mali. Who heads COSI?"]),  # one question
        ("Who heads COSI? Thanks!", ["Who heads COSI? Thanks!"]),  # the rest asks nothing: one message
        ('Did he say "why not?" to them?', ['Did he say "why not?" to them?']),  # a quote goes on
        ("What? Really?", ["What? Really?"]),
        # two questions joined by "and": each a whole question of its own
        ("Who heads COSI and where does it train forces?", ["Who heads COSI?", "where does it train forces?"]),
        ("who is the spokesman and what did he say", ["who is the spokesman?", "what did he say"]),
        ("Where and when did it begin?", ["Where and when did it begin?"]),
        ("Are 5 and how many more given?", ["Are 5 and how many more given?"]),
        ("Who killed him and why?", ["Who killed him and why?"]),
    ],
)
def test_the_questions_of_a_message(message: str, questions: list[str]):
    assert questions_in(message) == questions


def test_the_whole_answer_numbers_its_citations_across_the_parts():
    kidal = Citation("a.txt", "A", "Kidal is in the north.", 0, 22, 0.9)
    ten = Citation("b.txt", "B", "It left 10 days ago.", 5, 25, 0.8)
    first = Answer("Kidal [1]\n\nKidal is in the north [1].", False, (kidal,), question="Where?", short=None)
    second = Answer(
        "10 days ago [2]\n\nKidal is in the north [1]. It left 10 days ago [2].",
        False,
        (Citation("a.txt", "A", "Kidal is in the north.", 0, 22, 0.4), ten),  # the same passage, scored its own way
        question="And when?",
        short=ShortAnswer("10 days ago", "b.txt", 13, 24),
    )
    refused = Answer("The documents don't say.", True, (), question="Who?", nearest=(ten,))
    whole = combined("Where? And when? Who?", [first, second, refused])
    assert whole.kind == "several" and not whole.refused and whole.citations == (kidal, ten)
    assert whole.text.split("\n\n")[2:4] == [
        "2. And when?\n10 days ago [2]",
        "Kidal is in the north [1]. It left 10 days ago [2].",
    ]
    assert whole.text.endswith("3. Who?\nThe documents don't say.") and whole.nearest == ()
    assert [p["question"] for p in whole.to_dict()["parts"]] == ["Where?", "And when?", "Who?"]
    bubble = answer_html(lambda _: None, whole, 4)
    assert bubble.count('<p class="part-question">') == 3 and "2. And when?" in bubble
    # each part keeps its own look (the short answer in bold), its markers pointing into the whole answer's list
    assert '<p class="short-answer">10 days ago <a class="cite" href="#cite-4-2"' in bubble
    assert "Sources · 2 passages" in bubble
    assert combined("a? b?", [refused, refused]).refused


def test_each_question_of_a_message_is_answered_and_a_later_one_may_point_back(real: Assistant):
    answer = real.ask("Who heads COSI? And when did the convoy leave?")
    first, second = answer.parts
    assert first.short is not None and first.short.text == "Alexander Ivanov", first.text
    # asked as typed (its opening "And" set aside)
    assert "10 days ago" in second.text and second.query == "when did the convoy leave?"
    assert answer.text.startswith("1. Who heads COSI?\nAlexander Ivanov [1]") and "[2]" in answer.text
    assert len(answer.citations) == 2
    pieces = list(real.stream("Who heads COSI? And when did the convoy leave?"))
    assert "".join(p for p in pieces if isinstance(p, str)) == pieces[-1].text == answer.text  # as it will stay
    chat = real.chat()
    chat.ask("Who heads COSI? What did he say?")
    said = chat.history[-1].answer
    assert [t.question for t in chat.history] == ["Who heads COSI?", "What did he say?"]
    assert "Alexander Ivanov" in said.query and "done their duty" in said.text, said.query
    with pytest.raises(BadInput, match="limit"):
        real.ask("Who heads COSI? " + "Why? " * 1000)
