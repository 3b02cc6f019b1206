"""Inter-coder agreement against published worked examples, and the bridge from coded segments."""

import pytest

from coproduce.research.agreement import (
    AgreementScope,
    CodedText,
    Span,
    agreement_for,
    agreement_report,
    cohens_kappa,
    krippendorff_alpha,
    overall_agreement,
    pairwise_agreement,
    sentence_units,
)

YES, NO = 1, 0
n = None


def test_cohens_kappa_on_wikipedias_grant_proposals():
    """Wikipedia, "Cohen's kappa", section "Simple example" (retrieved 2026): 50 grant proposals
    read by A and B; both yes on 20, both no on 15, A yes and B no on 5, A no and B yes on 10.
    p_o = 0.7, p_e = 0.5, κ = 0.4."""
    a = [YES] * 20 + [NO] * 15 + [YES] * 5 + [NO] * 10
    b = [YES] * 20 + [NO] * 15 + [NO] * 5 + [YES] * 10
    assert pairwise_agreement(a, b).value == pytest.approx(0.7)
    assert cohens_kappa(a, b).value == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("both_yes", "a_yes_b_no", "a_no_b_yes", "both_no", "kappa"),
    [(45, 15, 25, 15, 0.1304), (25, 35, 5, 35, 0.2593)],
)
def test_cohens_kappa_same_agreement_different_kappa(both_yes, a_yes_b_no, a_no_b_yes, both_no, kappa):
    """Wikipedia, "Cohen's kappa", section "Same percentages but different numbers": two tables
    of 100 items with the same 60% agreement give κ = 0.1304 (p_e = 0.54) and κ = 0.2593
    (p_e = 0.46)."""
    a = [YES] * both_yes + [YES] * a_yes_b_no + [NO] * a_no_b_yes + [NO] * both_no
    b = [YES] * both_yes + [NO] * a_yes_b_no + [YES] * a_no_b_yes + [NO] * both_no
    assert pairwise_agreement(a, b).value == pytest.approx(0.6)
    assert round(cohens_kappa(a, b).value, 4) == kappa


def test_krippendorff_alpha_binary_two_observers():
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania (https://repository.upenn.edu/asc_papers/43),
    section A, "Binary or dichotomous data, two observers, no missing data": ten units,
    Ben 0 1 0 0 0 0 0 0 1 0 and Gerry 1 1 1 0 0 1 0 0 0 0; α = 0.095."""
    ben = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    gerry = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha({"Ben": ben, "Gerry": gerry}).value, 3) == 0.095
    assert pairwise_agreement(ben, gerry).value == pytest.approx(0.6)


def test_krippendorff_alpha_nominal_four_observers_missing_values():
    """Krippendorff (2011), section C, "Nominal data, any number of observers, missing data":
    four observers, twelve units, "." for a missing value; α = 0.743 (the same data give 0.743
    in the krippendorff package's own documentation)."""
    ratings = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        "C": [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    }
    assert round(krippendorff_alpha(ratings).value, 3) == 0.743
    # Units 1 to 11 have two or more values; all coders agree on 1, 3, 4, 5, 7, 9, 10, 11.
    assert overall_agreement(ratings).value == pytest.approx(8 / 11)


def test_values_need_not_be_numbers():
    a = ["choice", "barrier", "choice", "barrier"]
    b = ["choice", "barrier", "barrier", "barrier"]
    assert cohens_kappa(a, b).value == pytest.approx(0.5)
    assert krippendorff_alpha({"a": a, "b": b}).is_defined


def test_degenerate_cases_are_not_defined_with_a_reason():
    never = [NO] * 6
    always = [YES] * 6
    for a, b in [(never, never), (always, always)]:
        kappa = cohens_kappa(a, b)
        alpha = krippendorff_alpha({"a": a, "b": b})
        assert kappa.value is None
        assert alpha.value is None
        assert "not defined" in kappa.reason
        assert "not defined" in alpha.reason
        assert kappa.as_coefficient() == "not defined"
        assert pairwise_agreement(a, b).value == 1.0
    assert cohens_kappa([n, n], [YES, NO]).reason == "The coders have no unit in common."
    assert krippendorff_alpha({"only": [YES, NO]}).reason == "Alpha needs at least two coders."


def test_sentence_units():
    text = "Interviewer: Hello. How are you?\nService user: Fine!  Really.\n\n  Thanks"
    units = [text[start:end] for start, end in sentence_units(text)]
    assert units == ["Interviewer: Hello.", "How are you?", "Service user: Fine!", "Really.", "Thanks"]
    assert sentence_units("") == []
    assert sentence_units("e.g.text stays whole") == [(0, 20)]


HAND_MADE = "One. Two. Three.\nFour. Five."
# Units: One.(0-4) Two.(5-9) Three.(10-16) Four.(17-22) Five.(23-28)


def test_segments_become_unit_decisions():
    """Ann codes "Two. Three" with C and all of "Five." with D; Bob codes "Thr" with C and
    "One. Two." with D. A segment that touches a unit by one character applies it."""
    texts = [
        CodedText(
            HAND_MADE,
            [
                Span("ann", "C", 5, 15),
                Span("ann", "D", 23, 28),
                Span("bob", "C", 10, 13),
                Span("bob", "D", 0, 9),
            ],
        )
    ]
    report = agreement_report(texts, ["C", "D", "E"])
    assert report.decisions["C"] == {"ann": [0, 1, 1, 0, 0], "bob": [0, 0, 1, 0, 0]}
    assert report.decisions["D"] == {"ann": [0, 0, 0, 0, 1], "bob": [1, 1, 0, 0, 0]}
    assert report.decisions["E"] == {"ann": [0] * 5, "bob": [0] * 5}
    c, d, e = report.codes
    assert c.units == 5
    assert c.coders == ("ann", "bob")
    assert c.agreement.value == pytest.approx(0.8)
    assert c.pairs[0].kappa.value == pytest.approx(0.5454545)  # p_o 0.8, p_e 0.56
    assert d.agreement.value == pytest.approx(0.4)
    assert e.agreement.value == 1.0
    assert e.pairs[0].kappa.value is None
    assert e.alpha.value is None
    # Overall: 15 unit × code decisions pooled, 11 the same.
    assert report.overall.units == 15
    assert report.overall.agreement.value == pytest.approx(11 / 15)
    assert report.units == 5
    assert report.transcripts == 1


def test_a_coder_counts_only_on_transcripts_they_coded():
    texts = [
        CodedText("A. B.", [Span("ann", "C", 0, 2), Span("bob", "C", 0, 2)]),
        CodedText("C. D.", [Span("ann", "C", 3, 5)]),
    ]
    report = agreement_report(texts, ["C"])
    assert report.decisions["C"] == {"ann": [1, 0, 0, 1], "bob": [1, 0, None, None]}
    assert report.codes[0].units == 2
    assert report.codes[0].agreement.value == 1.0
    assert report.units == 2


def test_agreement_on_the_story(personas):
    """Eve and Ezra both coded the choice passage as Choice; on the Jobcentre passage Eve chose
    Jobcentre pressure and Ezra Childcare. Pat's transcript has four lines, six sentences."""
    s = personas.research
    eve, ezra = personas.evaluator.user, s.second_evaluator.user
    result = agreement_for(eve, AgreementScope(codebook_id=s.codebook.pk))
    report = result.report
    assert report.coders == (eve.pk, ezra.pk)
    assert report.transcripts == 1
    assert len(sentence_units(s.pat_transcript.text)) == 6
    by_code = {result.codes[figures.code].name: figures for figures in report.codes}
    assert list(by_code) == ["Being listened to", "Childcare", "Choice", "Home visits", "Jobcentre pressure"]
    assert by_code["Choice"].agreement.value == 1.0
    assert by_code["Choice"].pairs[0].kappa.value == pytest.approx(1.0)
    assert by_code["Childcare"].agreement.value == pytest.approx(5 / 6)
    assert by_code["Childcare"].pairs[0].kappa.value == pytest.approx(0.0)
    assert by_code["Home visits"].pairs[0].kappa.value is None
    assert result.coder_names == {eve.pk: eve.display_name or eve.username, ezra.pk: "Ezra Evaluator"}
    # The keyworker sees no transcript, so there is nothing to compare.
    assert agreement_for(personas.keyworker.user, AgreementScope()).report.transcripts == 0
