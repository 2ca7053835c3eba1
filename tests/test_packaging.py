"""An installed (non-editable) disclose finds its templates, catalogs and fonts from any directory."""

import os
import subprocess
import sys

from conftest import ROOT


def test_wheel_ships_templates_catalogs_and_fonts(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    target = tmp_path / "site"
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import generator, json\n"
        "from generator.formats import available_formats, builtin_templates_dir\n"
        "from generator.catalogs import function_catalog\n"
        "from generator.commands.new import starter\n"
        "from pathlib import Path\n"
        "fmts = available_formats()\n"
        "print(json.dumps({'file': generator.__file__, 'formats': sorted(fmts),\n"
        "  'docx': (builtin_templates_dir() / '_base' / 'template.docx').is_file(),\n"
        "  'catalog': function_catalog(2020).name('2013101'),\n"
        "  'fonts': (Path(generator.__file__).parent / 'fonts' / 'fonts.conf').exists(),\n"
        "  'starter': '部门: 新局' in starter('新局', 2025)}, ensure_ascii=False))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    import json
    info = json.loads(out)
    assert info["file"].startswith(str(target))
    assert set(info["formats"]) == {"kezhou-2020", "national-2024", "classic-2016"}
    assert info["docx"] and info["fonts"] and info["starter"]
    assert info["catalog"] == "行政运行"
