"""End-to-end answers with the real packaged embedder (MiniLM); LLMs are scripted fakes here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant import Answer, Assistant, BadInput, Draft, Settings
from assistant.answer import UNSURE_HEAD, UNSURE_NOTE

from .conftest import CORPUS, HEADLINE, ScriptedLLM

pytestmark = pytest.mark.slow


def assert_verified(answer: Answer, corpus: Path = CORPUS) -> None:
    for c in list(answer.citations) + list(answer.nearest):
        assert (corpus / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote


def test_headline_question_cites_the_recovery_statement(real: Assistant):
    answer = real.ask(HEADLINE)
    assert not answer.refused
    assert "armed forces" in answer.text and (
        "recovered the remains" in answer.text or "recover the bodies" in answer.text
    )
    assert answer.citations and all(c.source == "000_a58b146e5f1983c4.txt" for c in answer.citations)
    assert any("recovered the remains of their brothers in arms" in c.quote for c in answer.citations)
    assert_verified(answer)
    assert answer.timings_ms["total"] > 0


def test_an_answer_the_judge_is_unsure_of_says_so(real: Assistant):
    unsure = real.ask("How many drones does the army have?")  # only a count of people killed by drones is near
    assert not unsure.refused and any(n.startswith("not sure this answers the question") for n in unsure.notes)
    sure = real.ask("Who heads COSI?")
    assert "Alexander Ivanov" in sure.text and not sure.notes


def test_a_short_answer_the_judge_reads_otherwise_says_so(real: Assistant):
    # "…killed seven people and wounded three others": the short answer's reader takes "seven" for the wounded
    wounded = real.ask("How many people were wounded in the strikes last weekend?")
    assert wounded.short and wounded.text.startswith(f"{UNSURE_HEAD}{wounded.short.text} [1]")
    assert f'{UNSURE_NOTE}: the judge reads "three" as the answer in this passage; check the quote' in wounded.notes
    killed = real.ask("How many people did the strikes kill last weekend?")  # both read "seven": no doubt
    assert killed.short and killed.short.text == "seven" and not killed.notes


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2022 football World Cup?",
        "How many French soldiers died at Tinzaouatene?",
        "What is the capital of France?",
        "What is the population of Kidal?",
    ],
)
def test_questions_the_documents_do_not_answer_are_declined(real: Assistant, question: str):
    answer = real.ask(question)
    assert answer.refused, answer.text
    assert answer.text.startswith("The documents don't say") and not answer.citations
    assert answer.nearest  # shows what it found instead
    assert_verified(answer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How many children were killed in the drone strikes in Tinzaouatene?",
            "11 children",
        ),  # the article: Tinzaouaten
        ("Who brought back the remains of the fallen soldiers?", "recovered the remains"),  # paraphrase
        ("Who recovered the dead after the battle?", "recover"),
        ("How far south of Tinzaouatene did the convoy stop?", "200 kilometres"),
    ],
)
def test_spelling_variants_and_paraphrases_rank_the_sentence_first(real: Assistant, question: str, expected: str):
    best = real.retriever.search(question, real.settings.retrieval.top_k)[1][0]
    assert expected in best.text


def test_when_a_document_was_published_is_the_date_it_carries(real: Assistant):
    kidal = real.ask("When was the Kidal article published?")
    assert not kidal.refused and "2024-03-30" in kidal.text and "drones strike separatist-held base" in kidal.text
    convoy = real.ask("What is the date of the story about the convoy?")  # its file carries no date: not guessed
    assert convoy.refused and "carries no date" in convoy.text and "return from Tinzaouatene" in convoy.text


def test_what_a_document_is_called_is_its_title(real: Assistant):
    title = real.ask("what's the headline of the story about the convoy")  # a sentence about the convoy was quoted
    assert not title.refused and '"Malian troops and Wagner allies return from Tinzaouatene' in title.text, title.text


def test_how_many_is_answered_by_the_number_before_the_thing_asked(real: Assistant):
    # "At least 21 people, including 11 children were killed…": 21 counts people
    children = real.ask("How many children were killed in the Sunday strikes?")
    assert children.short and children.short.text == "11" and not children.notes, children.text
    # "…47 Mali troops while an al Qaeda faction mentioned killing 50 of the mercenaries and 10 soldiers"
    soldiers = real.ask("How many soldiers did al Qaeda say it killed?")
    assert soldiers.short and soldiers.short.text == "10", soldiers.text
    # "…not less than 84 of the Wagner mercenaries and 47 Mali troops…": the question's "Malian" is not the thing
    troops = real.ask("How many Malian troops did the Tuareg rebels say they killed?")
    assert troops.short and troops.short.text == "47", troops.text
    soldiers = real.ask("How many Malian soldiers died in July according to the rebels?")  # "10 soldiers": al Qaeda's
    assert soldiers.short and soldiers.short.text == "47", soldiers.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many children were killed in the drone strikes in Tinzaouatene?", "11 children"),
        ("How far south of Tinzaouatene did the convoy stop?", "200 kilometres"),
    ],
)
def test_spelling_variants_are_answered(real: Assistant, question: str, expected: str):
    answer = real.ask(question)
    assert not answer.refused and expected in answer.text
    assert_verified(answer)


def test_generated_sentence_with_an_invented_number_is_removed(real: Assistant):
    llm = ScriptedLLM(
        "Mali's armed forces recovered the remains of their brothers in arms [1]. "
        "They recovered 300 bodies near Tinzaouatene [1]."
    )
    generative = Assistant(real.settings, llm=llm, mode="generative")
    answer = generative.ask(HEADLINE)
    assert "300" not in answer.text
    assert answer.text.startswith("Mali's armed forces recovered the remains of their brothers in arms [1]")
    assert answer.mode == "generative" and len(answer.citations) == 1
    assert_verified(answer)
    prompt = llm.prompts[0][-1]["content"]
    assert "[1]" in prompt and HEADLINE in prompt


def test_unbacked_generation_falls_back_to_the_extractive_answer(real: Assistant):
    llm = ScriptedLLM("France won the World Cup in 2018 [1].")
    answer = Assistant(real.settings, llm=llm, mode="generative").ask(HEADLINE)
    assert answer.mode == "extractive" and "World Cup" not in answer.text
    assert any("not backed" in n for n in answer.notes)
    assert_verified(answer)


def test_streaming_yields_text_then_the_answer(real_rules: Assistant):
    llm = ScriptedLLM(
        "Mali's armed forces recovered the remains of their brothers in arms [1]. "
        "The Malian armed forces and their Russian allies recovered the bodies [2]."
    )
    items = list(Assistant(real_rules.settings, llm=llm, mode="generative").stream(HEADLINE))
    assert isinstance(items[-1], Answer)
    streamed = "".join(i for i in items[:-1] if isinstance(i, str))
    assert streamed == items[-1].text and len(items) >= 3
    # with drafts, the model's tokens arrive as they come, marked unchecked, and the checked text is unchanged
    items = list(Assistant(real_rules.settings, llm=llm, mode="generative").stream(HEADLINE, drafts=True))
    drafts = [i for i in items if isinstance(i, Draft)]
    assert "".join(drafts) == llm.reply and isinstance(items[0], Draft)
    checked = "".join(i for i in items[:-1] if isinstance(i, str) and not isinstance(i, Draft))
    assert checked == items[-1].text


def test_an_extractive_answer_streams_one_cited_sentence_at_a_time(real_rules: Assistant):
    items = list(real_rules.stream(HEADLINE))
    answer, pieces = items[-1], items[:-1]
    assert isinstance(answer, Answer) and not answer.refused and len(answer.citations) >= 2
    assert "".join(pieces) == answer.text  # nothing lost or added between the pieces
    assert len(pieces) >= len(answer.citations)
    assert all(re.search(r"\[\d+\][.!?]?$", piece) for piece in pieces)  # each ends at its markers


def test_a_source_changed_after_ingest_is_not_quoted(minilm_index: Path, tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    data = tmp_path / "data"
    shutil.copytree(minilm_index, data)
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=data))
    assistant.ingest()  # paths differ from the shared index: re-ingests this copy
    path = corpus / "000_a58b146e5f1983c4.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("recovered the remains", "found the remains"), encoding="utf-8"
    )
    answer = assistant.ask(HEADLINE)
    assert all("recovered the remains" not in c.quote for c in answer.citations)
    assert_verified(answer, corpus)
    # nor is a passage shown again ("source?") once its file no longer says it
    chat = assistant.chat()
    shown = chat.ask("Who did the Tuareg rebels say they killed?")
    for c in {c.source for c in shown.citations}:
        (corpus / c).write_text("Rewritten since.", encoding="utf-8")
    again = chat.ask("source?")
    assert shown.citations and not again.citations and "no longer in the files" in again.text


def test_follow_up_questions_are_resolved_from_the_history(real: Assistant):
    chat = real.chat()
    first = chat.ask("Who is El Maouloud Ramadane?")
    assert "spokesman" in first.text
    follow = chat.ask("What did he say about the convoy?")
    assert "Ramadane" in follow.query and not follow.refused
    assert "convoy" in follow.text
    third = chat.ask("How many children were killed in the drone strikes in Tinzaouaten?")
    total = chat.ask("And how many people in total?")
    assert "Tinzaouaten" in total.query and "21 people" in total.text
    assert len(chat.history) == 4 and third.query == third.question
    # a question naming its own subject stands alone, however short; a pronoun brings the last short answer along
    alone = chat.ask("What is the population of Kidal?")
    assert alone.query == alone.question and alone.refused
    chat.reset()
    stop = chat.ask("Where did the convoy make a stop on its way north?")
    far = chat.ask("How far is that from Tinzaouatene?")
    assert stop.short is not None and "Kidal" in stop.short.text
    assert far.query.endswith("Kidal)") and "200 kilometres" in far.text
    # "???" follows up nothing: told so, and the next follow-up still goes back to the last real question
    nothing = chat.ask("???")
    assert nothing.refused and nothing.query == "???" and "nothing to search for" in nothing.text
    assert chat.rewrite("why?").endswith("Kidal)")


def test_a_short_question_may_move_the_conversation_on(real: Assistant):
    chat = real.chat()
    chat.ask("Who heads COSI?")
    # searched with "heads COSI" first, as a short question most often needs; nothing answers that, so asked as typed
    left = chat.ask("When did the convoy leave?")
    assert not left.refused and "10 days ago" in left.text and left.query == left.question, left.text
    killed = chat.ask("were people killed?")  # something answers it with the last question's words: they stay
    assert killed.query == "were people killed? (convoy leave)"
    when = chat.ask("When did it happen?")  # a pronoun points back for sure: never asked alone
    assert when.query.startswith("When did it happen? (")
    # "where?" alone has nothing to search for: when what it was read as is refused, that refusal is the answer
    chat.reset()
    chat.ask("Who is Alexander Ivanov?")
    where = chat.ask("where?")
    assert where.refused and where.query == "where? (Alexander Ivanov)" and "Ivanov" in where.text, where.text


def test_a_pronoun_read_wrong_is_searched_again_with_the_last_questions_words(real: Assistant):
    chat = real.chat()
    chat.ask("What was the army convoy made up of?")  # the documents do not say: a doubtful phrase answers
    # "it" read as that phrase ("security mission…") finds nothing; the last question's own words do
    left = chat.ask("how long ago did it leave?")
    assert not left.refused and "10 days ago" in left.text, left.text
    assert left.query == "how long ago did it leave? (army convoy made)"


def test_a_follow_up_opening_with_and_is_answered_as_the_question_after_it(real: Assistant):
    chat = real.chat()
    chat.ask("Who heads COSI?")
    why = chat.ask("And why?")  # a reason, told by its sentence: no word picked out of it ("mobilised")
    assert why.kind == "why/how" and why.short is None and not why.refused, why.text
    arrived = chat.ask("But did the convoy reach Tinzaouatene?")
    assert arrived.kind == "yes/no", arrived.text


def test_a_follow_up_naming_a_new_topic_after_a_broad_question_asks_it_of_that_topic(real: Assistant):
    chat = real.chat()
    chat.ask("What happened in Kidal?")
    other = chat.ask("And in Tinzaouaten?")
    assert other.kind == "broad" and other.text.startswith("What the 2 documents say about Tinzaouaten:"), other.text
    chat.ask("Summarize the Kidal article")
    article = chat.ask("and the convoy one?")
    assert {c.source for c in article.citations} == {"000_a58b146e5f1983c4.txt"}, article.text
    chat.ask("Who heads COSI?")
    assert chat.ask("and Wagner?").kind == "factoid"  # after a factoid question: the usual follow-up


def test_a_follow_up_is_not_answered_by_what_its_pronoun_stands_for(real: Assistant):
    chat = real.chat()
    chat.ask("Who is Alexander Ivanov?")
    chat.ask("What did he say?")
    quoted = chat.ask("Who quoted him?")
    assert not (quoted.short and "Ivanov" in quoted.short.text), quoted.text  # he is who was quoted
    assert "Tass" in quoted.text  # the sentence that says by whom stays


def test_which_article_says_that_restates_the_last_answer_s_passages(real: Assistant):
    chat = real.chat()
    first = chat.ask("How many children were killed in Tinzaouaten?")
    source = chat.ask("Which article says that?")
    assert not source.refused and source.citations == first.citations, source.text
    assert source.text.startswith("The last answer comes from:") and f'"{first.citations[0].title}"' in source.text
    assert_verified(source)
    assert chat.ask("Are you sure?").citations == first.citations  # the same passages, for the reader to check
    chat.ask("hi")
    assert chat.ask("source?").text == "The last answer quotes no passage."
    chat.reset()
    chat.ask("Who heads COSI?")
    chat.ask("Which article says that?")
    after = chat.ask("What did he say?")  # "he" is still Ivanov: the source question asked about nothing new
    assert "Alexander Ivanov" in after.query and "article" not in after.query, after.query
    for first in ("Which article says that?", "who said that?", "Source?"):  # nothing said yet: no passage to name
        for fresh in (real.chat().ask(first), real.ask(first)):  # a new conversation, or one question alone
            assert fresh.text.startswith("Nothing has been answered yet") and not fresh.citations, fresh.text


def test_who_said_that_names_whose_words_the_last_answer_quotes(real: Assistant):
    chat = real.chat()
    reason = chat.ask("Why did the convoy turn back?")
    # '"…not ready for another venture," he said.' is shown with the sentence before, which says who he is
    assert "El Maouloud Ramadane" in reason.text and "not ready" in reason.text, reason.text
    said = chat.ask("who said so?")
    assert said.short and said.short.text == "El Maouloud Ramadane", said.text
    assert said.text.startswith("El Maouloud Ramadane [1]") and said.citations == reason.citations
    assert_verified(said)
    chat.ask("How many children were killed in Tinzaouaten?")
    unsaid = chat.ask("Who said that?")  # the passage says whom it counts, not who counted
    assert unsaid.short is None and unsaid.text.startswith("The last answer comes from:"), unsaid.text


def test_tell_me_more_about_a_person_searches_the_whole_name(real: Assistant):
    chat = real.chat()
    chat.ask("Who is El Maouloud Ramadane?")
    more = chat.ask("tell me more")
    assert more.query == "El Maouloud Ramadane" and more.citations, more.text  # not "El and Maouloud and Ramadane"
    chat.reset()
    chat.ask("Who heads COSI?")
    chat.ask("What did he say?")
    assert chat.ask("tell me more about him").query == "COSI and Alexander Ivanov"


def test_tell_me_more_shows_what_the_conversation_has_not_seen(real: Assistant):
    chat = real.chat()
    first = chat.ask("Who heads COSI?")
    more = chat.ask("Tell me more")
    assert more.kind == "broad" and "COSI" in more.text and more.citations, more.text
    assert not {(c.source, c.start) for c in more.citations} & {(c.source, c.start) for c in first.citations}
    assert_verified(more)
    chat.reset()
    overview = chat.ask("What happened in Kidal?")
    rest = chat.ask("What else?")
    seen = {(c.source, c.start) for c in overview.citations}
    assert not rest.refused and not {(c.source, c.start) for c in rest.citations} & seen, rest.text
    if not rest.citations:  # all there is about Kidal was shown: said so, nothing quoted again
        assert rest.text.startswith("Nothing more about Kidal")


def test_a_few_words_typed_as_a_search_get_what_the_documents_say_about_them(real: Assistant):
    answer = real.ask("Kidal Kidal Kidal Kidal")
    assert answer.kind == "broad" and answer.text.startswith("What the 2 documents say about Kidal:"), answer.text
    # about Kidal: naming it, or going on about what the sentence before (naming it) said
    assert answer.short is None and "Kidal" in answer.citations[0].quote
    assert sum("Kidal" in c.quote for c in answer.citations) >= 3
    assert_verified(answer)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x01\x02", "empty"),
        ("x" * 100_000, "100,000 characters"),
    ],
)
def test_unusable_questions_get_a_clear_message(real: Assistant, question: str, message: str):
    with pytest.raises(BadInput, match=message):
        real.ask(question)


@pytest.mark.parametrize("question", ["???", "what is the", "How many?"])
def test_a_question_with_nothing_to_search_for_says_so(real: Assistant, question: str):
    answer = real.ask(question)  # before, "???" got "They were halfway there [1]": a passage found by chance
    assert answer.refused and not answer.citations and not answer.nearest
    assert answer.text.startswith("There is nothing to search for") and question in answer.text


def test_a_question_just_under_the_length_limit_is_answered(real: Assistant):
    question = "Who recovered the bodies " + " ".join(["near Tinzaouatene after the fighting in July"] * 40) + "?"
    assert 1500 < len(question) <= real.settings.max_question_chars  # far longer than the reader's 128 tokens
    answer = real.ask(question)
    assert not answer.refused and "recovered the remains" in answer.text
    assert_verified(answer)


def test_typos_and_spelling_variants_are_corrected_and_english_words_kept(real: Assistant):
    correct = real.retriever.correct
    assert correct("who recoverd the bodys") == "who recovered the bodys"  # "bodys" already stems as "bodies"
    assert correct("Which neighbouring country was accused?") == "Which neighboring country was accused?"
    # one edit from the corpus's "abuses" and "fight", but words of their own
    assert correct("Were the public buses bombed?") == "Were the public buses bombed?"
    assert correct("What might the strike be?") == "What might the strike be?"
    # a name the corpus lacks, a typing slip from one it holds; hyphenated parts and other names stay
    assert correct("What did the drones hit in Kidl?") == "What did the drones hit in Kidal?"
    assert correct("Who is Alexandr Ivanov?") == "Who is Alexander Ivanov?"
    assert correct("What is CSP-DAP?") == "What is CSP-DAP?"
    assert correct("Was Kidlé hit?") == "Was Kidlé hit?"  # "Kidl" is only part of a word here
    assert correct("Where is Mari?") == "Where is Mari?"


def test_control_characters_and_lone_surrogates_are_cleaned(real: Assistant):
    answer = real.ask("who recovered\x00 the bodies\ud800 after Tinzaouatene?")
    assert not answer.refused and answer.question == HEADLINE


def test_conflicting_sources_are_given_side_by_side_with_their_dates(real: Assistant):
    answer = real.ask("When did the junta seize power in Mali?")
    assert answer.text.startswith("The documents disagree.")
    assert "2020" in answer.text and "2021" in answer.text and "(2024-03-30)" in answer.text
    assert {c.source for c in answer.citations} == {"000_a58b146e5f1983c4.txt", "002_e9b768363e827ad0.txt"}
    assert_verified(answer)


def test_a_model_rewrite_is_used_when_it_keeps_the_question(real: Assistant):
    llm = ScriptedLLM("What did El Maouloud Ramadane say about the convoy?\nextra line")
    chat = Assistant(real.settings.model_copy(update={"chat_rewrite": "model"}), llm=llm).chat()
    chat.ask("Who is El Maouloud Ramadane?")
    follow = chat.ask("What did he say about the convoy?")
    assert follow.query == "What did El Maouloud Ramadane say about the convoy?"
    assert "Ramadane" in llm.prompts[0][0]["content"]  # the history reached the model


def test_a_model_rewrite_that_drops_the_question_falls_back_to_the_rules(real: Assistant):
    llm = ScriptedLLM("Sure! Here is a question about Mali.")
    chat = Assistant(real.settings.model_copy(update={"chat_rewrite": "model"}), llm=llm).chat()
    chat.ask("Who is El Maouloud Ramadane?")
    follow = chat.ask("What did he say about the convoy?")
    assert follow.query.startswith("What did he say about the convoy? (") and "Ramadane" in follow.query


def with_runner_up_ratio(real: Assistant, ratio: float) -> Assistant:
    settings = real.settings.model_copy(deep=True)
    settings.retrieval.runner_up_ratio = ratio
    return Assistant(settings, embedder=real.embedder)


def test_runners_up_are_cited_only_when_they_score_close_to_the_best(real_rules: Assistant):
    """The setting is the rule judge's (the learned judge chose its own ratio in training)."""
    default = real_rules.ask(HEADLINE)
    generous = with_runner_up_ratio(real_rules, 0.5).ask(HEADLINE)
    strict = with_runner_up_ratio(real_rules, 1.0).ask(HEADLINE)
    assert len(generous.citations) > len(strict.citations) == 1
    assert generous.citations[0] == default.citations[0] == strict.citations[0]
    assert len(strict.citations) <= len(default.citations) <= len(generous.citations)


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("Who heads COSI?", "Alexander Ivanov"),
        ("How far from Tinzaouatene did the convoy stop?", "200 kilometres"),
        # the reader's accuracy is the benchmarks' to measure; here only where the phrase comes from
        ("Where did the convoy stop on its way north?", ""),
        # spelled out by the text itself, in its own words ("... (COSI)"), however the judge scores the sentence
        ("what does cosi stand for", "Community of Officers for International Security"),
        ("What does CSP-DPA stand for?", "Strategic Framework for the Defence of the People of Azawad"),
        ("What is COSI?", "Community of Officers for International Security"),
        ("Who are the CSP-DPA?", "Strategic Framework for the Defence of the People of Azawad"),  # not "Azawad"
        ("Where is Tinzaouaten?", "northern Mali"),  # the place beside the name
        # described beside the name, in apposition, however unsure the judge is of so short a question
        ("Who is El Maouloud Ramadane?", "spokesman for the predominantly Tuareg separatist coalition"),
        ("Who is Alexander Ivanov?", "COSI"),
        ("Who is Ivanov?", "COSI"),  # the name asked for in part
        ("Who is Ramadane?", "spokesman for"),  # read as the text writes it: "El Maouloud Ramadane"
        # the text says "COSI's head" after defining COSI once: the question is searched as it writes it
        ("Who heads the Community of Officers for International Security?", "Alexander Ivanov"),
    ],
)
def test_factoid_questions_get_the_answer_phrase_first_located_in_the_file(real: Assistant, question: str, phrase: str):
    answer = real.ask(question)
    assert answer.kind == "factoid" and answer.short is not None, answer.text
    # "Not sure: " before it when the judge is unsure of its passage (and says so in a note)
    head = UNSURE_HEAD if any(n.startswith(UNSURE_NOTE) for n in answer.notes) else ""
    assert phrase in answer.short.text and answer.text.startswith(f"{head}{answer.short.text} [1]")
    original = (CORPUS / answer.short.source).read_text(encoding="utf-8")
    assert original[answer.short.start : answer.short.end] == answer.short.text  # verified like a quote
    first = answer.citations[0]  # the phrase lies inside the quote cited first
    assert first.source == answer.short.source and first.start <= answer.short.start < answer.short.end <= first.end
    assert answer.to_dict()["short_answer"]["text"] == answer.short.text
    assert_verified(answer)


def test_a_piece_of_the_name_asked_about_is_not_said_as_its_answer(real: Assistant):
    # "…People of Azawad (CSP-DPA)": "Azawad" is part of the name asked about, not who funds it
    answer = real.ask("Who funds the CSP-DPA?")
    assert answer.short is None or "Azawad" not in answer.short.text, answer.text


def test_display_repairs_leave_every_quote_as_the_file_says_it(real: Assistant):
    # the source ends this sentence with the mark that opens the next one's quotation ('told AFP."But this time')
    answer = real.ask("What was the sole objective of the convoy, according to the separatist spokesman?")
    assert not answer.refused and "sole objective" in answer.text
    assert answer.text.endswith("told AFP [1].")  # shown with its quotation marks balanced
    assert any(c.quote.endswith("told AFP.\u201d") for c in answer.citations)  # the quote keeps what the file says
    # the subheading before it ("- 'Had to give up' -") is a sentence of its own, in neither
    assert "Had to give up" not in answer.text and not any("Had to give up" in c.quote for c in answer.citations)
    assert_verified(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Summarize the articles.", "Overview of the 3 documents"),
        ("What happened in Kidal?", "What the"),
        (
            "Compare what the articles say about the drone strikes.",
            "What the 3 documents say about drone strikes, side",
        ),
    ],
)
def test_broad_questions_get_a_cited_overview_by_document(real: Assistant, question: str, lead: str):
    answer = real.ask(question)
    assert answer.kind == "broad" and not answer.refused, answer.text
    assert answer.text.startswith(lead) and 2 <= len(answer.citations) <= 8
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.text
    assert_verified(answer)
    if "side" in lead:
        assert answer.text.count("According to") >= 2  # the documents set side by side


def test_an_overview_of_a_topic_naming_a_place_quotes_only_the_documents_that_name_it(real: Assistant):
    # the Kidal article speaks of drone strikes, but never of Tinzaouaten
    answer = real.ask("Tell me about the drone strikes in Tinzaouaten")
    assert answer.kind == "broad" and answer.text.startswith("What the 2 documents say about drone strikes in")
    assert "002_e9b768363e827ad0.txt" not in {c.source for c in answer.citations}, answer.text
    assert "Tinzaouaten" in answer.citations[0].quote
    # the same words without a place: all three documents tell of drone strikes
    assert len({c.source for c in real.ask("Tell me about the drone strikes").citations}) == 3


def test_a_document_named_by_its_topic_gets_its_own_overview(real: Assistant):
    answer = real.ask("Summarize the Kidal article")
    assert answer.kind == "broad" and answer.text.startswith("Overview of the document:"), answer.text
    assert len(answer.citations) >= 3 and {c.source for c in answer.citations} == {"002_e9b768363e827ad0.txt"}
    assert_verified(answer)
    assert real.ask("Summarize the Paris article").refused  # no document is about Paris: none is summarised


def test_a_timeline_orders_the_dated_sentences_by_their_dates(real: Assistant):
    answer = real.ask("Give me a timeline of events")
    assert answer.kind == "broad" and answer.text.startswith("Timeline, by the dates"), answer.text
    order = [answer.text.index(f"\n{label}") for label in ("2012:", "2022:", "2023:", "2024-03-30, the date of")]
    assert order == sorted(order), answer.text
    assert answer.text.index("2024-03-30") < answer.text.index("July, year not given:")  # no year: not guessed
    assert_verified(answer)
    convoy = real.ask("chronology of the convoy")  # its story has no dates: told in the documents' order after
    assert "Not dated, in the order the documents tell them:" in convoy.text and "10 days ago" in convoy.text


def test_a_time_said_relative_to_the_article_comes_with_its_date(real: Assistant):
    chat = real.chat()
    chat.ask("What base did the drones hit in Kidal?")
    answer = chat.ask("When did it happen?")
    # (the judge is unsure of the sentence, and the answer says so first: "Not sure: Last night [1] …")
    assert answer.text.removeprefix(UNSURE_HEAD).startswith("Last night [1] (the article is dated 2024-03-30)")
    assert answer.short and answer.short.text == "Last night"  # the phrase itself stays as the file has it


def test_a_why_question_no_sentence_answers_shows_the_sentence_saying_the_reason_is_unclear(real: Assistant):
    answer = real.ask("Why did the Malian army send troops toward Tinzaouatene?")
    assert answer.text.startswith("No single passage answers this directly"), answer.text
    assert "The exact purpose of the mission remains unclear" in answer.text  # not on the topic's words, but the reply
    assert_verified(answer)
    purpose = real.ask("What was the convoy trying to do?")  # a why question in other words: it was declined
    assert not purpose.refused and "The exact purpose of the mission remains unclear" in purpose.text, purpose.text


def test_which_documents_mention_a_name_is_answered_by_those_documents(real: Assistant):
    answer = real.ask("Which articles mention Gao?")  # it was declined: no sentence says which article mentions it
    assert answer.kind == "broad" and answer.text.startswith("What one document says about Gao"), answer.text
    assert {c.source for c in answer.citations} == {"001_5a4d66a80f18d492.txt"}
    assert_verified(answer)
    quoting = real.ask("Which article quotes the prime minister?")  # it was declined
    assert any("Prime Minister Choguel Kokalla Maiga declared" in c.quote for c in quoting.citations), quoting.text


def test_who_the_tuareg_are_is_not_said_by_what_they_are_joined_to(real: Assistant):
    tuareg = real.ask("Who are the Tuareg?")  # "…when Tuareg and Islamist militants killed…": two groups
    assert not (tuareg.short and "Islamist" in tuareg.short.text), tuareg.text


def test_a_document_named_by_a_word_both_titles_spell_is_the_one_spelt_as_asked(real: Assistant):
    # "…in Tinzaouaten, northern Mali" and "…return from Tinzaouatene mission…": one name, two spellings
    named = real.ask("Summarise the Tinzaouaten article in 3 bullet points")
    assert {c.source for c in named.citations} == {"001_5a4d66a80f18d492.txt"} and len(named.citations) == 3
    other = real.ask("Summarise the Tinzaouatene article")
    assert {c.source for c in other.citations} == {"000_a58b146e5f1983c4.txt"}, other.text


def test_a_summary_asked_in_two_sentences_has_two(real: Assistant):
    answer = real.ask("Summarise the convoy article in two sentences.")  # it summarised all three documents
    assert {c.source for c in answer.citations} == {"000_a58b146e5f1983c4.txt"} and len(answer.citations) == 2
    each = real.ask("Summarize the articles in one sentence")  # of each document: one sentence can't hold three
    assert len(each.citations) == 3 and len({c.source for c in each.citations}) == 3, each.text


def test_a_comparison_of_two_things_quotes_each(real: Assistant):
    answer = real.ask("What are the main differences between the Kidal and Tinzaouaten strikes?")
    assert answer.kind == "broad" and "side by side" in answer.text.split("\n")[0], answer.text
    assert "ex-MINUSMA base" in answer.text and "11 children" in answer.text  # a sentence about each, not both
    assert len({c.source for c in answer.citations}) >= 2
    assert_verified(answer)


def test_an_overview_quotes_no_heading(real: Assistant):
    # "Background of the Conflict" follows a sentence about civilian casualties, which counts half for the heading
    answer = real.ask("What do the documents say about civilian casualties?")
    assert answer.kind == "broad" and answer.citations, answer.text
    assert all(c.quote.rstrip("\u201d\"'").endswith((".", "!", "?")) for c in answer.citations), answer.text
    assert "Background of the Conflict" not in answer.text


@pytest.mark.parametrize("greeting", ["hi", "What can you do?", "thanks!"])
def test_conversational_turns_get_a_reply_about_the_documents(real: Assistant, greeting: str):
    answer = real.ask(greeting)
    assert answer.kind == "conversational" and not answer.refused and not answer.citations
    assert "3 documents indexed" in answer.text and "Summarize the documents." in answer.text


def test_a_yes_no_question_gets_no_first_when_its_quote_says_so(real: Assistant):
    answer = real.ask("Has Mali's army officially announced that the mission ended?")
    assert answer.kind == "yes/no" and answer.verdict == "no", answer.text
    assert answer.text.startswith("No [1]\n\n") and "not officially announced" in answer.citations[0].quote
    assert answer.to_dict()["verdict"] == "no"
    assert_verified(answer)
    # a quote that does not plainly settle it is shown without a yes or a no
    unsettled = real.ask("Did the convoy head north to take revenge?")
    assert unsettled.verdict is None and not unsettled.text.startswith(("Yes", "No [1]"))


def test_a_heading_is_not_quoted_as_an_answer(real: Assistant):
    from assistant.retrieval import heading

    assert heading("International Reactions and Human Rights Concerns") and heading("BACKGROUND")
    assert not heading("The convoy which set off around 10 days ago made a stop")  # a sentence cut short
    answer = real.ask("What was the reaction of the international community?")
    assert not answer.refused
    assert answer.citations[0].quote.startswith("The international community has expressed grave concerns")


def test_a_question_asked_inside_another_is_answered_as_the_question_it_asks(real: Assistant):
    asked = real.ask("Can you tell me who heads COSI?")
    assert asked.kind == "factoid" and asked.query == "who heads COSI?", asked.text
    assert asked.short and asked.short.text == "Alexander Ivanov" and not asked.text.startswith("Yes"), asked.text
    left = real.ask("Do the articles say when the convoy left?")
    assert left.query == "when the convoy left?" and left.short and "10 days ago" in left.short.text, left.text
