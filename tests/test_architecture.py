"""The package's shape, checked: no import circles, no imports hidden inside functions, no module too long
to read in one sitting. (The layers themselves are import-linter's contracts in pyproject.toml, run by
`make test` as `lint-imports`.)"""

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "actiontool"
MOST_LINES = 320  # "about 300"


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph("actiontool")
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                circles.append(graph.find_shortest_chain(importer=imported, imported=module) + (imported,))
    assert circles == []


def test_every_import_is_at_the_top_of_its_module():
    # An import inside a function is how an import circle hides; there is no other reason for one here.
    hidden = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
              for path in _modules()
              for function in ast.walk(ast.parse(path.read_text()))
              if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert hidden == []


def test_no_module_is_longer_than_about_300_lines():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in _modules()
            if (n := len(path.read_text().splitlines())) > MOST_LINES}
    assert long == {}
