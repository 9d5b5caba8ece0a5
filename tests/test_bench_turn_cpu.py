"""What `make bench` records of the CPU a turn costs (bench/turn_cpu.py): our stack's figures leave the bare bot
out, and the lookup/greeting ratio is the greeting's CPU over the lookup's (turns/s being 1 / CPU per turn)."""

from __future__ import annotations

from bench.turn_cpu import cpu_figures

MEASURED = {
    "greet (ours)": {"policy API": 0.0, "action server": 0.6, "our Rasa": 16.1, "event record": 0.3,
                     "bare Rasa": 0.1},
    "lookup (ours)": {"policy API": 2.2, "action server": 1.3, "our Rasa": 17.9, "event record": 0.3,
                      "bare Rasa": 0.1},
    "greet (bare)": {"event record": 0.1, "bare Rasa": 23.2},
}


def test_our_stack_leaves_the_bare_bot_out() -> None:
    figures = cpu_figures(MEASURED)
    assert figures["greet_turn_cpu_ms"] == 17.0
    assert figures["lookup_turn_cpu_ms"] == 21.7
    assert figures["bare_rasa_greet_cpu_ms"] == 23.2


def test_the_services_a_lookup_adds_are_reported_apart() -> None:
    figures = cpu_figures(MEASURED)
    assert (figures["lookup_turn_policy_api_cpu_ms"], figures["lookup_turn_action_server_cpu_ms"]) == (2.2, 1.3)
    assert (figures["greet_turn_rasa_cpu_ms"], figures["lookup_turn_rasa_cpu_ms"]) == (16.1, 17.9)


def test_the_ratio_is_throughput_not_cost() -> None:
    # The lookup costs more CPU, so it reaches fewer turns/s: the ratio is below 1, as turns/s would be.
    assert cpu_figures(MEASURED)["lookup_to_greet_throughput_ratio_by_cpu"] == round(17.0 / 21.7, 2) == 0.78
