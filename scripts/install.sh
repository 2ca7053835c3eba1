#!/usr/bin/env bash
# 安装全部依赖并生成示例部门的公开文本（output/ 下）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/disclose check departments/
.venv/bin/disclose build departments/ -o output
echo "完成：示例部门的 DOCX 与 PDF 在 output/ 下。"
