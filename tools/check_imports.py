"""The import rules that import-linter's contracts don't express, checked by `make lint`:
no import cycle among the project's modules (imports inside functions count; those under
`if TYPE_CHECKING:` never run and don't), at most five imports of project modules inside functions,
each with a comment that says why, and no module of the apps over 600 lines."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "users", "finance", "kavi", "fg_copilot")
APPS = ("core", "users", "finance", "kavi")
MAX_FUNCTION_IMPORTS = 5
MAX_LINES = 600


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return [".".join([*base, node.module] if node.module else base)]


def _function_imports() -> list[tuple[str, int, str, bool]]:
    """(file, line, imported module, has a reason comment) for each project import in a function."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            lines = source.splitlines()
            tree = ast.parse(source)
            module = _module_name(path)
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if not isinstance(node, ast.Import | ast.ImportFrom):
                        continue
                    for target in _resolve(node, module, path.name == "__init__.py"):
                        if target.split(".")[0] in PACKAGES:
                            here = lines[node.lineno - 1]
                            above = lines[node.lineno - 2] if node.lineno > 1 else ""
                            reason = "#" in here or above.strip().startswith("#")
                            found.append((str(path.relative_to(ROOT)), node.lineno, target, reason))
    # A nested function's import is seen once per enclosing function: keep each place once.
    return sorted(set(found))


def main() -> int:
    problems: list[str] = []
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    for component in _cycles(graph):
        problems.append("import cycle: " + " <-> ".join(component))

    # KAVI reads and writes the books only through finance's selectors and services; import-linter's
    # forbidden contract names modules, this catches any finance module added later too.
    for importer in sorted(m for m in graph.modules if m == "kavi" or m.startswith("kavi.")):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.split(".")[0] == "finance" and imported.split(".")[:2] not in (
                ["finance", "selectors"],
                ["finance", "services"],
            ):
                problems.append(f"{importer} imports {imported}: only finance's selectors and services")

    imports = _function_imports()
    for where, line, target, reason in imports:
        if not reason:
            problems.append(f"{where}:{line}: {target} imported in a function with no comment saying why")
    if len(imports) > MAX_FUNCTION_IMPORTS:
        listed = "\n  ".join(f"{p}:{n} {t}" for p, n, t, _ in imports)
        count = len(imports)
        problems.append(f"{count} project imports in functions (at most {MAX_FUNCTION_IMPORTS}):\n  {listed}")

    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            count = len(path.read_text().splitlines())
            if count > MAX_LINES:
                name = path.relative_to(ROOT)
                problems.append(f"{name}: {count} lines (at most {MAX_LINES}; split it by role)")

    for problem in problems:
        print(problem)
    print(
        f"check_imports: {len(graph.modules)} modules, {len(imports)} function-level project imports, "
        f"{len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
