"""Every optimizer function stays small: at most 80 lines and 10 parameters."""

import ast
from pathlib import Path

import optimizer

MAX_LINES = 80
MAX_PARAMS = 10


def _too_big(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        n_params = len([p for p in params if p.arg not in ("self", "cls")])
        n_lines = (node.end_lineno or node.lineno) - node.lineno + 1
        if n_lines > MAX_LINES or n_params > MAX_PARAMS:
            found.append(f"{path.name}:{node.lineno} {node.name}: {n_lines} lines, {n_params} parameters")
    return found


def test_no_optimizer_function_is_too_big() -> None:
    package = Path(optimizer.__file__).parent
    found = [line for path in sorted(package.glob("*.py")) for line in _too_big(path)]
    assert not found, "\n".join(found)
