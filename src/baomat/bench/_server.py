"""The HTTP figure's server process: `python -m baomat.bench._server HOME PORT`.

`baomat serve` on the store in HOME, on 127.0.0.1:PORT, without the access
log; a process of its own, so the clients measuring it do not share its
interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.bench._app import settings


def serve(home: Path, port: int) -> None:
    app = bootstrap.build(settings(home), env={})
    try:
        uvicorn.run(
            create_app(app), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    finally:
        app.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
