"""`baomat outbox status|send|requeue` on a fresh home with a real SMTP server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from baomat import bootstrap
from baomat.cli.main import app
from baomat.config import Settings
from baomat.services import subject_login, subjects
from baomat.services.notify import OutboxNotifier
from baomat.services.tenants import PolicyCache
from tests.integration.mailserver import MailServer, free_port
from tests.integration.shop import AT, SHOP

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with the shop loaded, an SMTP port configured, nothing listening on it yet."""
    for name in ("DATABASE_URL", "KEYSTORE_URL", "MASTER_KEY", "INDEX_KEY"):
        monkeypatch.delenv(f"BAOMAT_{name}", raising=False)
    monkeypatch.setenv("BAOMAT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BAOMAT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BAOMAT_SMTP_PORT", str(free_port()))
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "shop.yaml").write_text(yaml.safe_dump(SHOP, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["init", "--policies", str(policies)])
    assert result.exit_code == 0, result.output
    return tmp_path / "home"


def _ask_code(home: Path) -> str:
    """A member asks for a login code; the App built from the settings queues it."""
    built = bootstrap.build(Settings(home=home), env={})
    try:
        assert isinstance(built.notifier, OutboxNotifier)
        policy = PolicyCache().current(built.uow(), "shop")
        member = {"full_name": "Lê Thị Thư", "email": "thu@example.vn"}
        [subject_id] = subjects.register(built.uow(), policy, "member", [member], "test", AT)
        subject_login.request_code(built.uow(), "shop", subject_id, built.notifier, AT)
        return subject_id
    finally:
        built.close()


def test_a_message_waits_while_the_server_is_down_and_its_retry_is_not_early(home: Path) -> None:
    _ask_code(home)
    port = int(Settings().smtp_port)

    waiting = runner.invoke(app, ["outbox", "status"])
    down = runner.invoke(app, ["outbox", "send"])
    with MailServer(port=port) as server:
        # The retry is due 30 s after the failure; `requeue` is only for failed messages.
        early = runner.invoke(app, ["outbox", "send"])
    assert (waiting.exit_code, down.exit_code, early.exit_code) == (0, 0, 0)
    assert waiting.stdout.strip() == "pending=1 sent=0 failed=0 cancelled=0"
    assert down.stdout.strip() == "sent=0 retried=1 failed=0 cancelled=0"
    assert early.stdout.strip() == "sent=0 retried=0 failed=0 cancelled=0"
    assert server.received == []


def test_send_delivers_what_is_due_to_the_server(home: Path) -> None:
    _ask_code(home)

    with MailServer(port=int(Settings().smtp_port)) as server:
        sent = runner.invoke(app, ["outbox", "send"])
        again = runner.invoke(app, ["outbox", "send"])
    status = runner.invoke(app, ["outbox", "status", "--tenant", "shop"])

    assert sent.stdout.strip() == "sent=1 retried=0 failed=0 cancelled=0"
    assert again.stdout.strip() == "sent=0 retried=0 failed=0 cancelled=0"
    assert status.stdout.strip() == "pending=0 sent=1 failed=0 cancelled=0"
    [mail] = server.received
    assert mail["To"] == "thu@example.vn"
    assert "Cửa hàng Thử" in mail["Subject"]


def test_without_an_smtp_server_send_says_so(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAOMAT_SMTP_HOST")

    result = runner.invoke(app, ["outbox", "send"])

    assert result.exit_code == 2
    assert "no SMTP server is configured" in result.stderr


def test_requeue_counts_failed_messages(home: Path) -> None:
    result = runner.invoke(app, ["outbox", "requeue", "--tenant", "shop"])

    assert (result.exit_code, result.stdout.strip()) == (0, "0 failed messages due again")
