"""Yes or no from a quote: said only when the quote plainly settles the question (sentences invented here)."""

from __future__ import annotations

import pytest

from assistant.verdict import NO, YES, verdict


@pytest.mark.parametrize(
    ("question", "sentence", "before", "expected"),
    [
        ("Did the council approve the budget?", "The council approved the budget on Tuesday.", "", YES),
        ("Did the council approve the budget?", "The council has not approved the budget yet.", "", NO),
        ("Did the council approve the budget?", "The council never approved the budget.", "", NO),
        ("Did the council approve the budget?", "Two weeks on, the council is yet to approve the budget.", "", NO),
        # the sentence before supplies what this one calls "it"
        ("Did the ferry reach Dover?", "It didn't arrive in Dover.", "The ferry left Calais at noon.", NO),
        ("Did the ferry reach Dover?", "It reached the port on time.", "The ferry sailed for Dover.", YES),
        # the question's base form against the quote's irregular past; "May" the month is no hedge
        ("Did the council break its promise?", "The council broke its promise in May.", "", YES),
        ("Did the union call the strike off?", "The union called off the strike on Friday.", "", YES),
        ("Did the rebels take up arms?", "The rebels took up arms in 2023.", "", YES),
        # the doer asked about written as the doer, or as a passive's ("by")
        ("Did Russia confirm the deaths?", "The deaths were confirmed by Russia's news agency.", "", YES),
        ("Was Gao hit by the strikes?", "The strikes hit targets in Gao.", "", YES),
        # the name asked about a few words after the same preposition
        ("Did the junta turn towards Russia?", "The junta turned towards partners including Russia.", "", YES),
        ("Did the junta break ties with France?", "The junta broke ties with former ruler France.", "", YES),
        # unless the question asks about the aim too
        ("Did the army plan to retake the town?", "The army planned to retake the town.", "", YES),
        # a negation in another part of the sentence is about something else
        ("Did the mayor open the bridge?", "The mayor opened the bridge, though the rain did not stop.", "", YES),
        # affirming phrases that hold a negation word
        ("Did the rebels seize 40 trucks?", "The rebels seized not less than 40 trucks.", "", YES),
        ("Did the rebels seize the trucks?", "The rebels seized not only the trucks but the fuel.", "", YES),
        # a question that itself says something is missing: "No" only when the quote denies that very word
        ("Did the rebels lose control of the town?", "The rebels did not lose control of the town.", "", NO),
        ("Is the press restricted in the region?", "The press is restricted in the region.", "", YES),
    ],
)
def test_a_quote_that_plainly_settles_the_question_gives_yes_or_no(
    question: str, sentence: str, before: str, expected: str
):
    assert verdict(question, sentence, before) == expected


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # a hedge: the quote says as much as is known
        ("Did the council approve the budget?", "The council could approve the budget next week."),
        ("Did the council approve the budget?", "The council may approve the budget in May."),
        # an aim is not a deed
        ("Did the army retake the town?", "Their sole objective was to retake the town, the spokesman said."),
        ("Did the council approve the budget?", "The council will approve the budget on Friday."),
        # the name asked about as the doer is what was done with: who did what is not read from word matches
        ("Did France turn towards Russia?", "The junta broke ties with France and turned towards Russia."),
        # the name asked about after "towards" (or "with") stands after another word, and "towards" leads elsewhere
        ("Did the junta turn towards France?", "The junta broke ties with France and turned towards other partners."),
        ("Did the junta break ties with Russia?", "The junta broke ties with France and turned towards Russia."),
        # a particle makes a verb of its own: the quote must say it too ("over", "off")
        ("Did the mayor say the strike was over?", "The mayor said the strike had reached the port."),
        ("Is the strike the start of a campaign?", "The strike is potentially the start of a wider campaign."),
        # contradicted in other words: "keep" is not in the quote, so the rule cannot read it
        ("Did the rebels keep control of the town?", "The rebels lost control of the town in May."),
        # not about what was asked: too few of its words
        ("Did the council approve the new stadium budget?", "The council did not meet on Tuesday."),
        # a negation too far from the words asked to be read, but maybe bearing on them
        ("Did the army reach the town?", "The army did not, despite repeated promises from officials, reach the town."),
        # "still" asks about now: a sentence about the past does not settle it
        ("Is the mayor still in office?", "The mayor took office in 2019 after a close race."),
        # a question that says something is held back, and a quote that denies another word: the two negations
        # agree ("little access" is restricted access), so this is no "No"
        ("Is reporters' access restricted in the region?", "Reporters have little access to the region."),
        ("Was the aid convoy stopped before the border?", "The aid convoy never reached the border."),
        # a negated question or a choice: "yes" and "no" would be ambiguous
        ("Didn't the council approve the budget?", "The council approved the budget."),
        ("Was the budget approved or rejected?", "The budget was approved."),
        ("Who approved the budget?", "The council approved the budget."),
    ],
)
def test_no_verdict_when_the_quote_does_not_plainly_say_it(question: str, sentence: str):
    assert verdict(question, sentence) is None


def test_a_number_asked_about_must_be_in_the_answering_sentence_itself():
    # the sentence before may say what "they" are, not the year the question asks about
    before = "In 2022, the rebels met."
    assert verdict("Did the rebels take up arms in 2022?", "They took up arms in 2023.", before) is None
    assert verdict("Did the rebels take up arms in 2023?", "They took up arms in 2023.", before) == YES
