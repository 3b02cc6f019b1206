"""Checkers for tests: is an exported REFI-QDA document valid against the official schema?

The product never validates its own exports at run time (it builds them, and these checks prove
the build right); it validates only a .qdpx someone imports (`coproduce.research.qdpx.read_project`).
"""

from functools import cache
from pathlib import Path

from lxml import etree

import coproduce.research
from coproduce.research.qdpx import project_schema

QDC_SCHEMA = Path(coproduce.research.__file__).resolve().parent / "refi_qda" / "Codebook.xsd"


@cache
def qdc_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(QDC_SCHEMA)))


def _problems(schema: etree.XMLSchema, document: bytes) -> list[str]:
    if schema.validate(etree.fromstring(document)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def qdc_problems(document: bytes) -> list[str]:
    """What makes a codebook (.qdc) invalid against the official Codebook schema (empty when valid)."""
    return _problems(qdc_schema(), document)


def qde_problems(document: bytes) -> list[str]:
    """What makes a project.qde invalid against the official Project schema (empty when valid)."""
    return _problems(project_schema(), document)
