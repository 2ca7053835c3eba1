#!/usr/bin/env bash
# 准备环境（幂等）并运行全部测试。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
set +e
# one worker per core, each test file on one worker (its module fixtures are built once)
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
code=$?
set -e
# pytest exits 5 when no test ran: that is a failure here, never a pass
if [ "$code" = 5 ]; then echo "没有运行任何测试" >&2; exit 1; fi
exit "$code"
