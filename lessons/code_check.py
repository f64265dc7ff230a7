"""Static checks of Python source, for the article's TensorFlow example (FAQ claim i).

TensorFlow is neither installed nor needed: the checks read the code's syntax tree.

    undefined_names(code)   # names the module-level code reads but never binds
    tf1_calls(code)         # TensorFlow 1 graph-mode APIs, and `.run(...)` calls
"""

from __future__ import annotations

import ast
import builtins

TF1_ONLY = ("tf.train.", "tf.global_variables", "tf.placeholder", "tf.Session")


def undefined_names(code: str) -> list[str]:
    """Names the module-level code reads but never binds (function bodies excluded)."""
    tree = ast.parse(code)
    bound = set(dir(builtins))
    loads: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.alias):
                bound.add((sub.asname or sub.name).split(".")[0])
            elif isinstance(sub, ast.Name):
                if isinstance(sub.ctx, ast.Store):
                    bound.add(sub.id)
                elif sub.id not in bound and sub.id not in loads:
                    loads.append(sub.id)
    return [n for n in loads if n not in bound]


def tf1_calls(code: str) -> list[str]:
    """TensorFlow 1 graph-mode APIs used, and `.run(...)` calls (Session/Operation style)."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Attribute):
            continue
        name = _dotted(node)
        if name and any(name.startswith(p) or name == p.rstrip(".") for p in TF1_ONLY):
            found.add(name)
        elif node.attr == "run":
            found.add(f"{ast.unparse(node.value)}.run")
    # keep the most specific: drop "tf.train" when "tf.train.GradientDescentOptimizer" is there
    return sorted(n for n in found if not any(o.startswith(n + ".") for o in found))


def _dotted(node: ast.AST) -> str | None:
    """'a.b.c' for a chain of plain names, else None (a call or subscript in between)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None
