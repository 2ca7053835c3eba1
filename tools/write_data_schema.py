#!/usr/bin/env python3
"""Write docs/开放数据.schema.json, the JSON Schema of the open data JSON (generator.opendata.SCHEMA).

    .venv/bin/python tools/write_data_schema.py
"""

import json
import sys
from pathlib import Path

from generator.opendata import SCHEMA

target = Path(__file__).resolve().parent.parent / "docs" / "开放数据.schema.json"
target.write_text(json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(target)
sys.exit(0)
