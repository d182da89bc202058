"""`baomat policy publish`: the classified changes, the notices queued, and a dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from baomat.cli.main import app
from baomat.policy.loader import load_policy
from tests.conftest import EXAMPLES
from tests.integration.versions import next_version, purpose

runner = CliRunner()


def _env(home: Path) -> dict[str, str | None]:
    return {
        "BAOMAT_HOME": str(home),
        "BAOMAT_DATABASE_URL": None,
        "BAOMAT_KEYSTORE_URL": None,
        "BAOMAT_MASTER_KEY": None,
        "BAOMAT_INDEX_KEY": None,
    }


def _wesoft_v2(tmp_path: Path) -> Path:
    wesoft = load_policy(EXAMPLES / "wesoft.yaml")

    def edit(data: dict[str, Any]) -> None:
        purpose(data, "exchange_notices")["fields"].append("phone")
        data["complaints"] = {"channels": [{"kind": "hotline", "value": "1900 1234"}]}

    _, document = next_version(wesoft, edit)
    path = tmp_path / "wesoft-v2.yaml"
    path.write_text(document, encoding="utf-8")
    return path


def test_publish_prints_each_change_classified_and_a_dry_run_publishes_nothing(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    assert runner.invoke(app, ["init"], env=_env(home)).exit_code == 0
    v2 = _wesoft_v2(tmp_path)

    dry = runner.invoke(
        app, ["policy", "publish", str(v2), "--tenant", "wesoft", "--dry-run", "--lang", "en"],
        env=_env(home),
    )  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert "tenant wesoft: version 2 would be published (from version 1)" in dry.output
    assert "MATERIAL     purpose_fields_added purposes.exchange_notices.fields:" in dry.output
    assert "not material complaint_channel_added complaints.channels:" in dry.output
    assert "emails queued" not in dry.output
    assert dry.output.endswith("dry run: nothing published, no one told\n")

    real = runner.invoke(app, ["policy", "publish", str(v2), "--tenant", "wesoft"], env=_env(home))
    assert real.exit_code == 0, real.output
    assert "tenant wesoft: version 2 published (from version 1); last updated " in real.output
    assert "nay dùng thêm dữ liệu: phone" in real.output  # Vietnamese by default
    assert "2 changes, 1 material; notice mode: email_on_material_change" in real.output
    assert "notices wesoft version 2: 0 emails queued, 0 consents closed" in real.output

    again = runner.invoke(app, ["policy", "publish", str(v2), "--tenant", "wesoft"], env=_env(home))
    assert "version 2 unchanged" in again.output
    assert runner.invoke(app, ["policy", "notices"], env=_env(home)).output == (
        "no notices pending\n"
    )


def test_a_file_that_fails_its_checks_or_names_another_tenant_publishes_nothing(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    assert runner.invoke(app, ["init"], env=_env(home)).exit_code == 0
    v2 = _wesoft_v2(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text(v2.read_text("utf-8").replace("- phone", "- fax", 1), encoding="utf-8")

    refused = runner.invoke(
        app, ["policy", "publish", str(broken), "--tenant", "wesoft"], env=_env(home)
    )
    assert refused.exit_code == 2
    assert "fax" in refused.output
    other = runner.invoke(app, ["policy", "publish", str(v2), "--tenant", "wecan"], env=_env(home))
    assert other.exit_code == 2
    assert "not 'wecan''s" in other.output

    dry = runner.invoke(
        app, ["policy", "publish", str(v2), "--tenant", "wesoft", "--dry-run"], env=_env(home)
    )
    assert "version 2 would be published (from version 1)" in dry.output  # still at 1
