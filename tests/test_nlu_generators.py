"""The generated NLU files are what their generators write, and the generators keep their promises
(breadth of out-of-scope domains, dev texts never trained on, label-preserving robustness variants)."""

from __future__ import annotations

import random

from devstack import services
from nlu_gen import augment, out_of_scope, variants
from nlu_gen.domains import DOMAINS
from nlu_gen.examples import read_examples, texts_of

NLU_TESTS = services.ROOT / "tests" / "nlu"


def test_out_of_scope_files_are_up_to_date():
    for language in out_of_scope.LANGUAGES:
        train, dev = out_of_scope.generate(language)
        written = services.ROOT / "nlu_data" / language / out_of_scope.GENERATED
        assert [t for t, _ in read_examples(written)] == train, "run python -m nlu_gen.out_of_scope"
        assert [t for t, _ in read_examples(NLU_TESTS / "dev" / f"{language}_out_of_scope.yml")] == dev


def test_out_of_scope_set_is_broad_and_bilingual():
    assert len({d.name for d in DOMAINS}) >= 40
    for language in out_of_scope.LANGUAGES:
        assert all(getattr(d, language) for d in DOMAINS), f"a domain without {language} templates"
        oos = [t for path in (services.ROOT / "nlu_data" / language).glob("out_of_scope*.yml")
               for t, intent in read_examples(path) if intent == "out_of_scope"]
        assert len(oos) >= 400, (language, len(oos))


def test_dev_split_is_never_trained_on():
    training = texts_of(sorted((services.ROOT / "nlu_data").rglob("*.yml")))
    for path in (NLU_TESTS / "dev").glob("*.yml"):
        assert not texts_of([path]) & training, path.name


def test_variants_files_are_up_to_date():
    for language in ("zh", "en"):
        rows = variants.variants(read_examples(NLU_TESTS / f"{language}_heldout.yml"), language,
                                 exclude=frozenset(variants.training_texts()))
        written = read_examples(NLU_TESTS / f"{language}_variants.yml")
        assert sorted(written) == sorted((text, intent) for _, text, intent in rows), "run python -m nlu_gen.variants"


def test_augmented_files_are_up_to_date():
    for language in ("zh", "en"):
        written = read_examples(services.ROOT / "nlu_data" / language / augment.OUTPUT)
        generated = [(augment.ANNOTATION.sub(r"\1", text), intent)
                     for intent, texts in augment.augment(language).items() for text in texts]
        assert sorted(written) == sorted(generated), "run python -m nlu_gen.augment"


def test_long_training_messages_never_use_the_robustness_tests_context():
    # The test's long variants measure something training did not show: none of its context sentences, nor a
    # piece of one, is among the openings, closings and wrappers training uses.
    for language, contexts in variants.LONG_CONTEXT.items():
        pieces = {piece.strip(" ，,。.:：") for context in contexts for piece in context.split("{text}")}
        ours = [*augment.OPENINGS[language], *augment.CLOSINGS[language], *augment.WRAPPERS[language]]
        assert not [(piece, our) for piece in pieces for our in ours if piece and piece in our], language
        sample = augment.augment(language)
        assert not [text for texts in sample.values() for text in texts for piece in pieces if piece and piece in text]


def test_every_rule_is_represented_in_its_language():
    for language, rules in {"zh": variants.RULES, "en": set(variants.RULES) - {"homophone", "traditional"}}.items():
        rows = variants.variants(read_examples(NLU_TESTS / f"{language}_heldout.yml"), language)
        assert {rule for rule, _, _ in rows} == set(rules), language


def test_rules_change_text_as_described():
    rng = random.Random(1)
    assert variants.traditional("这个保单的理赔进度", "zh", rng) == "這個保單的理賠進度"
    assert variants.homophone("查一下保单", "zh", rng) in {"查一下保淡", "查一哈保单"}
    assert variants.mixed("帮我查理赔进度", "zh", rng) in {"帮我查claim进度", "帮我查理赔status"}
    assert variants.short("请问帮我查一下保单", "zh", rng) == "查保单"
    typo = variants.typo("check my policy", "en", rng)
    assert typo != "check my policy" and abs(len(typo) - len("check my policy")) <= 1
    assert "check my policy" in variants.long("check my policy", "en", rng)
