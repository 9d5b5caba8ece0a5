"""Schema-driven fuzzing of the policy API: schemathesis reads the API's own OpenAPI document and sends
every operation requests made from it, valid and invalid (wrong types, out-of-range numbers, odd
Unicode, missing fields), to a real API process on a seeded database, with a valid key and a verified
customer's token. Every answer must be a documented one: no 5xx, a status code the operation declares,
and a body that matches the declared schema for that status (`{"error": {"code", "message"}}` for errors).

Bounded so it takes a minute or two: FUZZ_MAX_EXAMPLES requests per operation (default 40)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devstack import services

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def policy_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-policy-api') / 'policy.db'}"
    services.seed(database_url)
    # A lockout limit that random identity checks never reach: the fuzz is about answers, not locks
    # (test_identity_guessing.py tests the lock at its real limit).
    # Claim materials the fuzz sends land in a directory of the test's own.
    materials = str(tmp_path_factory.mktemp("fuzz-materials"))
    # E-policy downloads on, so their routes are fuzzed rather than answering "off" (503) to everything.
    env = {"IDENTITY_MAX_FAILURES": "100000", "MATERIALS_DIR": materials, "EPOLICY_LINK_SECRET": "fuzz-" + "e" * 40}
    with services.policy_api(database_url, extra_env=env) as url:
        services.wait_for_knowledge(url)
        yield url


def fuzz(operation: schemathesis.APIOperation, mode: GenerationMode, base_url: str) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def send(case: schemathesis.Case) -> None:
        # The credentials of a caller that verified C0001: the service key and her customer token.
        case.call_and_validate(base_url=base_url, headers=services.customer_headers("C0001"), checks=CHECKS,
                               timeout=30)

    try:
        send()
    except Unsatisfiable:
        pass  # no invalid request exists for this operation (no parameters, or only free-form strings)


def test_fuzzed_requests_get_documented_answers(policy_api: str) -> None:
    schema = schemathesis.openapi.from_url(f"{policy_api}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [op.label for op in operations]  # the document lists the whole API
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, policy_api)
            except (Exception, BaseExceptionGroup) as exc:  # each operation's findings, all reported at the end
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
