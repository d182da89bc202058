"""Alembic environment: runs on the connection `baomat.store.migrate` passes in."""

from alembic import context

from baomat.store.tables import keystore_metadata, metadata

config = context.config
connection = config.attributes["connection"]
target = keystore_metadata if config.attributes.get("keystore") else metadata

context.configure(
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
