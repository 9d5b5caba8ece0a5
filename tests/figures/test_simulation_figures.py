"""The service figures of a small simulation add up to what its customers did and saw."""

from __future__ import annotations

import importlib.util
from collections import Counter

from sqlalchemy import create_engine, text

from bench.simulate import script_truth
from tests.figures.conftest import CUSTOMERS

HUMAN_JOURNEYS = {"ask_human", "complaint"}


def test_every_customer_is_one_conversation(simulation):
    total = simulation.figures["total"]
    assert total["conversations"] == CUSTOMERS
    by_language = Counter(o.language for o in simulation.outcomes)
    assert {lang: row["conversations"] for lang, row in simulation.figures["by_language"].items()} == dict(by_language)
    assert sum(row["conversations"] for row in simulation.figures["by_day"]) == CUSTOMERS


def test_the_script_ran_a_mix_of_journeys_without_errors(simulation):
    outcomes = simulation.outcomes
    failed = [(o.cid, o.journey, o.error, o.transcript[-4:]) for o in outcomes if o.error]
    assert not failed, failed
    journeys = Counter(o.journey for o in outcomes)
    assert len(journeys) >= 8 and {"zh", "en"} == {o.language for o in outcomes}, journeys
    # Every planned journey reached its goal, except the ones that ask for a person or give up.
    unfinished = [(o.journey, o.language, o.transcript[-4:]) for o in outcomes
                  if o.journey not in HUMAN_JOURNEYS | {"give_up"} and not o.completed]
    assert not unfinished, unfinished


def test_handoffs_are_the_customers_who_asked_for_a_person_or_complained(simulation):
    total = simulation.figures["total"]
    asked = [o for o in simulation.outcomes if o.journey in HUMAN_JOURNEYS]
    assert asked and all(o.handed_over and o.agent_joined for o in asked)
    assert total["handoffs"] == sum(1 for o in simulation.outcomes if o.handed_over) == len(asked)
    reasons = Counter("complaint" if o.journey == "complaint" else "request" for o in asked)
    assert total["handoff_reasons"] == dict(reasons)
    assert total["human_requests"] == total["accepted"] == len(asked)  # the hub's records: every one accepted
    assert total["accept_p50_s"] is not None and total["accepted_within_30s_share"] == 1.0
    assert total["handoff_share"] == round(len(asked) / CUSTOMERS, 3)
    assert total["workload_reduction"] == round(1 - len(asked) / CUSTOMERS, 3)


def test_resolved_by_the_bot_are_the_completed_journeys_without_a_person(simulation):
    total = simulation.figures["total"]
    truth = script_truth(simulation.outcomes)
    assert total["resolved_by_bot"] == truth["resolved_by_bot"] > 0
    assert total["resolved_by_bot_share"] == round(truth["resolved_by_bot"] / CUSTOMERS, 3)
    gave_up = [o for o in simulation.outcomes if o.journey == "give_up"]
    assert all(not o.completed and not o.handed_over for o in gave_up)


def test_csat_counts_the_bot_and_human_ratings_given(simulation):
    total = simulation.figures["total"]
    truth = script_truth(simulation.outcomes)
    assert total["csat_human_answers"] == truth["csat_human_answers"] > 0
    assert total["csat_human_4_5"] == truth["csat_human_4_5"]
    assert total["csat_bot_answers"] == truth["csat_bot_answers"]
    assert total["csat_bot_4_5"] == truth["csat_bot_4_5"]
    assert total["csat_bot_skipped"] == truth["csat_bot_skipped"]
    answers = truth["csat_bot_answers"] + truth["csat_human_answers"]
    assert total["csat_answers"] == answers
    assert total["csat_share_4_5"] == round((truth["csat_bot_4_5"] + truth["csat_human_4_5"]) / answers, 3)


def test_targets_are_judged_on_the_totals(simulation):
    figures = simulation.figures
    targets = figures["targets"]
    assert set(targets) == {"resolved_by_bot_share", "csat_share_4_5", "accept_p95_s", "workload_reduction"}
    resolved = targets["resolved_by_bot_share"]
    assert resolved["target"] == 0.8 and resolved["met"] == (figures["total"]["resolved_by_bot_share"] >= 0.8)
    assert targets["accept_p95_s"]["op"] == "<=" and targets["accept_p95_s"]["met"] is True


def test_reminders_sent_and_acted_on_come_from_the_reminders_table(simulation):
    total = simulation.figures["total"]
    if importlib.util.find_spec("outreach") is None:  # no reminders in this checkout: none counted
        assert (total["reminders_sent"], total["reminders_acted_on"]) == (0, 0)
        return
    engine = create_engine(simulation.stack.database_url)
    with engine.connect() as conn:
        sent = conn.execute(text("SELECT count(*) FROM reminders WHERE sent_at IS NOT NULL")).scalar_one()
    engine.dispose()
    reminded = [o for o in simulation.outcomes if o.journey == "reminder"]
    assert reminded and all(o.completed for o in reminded)  # pressed "pay now", verified, paid the link
    assert total["reminders_sent"] == sent > 0
    assert total["reminders_acted_on"] == script_truth(simulation.outcomes)["reminders_acted_on"] == len(reminded)
