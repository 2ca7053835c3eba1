"""disclose: generate 部门预算公开 documents from one YAML of leaf facts."""

__version__ = "0.1.0"
