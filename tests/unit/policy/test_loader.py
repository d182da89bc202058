"""Loading a policy file: every mistake is reported with its line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from baomat.policy import loader
from baomat.policy.errors import PolicyError, Problem
from baomat.policy.loader import MAX_BYTES, load_policy, parse_policy
from baomat.policy.model import Policy

DATA = Path(__file__).resolve().parents[2] / "data"
VALID = DATA / "valid_minimal.yaml"
INVALID = DATA / "invalid_policies"

# file -> (line of the first problem, fragment of its rule)
INVALID_CASES: dict[str, tuple[int | None, str]] = {
    "malformed_yaml": (18, "not valid YAML"),
    "alias_bomb": (5, "aliases (*l0) are not allowed"),
    "unknown_key": (15, "unknown key 'fax'"),
    "purpose_uses_undeclared_field": (41, "uses field 'fax' that no subject type declares"),
    "recipient_receives_undeclared_field": (48, "receives field 'home_address'"),
    "sensitive_field_without_opt_in": (31, "sensitive but no purpose with consent opt_in"),
    "retention_without_duration": (51, "after_closure but gives no period"),
    "deadline_in_unknown_unit": (59, "not 'fortnights'"),
    "deadline_in_hours": (59, "counted in days or working_days"),
    "duplicate_field_id": (31, "field id 'email' is used twice"),
    "duplicate_purpose_id": (37, "purpose id 'deliver_orders' is used twice"),
    "not_utf8": (9, "not UTF-8: byte 210"),
    "wrong_type": (5, "'version' must be a whole number, not 'one'"),
    "missing_required_key": (37, "required key 'legal_basis' is missing"),
    "contract_dates_reversed": (47, "ends (2025-06-30) before it starts (2026-01-01)"),
    "duplicate_mapping_key": (41, "duplicate key 'consent' (first on line 40)"),
    "top_level_list": (3, "top level must be a mapping"),
    "unsupported_format": (3, "the only policy format"),
    "sensitive_category_marked_basic": (
        35,
        "category 'financial', which LAW.md lists as sensitive",
    ),
    "consent_basis_without_consent": (40, "consent must be opt_in"),
    "country_read_as_false": (48, 'unquoted NO as a true/false value; write it in quotes: "NO"'),
    "processor_without_contract": (44, "is a processor but has no contract"),
    "min_keep_over_max_keep": (53, "min_keep longer than its max_keep"),
    "languages_without_vietnamese": (7, "languages must include vi"),
    "python_tag": (4, "tag '!!python/object/apply:os.system' is not allowed"),
    "purpose_names_undeclared_subject_type": (43, "subject type 'seller'"),
    "choices_on_text_field": (23, "lists choices but its type is 'text'"),
    "unique_field_not_searchable": (31, "is unique but not searchable"),
    "empty": (None, "the file is empty"),
}


def _problems(text: str | bytes) -> list[Problem]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    return caught.value.problems


def _valid_text() -> str:
    return VALID.read_text(encoding="utf-8")


def test_the_minimal_valid_policy_loads() -> None:
    policy = load_policy(VALID)
    assert isinstance(policy, Policy)
    assert (policy.tenant, policy.version) == ("demo_shop", 1)


def test_every_invalid_policy_file_has_a_case() -> None:
    assert {p.stem for p in INVALID.glob("*.yaml")} == set(INVALID_CASES)


@pytest.mark.parametrize("name", sorted(INVALID_CASES))
def test_each_invalid_policy_is_refused_with_a_located_plain_problem(name: str) -> None:
    line, fragment = INVALID_CASES[name]
    path = INVALID / f"{name}.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    problems = caught.value.problems
    assert problems
    first = problems[0]
    assert first.file == str(path)
    assert first.line == line
    assert fragment in first.rule
    assert "Traceback" not in str(caught.value)


def test_the_pure_python_parser_finds_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader uses libyaml when installed; without it the same problems are found at the
    same lines (only the wording of a syntax error differs between the two parsers)."""
    paths = sorted(INVALID.glob("*.yaml"))

    def problems() -> list[tuple[str, int | None, str]]:
        found = []
        for path in paths:
            with pytest.raises(PolicyError) as caught:
                load_policy(path)
            for p in caught.value.problems:
                rule = "syntax" if "not valid YAML" in p.rule else p.rule
                found.append((p.path, p.line, rule))
        return found

    fast = problems()
    monkeypatch.setattr(loader, "_LOADER", yaml.SafeLoader)
    assert problems() == fast


def test_a_file_over_one_mebibyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * 500_000)  # 5 MB of comments: valid YAML, far too big
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert problem.line is None
    assert "5,000,000 bytes" in problem.rule
    assert f"{MAX_BYTES:,} bytes" in problem.rule


def test_oversized_text_given_directly_is_refused_too() -> None:
    (problem,) = _problems("#" * (MAX_BYTES + 1))
    assert "limited to" in problem.rule


def test_a_missing_file_raises_os_error_not_policy_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_policy(tmp_path / "absent.yaml")


def test_text_and_bytes_load_alike() -> None:
    text = _valid_text()
    assert parse_policy(text, "a") == parse_policy(text.encode("utf-8"), "b")


def test_a_byte_order_mark_is_accepted() -> None:
    policy = parse_policy(b"\xef\xbb\xbf" + _valid_text().encode("utf-8"), "bom.yaml")
    assert policy.tenant == "demo_shop"


def test_every_mistake_in_a_file_is_reported_not_only_the_first() -> None:
    text = _valid_text().replace("version: 1", "version: one").replace("  emails:", "  emial:")
    problems = _problems(text)
    assert [(p.path, p.line) for p in problems] == [("version", 5), ("organisation.emial", 14)]


def test_a_misspelt_key_suggests_the_key_meant() -> None:
    text = _valid_text().replace("  emails:", "  emial:")
    assert "unknown key 'emial' (did you mean 'emails'?)" in _problems(text)[0].rule


def test_a_misspelt_choice_suggests_the_value_meant() -> None:
    text = _valid_text().replace("category: contact", "category: finance")
    assert "(did you mean 'financial'?)" in _problems(text)[0].rule


def test_a_missing_key_is_located_at_its_parent_mapping() -> None:
    text = _valid_text().replace("  identity_proof: login\n", "")
    (problem,) = _problems(text)
    assert (problem.path, problem.line) == ("subject_access.identity_proof", 53)


def test_a_value_that_is_neither_a_list_nor_all_is_one_problem() -> None:
    text = _valid_text().replace("fields: [full_name]\n", "fields: everything\n")
    (problem,) = _problems(text)
    assert problem.rule == "'fields' must be a list or 'all', not 'everything'"


def test_a_bad_id_inside_a_list_names_the_item() -> None:
    text = _valid_text().replace("fields: [full_name]\n", "fields: [Full_Name]\n")
    (problem,) = _problems(text)
    assert problem.path == "recipients[0].fields[0]"
    assert "must be an id" in problem.rule


def test_an_impossible_date_is_reported_once_at_its_line() -> None:
    (problem,) = _problems(_valid_text().replace("2026-01-15", "2026-02-30"))
    assert (problem.path, problem.line) == ("last_updated", 6)
    assert problem.rule == "'2026-02-30' is not a valid date"


def test_unquoted_yes_in_a_text_is_explained() -> None:
    (problem,) = _problems(_valid_text().replace("vi: Email, en", "vi: yes, en"))
    assert 'write it in quotes: "yes"' in problem.rule


def test_an_empty_required_text_is_named() -> None:
    (problem,) = _problems(_valid_text().replace("tenant: demo_shop", "tenant:"))
    assert problem.rule == "'tenant' must be text, not empty"


def test_deep_nesting_is_refused_without_recursion() -> None:
    problems = _problems("a: " + "[" * 5000 + "]" * 5000)
    assert "nests more than" in problems[0].rule


def test_a_second_document_is_refused() -> None:
    problems = _problems(_valid_text() + "---\nformat: x\n")
    assert "not valid YAML" in problems[0].rule
    assert problems[0].line == 62


def test_merge_keys_are_refused() -> None:
    text = _valid_text().replace("  mode: self_service\n", "  <<: {mode: self_service}\n")
    assert any("merge keys" in p.rule for p in _problems(text))


def test_a_control_character_is_located() -> None:
    (problem,) = _problems(_valid_text().replace("Deliver orders", "Deliver\x07orders"))
    assert (problem.line, "U+0007" in problem.rule) == (33, True)


def test_a_problem_reads_file_line_path_rule() -> None:
    problem = Problem("p.yaml", "purposes[2].fields[0]", 42, "purpose 'x' uses field 'fax'")
    assert str(problem) == "p.yaml:42: purposes[2].fields[0]: purpose 'x' uses field 'fax'"
    assert str(Problem("p.yaml", "", None, "the file is empty")) == "p.yaml: the file is empty"


def test_a_policy_error_keeps_problems_in_line_order() -> None:
    error = PolicyError([Problem("p", "b", 9, "later"), Problem("p", "a", 2, "earlier")])
    assert [p.line for p in error.problems] == [2, 9]
    assert str(error).splitlines()[0] == "p:2: a: earlier"


def test_a_policy_error_without_problems_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        PolicyError([])
