# Sourced by scripts/start and scripts/test: makes .venv and installs baomat into it.
# Needs only python3 (3.11 or newer); re-running is quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.baomat-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24,<27"
  .venv/bin/python -m pip install --quiet -e ".[dev,postgres]"
  touch "$stamp"
fi
