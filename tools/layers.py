"""The layer check: `python -m tools.layers` exits 1 on an import against the layers or a package cycle.

The layers, lowest first. A module may import its own layer and the ones below it, never above.

    layer  name        packages and modules
    0      domain      raadsbode.domain              pure: the standard library only, nothing else of ours
    1      models      models                        models.messages: no models.tables, no sqlalchemy/sqlmodel
    2      core        raadsbode.settings, raadsbode.db, raadsbode.temporal_client,
                       raadsbode.search_attributes, raadsbode.log_masking, raadsbode.signals,
                       raadsbode.store, raadsbode.mail
    3      flows       activities, workflows         activities never import workflows; workflows import
                                                     only domain, models, activities, temporalio and the
                                                     standard library (no store, mail, settings, db)
    4      services    raadsbode.services, raadsbode.registry, raadsbode.start_guard
    5      entry       web, raadsbode.cli, raadsbode.dev, worker

`raadsbode` itself (its `__init__`) counts as domain. tests/, bench/ and migrations/ stand outside the
layers: they may import anything, and no layered module may import them.

What counts as an import:
- every `import` and `from ... import` in the module, at top level, inside functions and inside
  `if TYPE_CHECKING:`. A lazy import inside a function is a dependency that only shows up later, and a
  type-only import is a dependency of the code's meaning even though the runtime never sees it; both
  are how a layer quietly starts to know about the one above it, so both count, for the layer order
  and for cycles alike.
- `from a.b import c` is an import of the module a.b.c when that is one of ours, else of a.b.

Cycles are looked for between packages: a module belongs to its package (a sub-package at any depth is
a node of its own), except that a module sitting directly in a top-level package (raadsbode/settings.py,
web/app.py, workflows/inbox.py) is a node by itself, because a top-level package is only the container
of a layer, not a feature. A cycle inside one package is not reported.

ALLOWED (below) names the imports that break a rule today and cannot be fixed yet; each one says why
and what the plan is. An allowed import is left out of every rule and of the cycle graph, so anything
new still fails. An entry that no longer matches any import fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: dict[str, tuple[str, ...]] = {
    "domain": ("raadsbode.domain",),
    "models": ("models",),
    "core": (
        "raadsbode.settings", "raadsbode.db", "raadsbode.temporal_client", "raadsbode.search_attributes",
        "raadsbode.log_masking", "raadsbode.signals", "raadsbode.store", "raadsbode.mail",
    ),
    "flows": ("activities", "workflows"),
    "services": ("raadsbode.services", "raadsbode.registry", "raadsbode.start_guard"),
    "entry": ("web", "raadsbode.cli", "raadsbode.dev", "worker"),
}
LAYER_NAMES = list(LAYERS)

# Scanned for their imports; every module in them must fall in a layer.
LAYERED_ROOTS = ("raadsbode", "models", "workflows", "activities", "web", "worker")
# Ours, but outside the layers: nothing layered may import them.
UNLAYERED_ROOTS = ("tests", "bench", "migrations", "tools")

WORKFLOW_MAY_IMPORT = ("raadsbode.domain", "models", "activities", "workflows", "temporalio")
ORM_PACKAGES = ("sqlalchemy", "sqlmodel")
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True)
class Allowed:
    importer: str
    imported: str
    why: str
    plan: str


# Imports that break a rule today, each with the reason it stays for now and the plan to remove it.
# "H5": the query or audit() concerned is being gathered into raadsbode/store by the store work (issue 11).
ALLOWED: tuple[Allowed, ...] = (
    Allowed(
        "raadsbode.store.attendance", "activities.alv.store",
        why="the ALV audience query (bodies, contacts_query, audience_query) and attendance_by_person live with "
            "the ALV activities' database code",
        plan="H5: move the audience and attendance queries into raadsbode/store; activities and store import them there",
    ),
    Allowed(
        "workflows.alv.cycle", "raadsbode.search_attributes",
        why="the search attribute keys are temporalio constants without I/O; the cycle workflow sets them on its child",
        plan="the keys are part of the workflow contract: define them in workflows/common and have services, dev and "
             "tests import them there, once the tests' move (H1) has landed",
    ),
    Allowed(
        "activities.alv.mail", "raadsbode.services.alv.motions",
        why="the convocation reads closing_at and motion_views, queries that live with the motion use cases",
        plan="H5: move the motion reads into raadsbode/store",
    ),
    Allowed(
        "activities.meeting.mail", "raadsbode.services.meeting.agenda",
        why="the convocation reads the agenda's items with agenda_items, a query written three times",
        plan="H5: one agenda query in raadsbode/store",
    ),
    Allowed(
        "activities.newsletter.activities", "raadsbode.services.newsletter.issues",
        why="the issue's database steps (compose, set_status, freeze_recipients, relay refusals, with their audit "
            "events) live in services.newsletter.issues",
        plan="H5: the issue's writes and their audit events into raadsbode/store; composing stays a service",
    ),
    Allowed(
        "activities.newsletter.mail", "raadsbode.services.newsletter.issues",
        why="the editor's proof mail issues its link with issues.editor_link_token",
        plan="H5: with the issue's writes into raadsbode/store",
    ),
    Allowed(
        "activities.newsletter.ledger", "raadsbode.services.newsletter.subscribers",
        why="a hard bounce calls suppress, a write that lives with the subscriber use cases",
        plan="H5: suppress into raadsbode/store",
    ),
    Allowed(
        "activities.newsletter.mail", "raadsbode.services.newsletter.subscribers",
        why="CONFIRM_KIND, the confirmation mail's ledger kind, is defined with the subscriber use cases",
        plan="H5: with the other email kinds into the vocabulary in raadsbode/domain",
    ),
    Allowed(
        "workflows.common.signoff", "workflows.meeting.checks",
        why="package cycle workflows.common ⇄ workflows.meeting: the sign-off rounds validate with the board's checks",
        plan="as above (H4)",
    ),
    Allowed(
        "web.common.audit_labels", "web.workspace.members.forms",
        why="package cycle web.common ⇄ web.workspace.members: the audit labels use the board seats' ROLE_LABELS",
        plan="H5: MemberRole's Dutch labels into the vocabulary in raadsbode/domain; both import them there",
    ),
)


@dataclass(frozen=True)
class Import:
    path: str
    line: int
    importer: str
    imported: str

    @property
    def key(self) -> tuple[str, str]:
        return self.importer, self.imported


@dataclass(frozen=True)
class Violation:
    imp: Import
    rule: str

    def __str__(self) -> str:
        return f"{self.imp.path}:{self.imp.line}: {self.imp.importer} → {self.imp.imported}: {self.rule}"


def under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int | None:
    if module == "raadsbode":
        return 0
    best: tuple[int, int] | None = None
    for index, name in enumerate(LAYER_NAMES):
        for prefix in LAYERS[name]:
            if under(module, prefix) and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    return None if best is None else best[0]


def source_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(module name, path) of every layered module."""
    for top in LAYERED_ROOTS:
        single = root / f"{top}.py"
        if single.is_file():
            yield top, single
        folder = root / top
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def own_modules(root: Path) -> set[str]:
    modules = {name for name, _ in source_files(root)}
    for top in UNLAYERED_ROOTS:
        if (root / top).is_dir():
            modules.add(top)
    return modules


def is_ours(module: str) -> bool:
    top = module.split(".")[0]
    return top in LAYERED_ROOTS or top in UNLAYERED_ROOTS


def imports_of(module: str, path: Path, root: Path, known: set[str]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    rel = str(path.relative_to(root))
    seen: set[Import] = set()
    for imp in _raw_imports(tree, module, is_package, rel, known):
        if imp not in seen:  # `from a import b, c` names a twice
            seen.add(imp)
            yield imp


def _raw_imports(tree: ast.AST, module: str, is_package: bool, rel: str, known: set[str]) -> Iterator[Import]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(rel, node.lineno, module, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base_parts = package[: len(package) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield Import(rel, node.lineno, module, candidate if candidate in known else base)


def rules_broken(imp: Import) -> Iterator[str]:
    importer, imported = imp.importer, imp.imported
    top = imported.split(".")[0]
    ours = is_ours(imported)
    if under(importer, "raadsbode.domain") and not (top in STDLIB or under(imported, "raadsbode.domain")):
        yield "domain is pure: the standard library and raadsbode.domain only"
    if under(importer, "models.messages") and (
        under(imported, "models.tables") or any(under(imported, orm) for orm in ORM_PACKAGES)
    ):
        yield "models.messages are plain dataclasses: no models.tables, sqlalchemy or sqlmodel"
    if under(importer, "activities") and under(imported, "workflows"):
        yield "activities never import workflows"
    if under(importer, "workflows") and not (
        top in STDLIB or any(under(imported, allowed) for allowed in WORKFLOW_MAY_IMPORT)
    ):
        yield "workflows import only domain, models, activities, temporalio and the standard library"
    if not ours:
        return
    if top in UNLAYERED_ROOTS:
        yield f"{top} is outside the layers: nothing layered may import it"
        return
    mine, theirs = layer_of(importer), layer_of(imported)
    if theirs is None:
        yield "imported module is in no layer: add it to LAYERS"
    elif mine is not None and theirs > mine:
        yield f"layer order: {LAYER_NAMES[mine]} ({mine}) may not import {LAYER_NAMES[theirs]} ({theirs})"


def node_of(module: str, known_packages: set[str]) -> str:
    """The package a module belongs to for the cycle check (see the module docstring)."""
    parts = module.split(".")
    if module in known_packages or len(parts) <= 2:
        return module
    return ".".join(parts[:-1])


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one node only."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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


def check(root: Path = ROOT, allowed: tuple[Allowed, ...] = ALLOWED) -> list[str]:
    """Every problem as one line; empty when the code keeps to the layers."""
    files = list(source_files(root))
    known = own_modules(root)
    packages = {name for name, path in files if path.name == "__init__.py"}
    allowed_keys = {(a.importer, a.imported) for a in allowed}
    used: set[tuple[str, str]] = set()
    problems: list[str] = []
    edges: dict[tuple[str, str], list[Import]] = {}
    for module, path in files:
        if layer_of(module) is None:
            problems.append(f"{path.relative_to(root)}:1: {module}: in no layer: add it to LAYERS")
        for imp in imports_of(module, path, root, known):
            if imp.key in allowed_keys:
                used.add(imp.key)
                continue
            problems.extend(str(Violation(imp, rule)) for rule in rules_broken(imp))
            if is_ours(imp.imported) and imp.imported.split(".")[0] in LAYERED_ROOTS:
                source, target = node_of(imp.importer, packages), node_of(imp.imported, packages)
                if source != target:
                    edges.setdefault((source, target), []).append(imp)
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    for component in strongly_connected(graph):
        members = set(component)
        cycle = " ⇄ ".join(component)
        for (source, target), imps in sorted(edges.items()):
            if source in members and target in members:
                for imp in imps:
                    problems.append(str(Violation(imp, f"package cycle: {cycle}")))
    for entry in allowed:
        if (entry.importer, entry.imported) not in used:
            problems.append(f"tools/layers.py: ALLOWED {entry.importer} → {entry.imported} matches no import: remove it")
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if problems:
        sys.stdout.write(f"{len(problems)} layer problem(s); the layers are described in tools/layers.py\n")
        return 1
    sys.stdout.write(f"layers: ok ({len(ALLOWED)} allowed exception(s) in tools/layers.py)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
