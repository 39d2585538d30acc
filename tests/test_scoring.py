"""The scorers, on hand-checked cases (fast)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from assistant.answer import UNSURE_NOTE
from assistant.evaluation import Result, check_thresholds, summarize
from assistant.scoring import contains, ndcg, percentile, retrieval_metrics, risk_coverage, token_f1


def test_scorers_follow_squad_normalisation():
    assert contains("The Malian armed forces, said Tass.", ["malian armed forces"])
    assert not contains("Malian armed forcesX", ["malian armed forces"])
    assert token_f1("the armed forces of Mali", ["Mali's armed forces"]) == pytest.approx(
        2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)
    )
    assert ndcg(["b", "a"], {"a"}) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert check_thresholds({"x": 0.5}, {"x": 0.6, "y": 0.1}) == [
        "x = 0.500 is below the threshold 0.600",
        "y = nan is below the threshold 0.100",
    ]


def test_percentile_is_nearest_rank_and_retrieval_metrics_count_hits():
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile([1, 2], 0.95) == 2
    metrics = retrieval_metrics([(["a", "b"], ["b"]), (["c"], ["d"])])
    assert metrics["hit@1"] == 0.0 and metrics["hit@3"] == 0.5 and metrics["mrr"] == pytest.approx(0.25)


def test_risk_coverage_walks_the_threshold_down_the_scores():
    curve = risk_coverage([(0.9, True), (0.8, False), (0.8, True), (0.1, False)])
    assert curve == [(0.9, 0.25, 1.0), (0.8, 0.75, 2 / 3), (0.1, 1.0, 0.5)]


def test_wilson_intervals_match_the_formula_on_a_hand_checked_case():
    from assistant.exports import wilson

    low, high = wilson(50, 55)  # the gold set's 50 of 55: 0.909, interval about 0.80-0.96
    assert round(low, 3) == 0.804 and round(high, 3) == 0.961
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_reports_write_per_sample_jsonl_and_slices_by_kind(tmp_path):
    import json
    from dataclasses import asdict

    from assistant import Answer, Citation
    from assistant.evaluation import GoldItem, score
    from assistant.exports import by_kind, intervals
    from assistant.reports import write_reports

    quote = Citation("a.txt", "A", "The harvest doubled.", 0, 20, 0.9)
    said = Answer("The harvest doubled [1].", False, (quote,), {"total": 1914.2})
    near = Citation("a.txt", "A", "The harvest doubled.", 0, 20, 0.2)
    declined = Answer("The documents don't say.", True, (), {"total": 3431.7}, nearest=(near,))
    asked = [
        (GoldItem("q1", "Q1?", ("doubled",), ("a.txt",), True), said),
        (GoldItem("q2", "Q2?", ("tripled",), ("a.txt",), True), said),
        (GoldItem("q3", "Q3?", (), (), False, "unanswerable"), declined),
    ]
    results = [asdict(score(item, answer, ["a.txt"], tmp_path)) for item, answer in asked]
    run = {
        "system": "assistant extractive",
        "summary": {},
        "results": results,
        "dialogue_turns": [],
        "intervals": intervals(results),
        "by_kind": by_kind(results),
        "threshold": 0.5,
        "broad": {  # the broad slice, as evaluate_key_facts gives it
            "key_fact_share": 0.75,
            "refused": 0,
            "by_kind": {"broad": 0.75},
            "p50_ms": 12.0,
            "results": [
                {
                    "id": "b1",
                    "question": "Compare X and Y",
                    "kind": "broad",
                    "answered_as": "broad",
                    "score": 0.5,
                    "refused": False,
                    "ms": 12.0,
                    "answer": "What the 2 documents say about X and Y",
                },
                {
                    "id": "b2",
                    "question": "Summarize",
                    "kind": "broad",
                    "answered_as": "broad",
                    "score": 1.0,
                    "refused": False,
                    "ms": 11.0,
                    "answer": "Overview",
                },
            ],
        },
    }
    assert run["by_kind"]["fact"]["rate"] == 0.5 and run["by_kind"]["unanswerable"]["n"] == 1
    assert run["intervals"]["answer_accuracy"]["n"] == 2 and "short_answer_accuracy" not in run["intervals"]
    paths = write_reports([run], tmp_path, "t")
    samples = tmp_path / "samples-assistant-extractive.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    assert samples in paths and len(rows) == 3
    assert set(rows[0]) >= {"user_input", "response", "retrieved_contexts", "reference"}
    assert rows[0]["retrieved_contexts"] == ["The harvest doubled."] and rows[0]["reference"] == "doubled"
    assert rows[2]["reference"] == "" and rows[2]["refused"] is True
    # the best scores of answerable and unanswerable questions, split, with the threshold marked
    page = (tmp_path / "report.html").read_text()
    assert "answerable (blue, n=2) and unanswerable (orange, n=1)" in page and "<title>threshold 0.5</title>" in page
    assert ">1,914</text>" in page and ">3,432</text>" in page and "e+03" not in page  # axis ends as people write them
    assert 'name="viewport"' in page and 'viewBox="0 0 360 120"' in page  # on a phone the figures shrink to fit
    # the rankings as TREC files: only answerable questions are judged
    assert (tmp_path / "qrels.trec").read_text() == "q1 0 a.txt 1\nq2 0 a.txt 1\n"
    assert (tmp_path / "run-assistant-extractive.trec").read_text().startswith("q1 Q0 a.txt 1 1 assistant-extractive")
    assert "| fact | 0.500 |" in (tmp_path / "report.md").read_text()
    # the broad slice: its share in both reports, and the questions short of their key facts
    markdown = (tmp_path / "report.md").read_text()
    assert "2 questions: key-fact share 0.750 (broad 0.75); refused 0" in markdown
    assert "- `b1` (broad, answered as broad, 0.50) Compare X and Y" in markdown and "`b2`" not in markdown
    assert "<h2>Broad slice</h2>" in page and "<td>Compare X and Y</td>" in page


def test_trec_files_read_back_by_ir_measures_give_the_harness_figures(tmp_path):
    from assistant.exports import read_back_trec, trec_qrels, trec_run

    # three questions; the gold file at rank 1, rank 3, and not retrieved (a name with a space, escaped)
    rankings = {"q1": ["a.txt", "b.txt"], "q2": ["b.txt", "c.txt", "my file.txt"], "q3": ["b.txt"]}
    gold = {"q1": {"a.txt": 1}, "q2": {"my file.txt": 1}, "q3": {"z.txt": 1}}
    (tmp_path / "run.trec").write_text(trec_run(rankings, "t"))
    (tmp_path / "qrels.trec").write_text(trec_qrels(gold))
    assert "q2 Q0 my%20file.txt 3 1 t" in (tmp_path / "run.trec").read_text()
    harness = retrieval_metrics([(rankings[q], set(gold[q])) for q in rankings], (1, 5))
    read = read_back_trec(tmp_path / "run.trec", tmp_path / "qrels.trec")
    # by hand: hit@1 1/3, hit@5 2/3, MRR (1 + 1/3 + 0) / 3 = 0.444, nDCG@10 (1 + 1/log2(4) + 0) / 3 = 0.5
    assert read["hit@1"] == pytest.approx(1 / 3) and read["hit@5"] == pytest.approx(2 / 3)
    assert read["mrr"] == pytest.approx(4 / 9) and read["ndcg@10"] == pytest.approx(0.5)
    for key, value in read.items():
        assert harness[key] == pytest.approx(value)


def test_squad_official_scoring_on_a_hand_checked_sample(tmp_path):
    import json

    from evals.squad_official import score_v1, score_v2, write_official

    def qa(qid, answers, impossible=False):
        return {"id": qid, "question": "?", "answers": [{"text": a} for a in answers], "is_impossible": impossible}

    dataset = [
        {
            "title": "T",
            "paragraphs": [
                {
                    "context": "...",
                    "qas": [
                        qa("q1", ["Denver Broncos", "The Denver Broncos"]),
                        qa("q2", ["Santa Clara, California"]),
                        qa("q3", [], impossible=True),
                        qa("q4", [], impossible=True),
                        qa("q5", ["1990"]),
                        qa("q6", ["\u201cHello\u201d"]),
                    ],
                }
            ],
        }
    ]
    predictions = {"q1": "the Denver Broncos!", "q2": "Santa Clara", "q3": "", "q4": "Paris", "q5": "", "q6": "Hello"}
    # by hand: q1 EM 1 F1 1; q2 EM 0, F1 2PR/(P+R) with P 1, R 2/3 = 0.8; q3 (no answer, none given) 1 and 1;
    # q4 0 and 0; q5 0 and 0; q6 0 and 0 (curly quotes are not punctuation to the official script)
    v2 = score_v2(dataset, predictions)
    assert v2["exact"] == pytest.approx(100 * 2 / 6) and v2["f1"] == pytest.approx(100 * 2.8 / 6)
    assert v2["HasAns_exact"] == pytest.approx(25.0) and v2["HasAns_f1"] == pytest.approx(100 * 1.8 / 4)
    assert v2["NoAns_exact"] == 50.0 and v2["NoAns_f1"] == 50.0 and v2["HasAns_total"] == 4
    # v1.1 has no unanswerable questions: q1, q2, q5 and q6, an empty prediction scoring 0
    v1 = score_v1(
        [{**dataset[0], "paragraphs": [{"qas": [dataset[0]["paragraphs"][0]["qas"][i] for i in (0, 1, 4, 5)]}]}],
        predictions,
    )
    assert v1["exact_match"] == pytest.approx(25.0) and v1["f1"] == pytest.approx(100 * 1.8 / 4)

    # what the benchmark writes: the assistant's short answer, else its text without markers, "" when declined
    answers = {
        "q1": {"refused": False, "answer": "x", "short_answer": {"text": "the Denver Broncos!"}},
        "q2": {"refused": False, "answer": "It is in Santa Clara [1].", "short_answer": None},
        "q3": {"refused": True, "answer": "The documents don't say."},
    }
    run = {"results": [{"id": q, "answer": a} for q, a in answers.items()]}
    figures = write_official(dataset, run, tmp_path)
    written = json.loads((tmp_path / "predictions.json").read_text())
    assert written == {"q1": "the Denver Broncos!", "q2": "It is in Santa Clara.", "q3": ""}
    subset = json.loads((tmp_path / "dev-subset.json").read_text())["data"]
    assert [q["id"] for q in subset[0]["paragraphs"][0]["qas"]] == ["q1", "q2", "q3"]
    assert figures["version"] == "2.0" and figures["total"] == 3 and figures["NoAns_exact"] == 100.0


def test_beir_scores_write_the_ranking_and_ir_measures_reads_the_same_figures(tmp_path, capsys):
    from evals.benchmarks import beir_scores

    ranked = {"q1": ["d1", "d2", "d3"], "q2": ["d9", "d8"]}
    qrels = {"1": {"2": 1}, "2": {"7": 1, "8": 1}}  # BEIR ids; the files are d<id>
    ndcg10, recall, _ = beir_scores(lambda q, k: ranked[q], {"1": "q1", "2": "q2"}, qrels, tmp_path / "trec")
    # by hand: q1 1/log2(3) = 0.6309; q2 (1/log2(3)) / (1 + 1/log2(3)) = 0.3869; recall 1 and 1/2
    assert ndcg10 == pytest.approx((0.63093 + 0.38685) / 2, abs=1e-4) and recall == pytest.approx(0.75)
    printed = capsys.readouterr().out
    assert "read back from" in printed and printed.count(f"nDCG@10 {ndcg10:.4f} recall@100 0.7500") == 2
    assert (tmp_path / "trec" / "run.trec").read_text().splitlines()[0] == "1 Q0 d1 1 3 trec"


def test_auc_counts_ties_half_as_the_pairwise_definition_does():
    from assistant.scoring import auc

    scores, positive = [0.9, 0.5, 0.5, 0.2, 0.5, 0.1], [True, True, False, True, False, False]
    labelled = list(zip(scores, positive, strict=True))
    pairs = [(p, n) for p, yp in labelled for n, yn in labelled if yp and not yn]
    assert auc(scores, positive) == sum((p > n) + 0.5 * (p == n) for p, n in pairs) / len(pairs)
    assert auc([0.1, 0.2], [True, True]) != auc([0.1, 0.2], [True, True])  # nan: no negatives to compare


def test_left_out_questions_are_those_no_other_paragraph_answers():
    from assistant.evaluation import GoldItem
    from evals.benchmarks import left_out

    docs = {
        "a00_p000": ("T", "The bridge opened in 1932. Dorman Long built it."),
        "a00_p001": ("T", "Tourists climb the arch. It opened in 1932, guides say."),
    }
    items = [
        GoldItem("1", "Who built the bridge?", ("Dorman Long",), ("a00_p000.txt",), True),
        GoldItem("2", "When did it open?", ("1932",), ("a00_p000.txt",), True),  # the other paragraph says it too
        GoldItem("3", "Who painted it?", (), ("a00_p000.txt",), False),  # not answerable to begin with
        GoldItem("4", "What do tourists climb?", ("the arch",), ("a00_p001.txt",), True),
        GoldItem("5", "What do tourists climb?", ("the arch",), ("a00_p001.txt",), True),  # asked twice
    ]
    kept = left_out(items, docs)
    assert [(i.id, i.answerable, i.kind) for i in kept] == [("1", False, "left out")]


def _result(answerable: bool, correct: bool, refused: bool, notes: tuple[str, ...] = ()) -> Result:
    answer = {"refused": refused, "notes": list(notes)}
    return Result("q", "factoid", "?", answerable, answer, correct, 0.0, 0.0, correct, [], [], [], [])


def test_answers_that_say_the_judge_is_unsure_are_counted_apart():
    unsure = (f"{UNSURE_NOTE}: the judge gives the best passage a probability of 0.21",)
    results = [
        _result(True, True, False, unsure),
        _result(False, False, False, unsure),  # an unanswerable question answered: wrong
        _result(True, True, False),
        _result(True, False, False),
        _result(True, False, True),  # declined: not an answer given
    ]
    summary = summarize(results)
    assert summary["unsure_share"] == pytest.approx(2 / 4)
    assert summary["unsure_accuracy"] == pytest.approx(0.5) and summary["sure_accuracy"] == pytest.approx(0.5)
    assert "unsure_share" not in summarize(results[2:])


def test_the_judges_bands_show_declined_questions_by_their_nearest_passage(capsys: pytest.CaptureFixture[str]):
    from evals.tune_short import bands

    def case(answered: float | None, nearest: float, holds: bool) -> dict[str, object]:
        sentences = [("s", answered, None)] if answered is not None else []
        return {"answers": ("x",), "whole": "x" if holds and sentences else "", "sentences": sentences,
                "nearest": [(nearest, holds)]}  # fmt: skip

    answerable = [case(0.9, 0.9, True), case(None, 0.12, True), case(None, 0.12, False), case(None, 0.02, False)]
    bands(answerable, [case(None, 0.15, False)], threshold=0.18, share=0.25)
    rows = {
        line.split(" | ")[0].lstrip("| "): line.split(" | ")[1].rstrip(" |")
        for line in capsys.readouterr().out.splitlines()[2:]
    }
    assert rows["0.10 to 0.18 (declined: the nearest passage)"] == "0.30"  # 0.75 * 1/4 held, over 0.75 * 2/4 + 0.25
    assert rows["0.00 to 0.05 (declined: the nearest passage)"] == "0.00" and rows["0.60 to 1.00"] == "1.00"


def test_short_answers_said_first_are_scored_on_their_own():
    def said(short: str | None, refused: bool = False, answerable: bool = True) -> Result:
        answer = {"refused": refused, "notes": [], "short_answer": {"text": short} if short else None}
        result = Result("q", "factoid", "?", answerable, answer, True, 0.0, 0.0, True, [], [], [], [])
        return dataclasses.replace(result, accepted=["11 children", "eleven"])

    # "21" from "At least 21 people, including 11 children": the sentence holds the answer, the phrase said first not
    results = [said("11"), said("21"), said(None), said(None, refused=True), said("21", answerable=False)]
    summary = summarize(results)
    assert summary["short_share"] == pytest.approx(2 / 3)  # of the three answerable questions answered
    assert summary["short_accuracy"] == pytest.approx(0.5)
    assert "short_share" not in summarize(results[2:4])


def test_the_short_answers_accuracy_has_its_interval():
    from assistant.exports import intervals

    def result(short: str | None, refused: bool = False) -> dict[str, object]:
        answer = {"refused": refused, "short_answer": {"text": short} if short else None}
        return {"answerable": True, "answer": answer, "accepted": ["11 children"], "correct": True, "contained": True,
                "citations_correct": [], "quotes_valid": []}  # fmt: skip

    rates = intervals([result("11"), result("21"), result(None), result("21", refused=True)])
    assert rates["short_answer_accuracy"]["rate"] == 0.5 and rates["short_answer_accuracy"]["n"] == 2
