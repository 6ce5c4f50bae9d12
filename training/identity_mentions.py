"""Non-abusive sentences that mention an identity, written for this project (no source set).

The public sets are hate-speech collections, so identity words ("gay", "muslim", "black")
occur there mostly inside abuse and a model learns to flag the word itself. The house rules
say the opposite: "as a gay dad I think..." is not discrimination. These sentences, in the
voice of residents on a council's page, teach the heads that an identity mention alone is
not abuse (all labels 0).

Two parts:
- TEMPLATES x TERMS below: 18 short templates, one identity term each.
- identity_sentences.txt next to this module: over 1,200 hand-written lines, one sentence or
  comment per line, written by an AI helper for this project from the policy in
  docs/house-rules.md ("Mentioning one's own identity, quoting abuse in order to report it,
  and speaking against hate are not discrimination") and from how residents write (short
  and long, first and third person, questions, greetings, typos, emoji, mild anger about
  services). They cover every characteristic the Equality Act 2010 protects.

Neither part was copied or adapted from any dataset or test suite: they share nothing with
the evaluation sets (jigsaw_bias/bias_madlibs, HateCheck and the rest stay evaluation-only),
and no evaluation, test or corpus file was read while writing them.
"""

from __future__ import annotations

from pathlib import Path

SENTENCES_FILE = Path(__file__).with_name("identity_sentences.txt")

TERMS = (
    "gay",
    "lesbian",
    "bisexual",
    "trans",
    "transgender",
    "queer",
    "nonbinary",
    "straight",
    "heterosexual",
    "homosexual",
    "LGBT",
    "LGBTQ",
    "Muslim",
    "Jewish",
    "Christian",
    "Catholic",
    "Protestant",
    "Sikh",
    "Hindu",
    "Buddhist",
    "Taoist",
    "atheist",
    "black",
    "white",
    "Asian",
    "African",
    "African American",
    "Caribbean",
    "Chinese",
    "Indian",
    "Pakistani",
    "Bangladeshi",
    "Polish",
    "Romanian",
    "Irish",
    "Scottish",
    "Welsh",
    "Mexican",
    "Hispanic",
    "Latino",
    "Latina",
    "Latinx",
    "Arab",
    "Middle Eastern",
    "European",
    "American",
    "Canadian",
    "Japanese",
    "deaf",
    "blind",
    "disabled",
    "autistic",
    "paralysed",
    "paralyzed",
    "old",
    "older",
    "elderly",
    "young",
    "younger",
    "teenage",
    "middle aged",
    "millennial",
    "female",
    "male",
    "immigrant",
    "refugee",
    "Traveller",
)

TEMPLATES = (
    "As a {t} resident, I think the new cycle lane on the high street is a good idea.",
    "My neighbour is {t} and she runs the community garden on Park Road.",
    "The {t} community group meets at the library every Tuesday evening.",
    "I am {t} and I have lived in this town for twenty years.",
    "Being {t} has nothing to do with how quickly the bins get collected.",
    "{T} families were made very welcome at the summer fair, thank you.",
    "We had a lovely {t} couple move in next door last month.",
    "There is a free talk about {t} history at the museum on Saturday.",
    "I'm a proud {t} parent and the new playground is brilliant.",
    "Our {t} neighbours organised the street party this year.",
    "The council should ask {t} residents what they think about the plans.",
    "Speaking as someone who is {t}, the leisure centre staff were really helpful.",
    "My wife is {t}.",
    "Our new neighbour is {t}, and very friendly.",
    "She is a {t} woman who runs the bakery on Church Street.",
    "He is {t} and he coaches the under-12s on Sundays.",
    "I'm {t} and I vote in every local election.",
    "My best friend is {t}.",
)


def template_sentences() -> list[str]:
    out = []
    for template in TEMPLATES:
        for term in TERMS:
            text = template.replace("{T}", term[0].upper() + term[1:]).replace("{t}", term)
            out.append(text)
    return out


def written_sentences() -> list[str]:
    """The lines of identity_sentences.txt, stripped, blank lines dropped."""
    lines = SENTENCES_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def sentences() -> list[str]:
    """Template sentences then the written ones, in order, each sentence once."""
    return list(dict.fromkeys(template_sentences() + written_sentences()))
