#!/usr/bin/env bash
# Idempotent set-up: Debian packages (fonts, HarfBuzz subsetter, poppler, LibreOffice, Chromium for
# the browser test of `disclose serve`, driven by the Python package playwright: no browser download),
# a virtual environment in .venv with disclose and its test dependencies.
# Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-cjk-extra: the Light (仿宋-like) and SemiBold (小标宋-like) weights; fonts-lxgw-wenkai: 楷体
PACKAGES=(fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils libreoffice-writer-nogui chromium)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "安装系统软件包：${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv"
  "$PY" -m venv .venv
fi
stamp=".venv/.disclose-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "安装 Python 依赖"
  .venv/bin/python -m pip install -q --upgrade pip setuptools
  .venv/bin/python -m pip install -q -e '.[test]'
  echo "$want" > "$stamp"
fi
# Byte-compile disclose's own modules, as pip does for an installed wheel: every command starts
# ~0.25 s sooner where Python may not write __pycache__ itself (PYTHONDONTWRITEBYTECODE, read-only
# checkouts). Only changed files are compiled again.
.venv/bin/python -m compileall -q generator tools >/dev/null

# yaml-language-server (the checker behind VS Code's YAML extension) for tests/test_schema.py,
# pinned by tools/yaml-lsp/package-lock.json; Node.js and npm come with the machine, else Debian's
lsp=tools/yaml-lsp
if [ ! -f "$lsp/node_modules/.package-lock.json" ] || ! cmp -s "$lsp/package-lock.json" "$lsp/node_modules/.disclose-lock"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "安装 Node.js 与 npm"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "安装 yaml-language-server（编辑器校验测试用）"
  (cd "$lsp" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$lsp/package-lock.json" "$lsp/node_modules/.disclose-lock"
fi
