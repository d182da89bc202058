"""The HTTP figure's server process: `python -m baomat.bench._server HOME PORT`.

`baomat serve` on the store in HOME, on 127.0.0.1:PORT, without the access
log (`api.server.run`, as `baomat serve` runs it); a process of its own, so
the clients measuring it do not share its interpreter. Unlike `baomat serve`,
it starts no job runner: the figure is about answering requests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from baomat import bootstrap
from baomat.api import server
from baomat.api.app import create_app
from baomat.bench._app import settings


def serve(home: Path, port: int) -> None:
    app = bootstrap.build(settings(home), env={})
    try:
        server.run(create_app(app), host="127.0.0.1", port=port, access_log=False)
    finally:
        app.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
