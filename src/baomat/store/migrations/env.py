"""Alembic environment: runs on the connection `baomat.store.migrate` passes in."""

from typing import Any, Literal

from alembic import context

from baomat.store.tables import QUEUE_TABLE_PREFIX, UtcDateTime, keystore_metadata, metadata

config = context.config
connection = config.attributes["connection"]
target = keystore_metadata if config.attributes.get("keystore") else metadata


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """New migrations spell UtcDateTime as the column type it stores: a migration
    must not depend on the code's types, which may change after it is written."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Autogenerate leaves the job queue's own tables alone: migration 0007 made them."""
    return not (type_ == "table" and (name or "").startswith(QUEUE_TABLE_PREFIX))


context.configure(
    include_name=include_name,
    render_item=render_item,
    connection=connection,
    target_metadata=target,
    version_table="alembic_version_keystore"
    if config.attributes.get("keystore")
    else "alembic_version",
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
