"""The acting user is typed (docs/adr/0008): no function in coproduce takes `actor` or `user` as `Any`.
Read from the source, so a new module that slips back fails here rather than in review. (That no page
catches a refusal itself is held by tests/web/test_domain_error_pages.py.)"""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "coproduce"
ACTING_USER_NAMES = {"actor", "user"}


def modules(under: Path) -> list[Path]:
    return sorted(path for path in under.rglob("*.py") if "migrations" not in path.parts)


def annotation_is_any(annotation: ast.expr | None) -> bool:
    return isinstance(annotation, ast.Name) and annotation.id == "Any"


def test_no_acting_user_is_typed_any() -> None:
    untyped = []
    for path in modules(SOURCE):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                untyped += [
                    f"{path.relative_to(SOURCE.parent)}:{node.lineno} {node.name}({argument.arg})"
                    for argument in arguments
                    if argument.arg in ACTING_USER_NAMES and annotation_is_any(argument.annotation)
                ]
    assert untyped == []
