"""Timelines: which dates a sentence gives, and the order they are told in (fast, no model)."""

from __future__ import annotations

from assistant.retrieval import Evidence
from assistant.timeline import NOT_DATED, dated, timeline, timeline_text, written_on


def ev(text: str, source: str = "a", start: int = 0, date: str = "") -> Evidence:
    return Evidence(text, source, f"Title {source}", date, f"/x/{source}", start, start + len(text), 0.5, 0.5, 0.5, ())


def test_the_date_a_sentence_writes_is_its_date():
    assert dated(ev("In 2022, the junta broke ties with France.")).label == "2022"
    assert dated(ev("The coup of August 2020 brought it to power.")).key == (2020, 8, 0)
    assert dated(ev("Exports rose to 2,000 tonnes.")) is None  # a number, not a year
    assert dated(ev("May the talks succeed, he said.")) is None  # the verb, not the month
    assert dated(ev("Talks resumed in May.")).label == "May, year not given"


def test_a_month_takes_the_year_of_its_document_and_a_lead_its_date():
    # written in March: July is last year's
    assert dated(ev("A clash in July killed soldiers.", date="2024-03-30")).key == (2023, 7, 0)
    assert dated(ev("A clash in February killed soldiers.", date="2024-03-30")).key == (2024, 2, 0)
    lead = dated(ev("Last night, drones struck the base.", date="2024-03-30"), lead=True)
    assert lead and lead.key == (2024, 3, 30) and lead.label == '2024-03-30, the date of "Title a"'
    assert dated(ev("Last night, drones struck the base.", date="2024-03-30")) is None  # not the lead: undated


def test_dated_sentences_run_earliest_first_and_those_without_a_year_after():
    sentences = [
        ev("A clash in July killed soldiers.", "a", 0),
        ev("In 2022, the junta broke ties with France.", "a", 40),
        ev("The convoy set off ten days ago.", "a", 90),
        ev("Islamists took over a rebellion in 2012.", "b", 0),
    ]
    entries = timeline(sentences, [False] * 4)
    assert [e.label for e in entries] == ["2012", "2022", "July, year not given"]
    with_story = timeline(sentences, [False] * 4, undated=1)
    assert with_story[-1].label == NOT_DATED and with_story[-1].evidence.start == 90
    text = timeline_text(entries, "the conflict")
    assert text.startswith("Timeline: the conflict, by the dates the documents give (earliest first):")
    assert "2012: Islamists took over a rebellion in 2012 [1]." in text and text.index("[2]") < text.index("[3]")
    assert timeline([ev("The convoy set off ten days ago.")], [False], undated=2) == []  # no date at all


def test_a_time_said_from_the_article_s_day_is_given_that_day():
    assert written_on("Last night", "2024-03-30") == "2024-03-30"
    assert written_on("around 10 days ago", "2024-03-30") == "2024-03-30"
    assert written_on("on Sunday", "2024-03-30") == "2024-03-30"
    assert written_on("July", "2024-03-30") == ""  # a date of its own
    assert written_on("Last night", "") == ""  # an undated article has no day to give
