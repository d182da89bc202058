"""Every operation of /openapi.json, fuzzed in process: no 5xx, and every answer as declared.

Schemathesis generates requests from the schema, those it allows and those
it refuses, and sends them to the app in process (ASGI) with a valid API
key; every response must have a status the operation declares, and a body
of the declared shape.

The operations are walked here, one Hypothesis run each, rather than by
`schemathesis.pytest.from_fixture`, whose loader sets pytest's private
`Function._nodeid`, gone in pytest 9.2; the app needs a fresh store, which
only a fixture gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi import from_asgi

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.config import Settings
from baomat.services.notify import OutboxNotifier
from tests.integration.shop import AT
from tests.integration.tenancy import new_key, publish_shop

EXAMPLES = 30
"""Per operation and mode: the whole file runs in well under 90 s on two cores."""


@pytest.fixture
def built(tmp_path: Path) -> Iterator[bootstrap.App]:
    """The shop on a fresh SQLite store (schemathesis checks the API, not the database).

    Login codes go to the outbox, as with an email server configured: without one the
    code request answers 503, which schemathesis takes for a server error.
    """
    home = Settings(home=tmp_path, database_url=None, keystore_url=None)
    bootstrap.ensure_keys(home, env={})
    app = bootstrap.build(home, env={}, clock=lambda: AT)
    app.notifier = OutboxNotifier()
    try:
        publish_shop(app)
        yield app
    finally:
        app.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_declares(
    built: bootstrap.App, mode: GenerationMode
) -> None:
    schema = from_asgi("/openapi.json", create_app(built))
    auth = {"Authorization": f"Bearer {new_key(built, 'shop')}"}
    failures: dict[str, Exception | FailureGroup] = {}

    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(case=operation.as_strategy(mode))
        def check(case: schemathesis.Case) -> None:
            # The schema says what a field may hold; the tenant's policy, which subject
            # types, fields and purposes exist. A schema-valid request the policy refuses
            # is answered 422 naming the field, as declared; so acceptance is not checked.
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            # An operation without parameters or body (GET /v1/health) has no invalid request.
            assert mode is GenerationMode.NEGATIVE, operation.label
        # Every operation's failure is reported, not just the first (a group of distinct
        # failures is a BaseExceptionGroup).
        except (Exception, FailureGroup) as exc:
            failures[operation.label] = exc

    assert not failures, "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items())


def test_every_operation_with_a_body_declares_the_400_an_unreadable_body_gets(
    app: bootstrap.App,
) -> None:
    # The fuzzing above finds a missing 400 only when it happens to send a body that does not
    # parse; this finds every one at once.
    spec = create_app(app).openapi()
    lacking = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]

    assert lacking == []
