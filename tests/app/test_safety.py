"""What a public link must never do, checked in the code itself (parsed with `ast`, so a new
violation anywhere in the app fails here) and in `.streamlit/config.toml`:

- no raw HTML: no `unsafe_allow_html=` other than a literal False, no `.html(...)` call (st.html,
  a container's html, components.html) with anything but one string literal, no file uploader;
- every Streamlit cache bounded (`max_entries` or `ttl`), and process-wide functools caches only
  where the key space is fixed (they outlive every session);
- the server keeps XSRF protection and CORS on, shows viewers no error details, has no upload
  surface and no developer toolbar.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"
CACHE_BOUNDS = ("max_entries", "ttl", "max_size")
ST_CACHES = ("cache_data", "cache_resource")
FUNCTOOLS_CACHES = ("cache", "lru_cache")
# functools caches whose arguments can only take a few fixed values. A new entry needs a reason.
FIXED_KEY_CACHES = {
    ("ui/common/i18n.py", "catalog"): "one entry per language in LANGS (current_lang() validates)",
}


def app_files() -> list[Path]:
    files = [ROOT / "streamlit_app.py"]
    for folder in ("app_pages", "ui"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def parsed() -> list[tuple[str, ast.Module]]:
    return [
        (rel(p), ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in app_files()
    ]


def calls(tree: ast.AST):
    return (n for n in ast.walk(tree) if isinstance(n, ast.Call))


def callee_name(node: ast.expr) -> str | None:
    """`st.cache_data` -> 'cache_data', `cache_data` -> 'cache_data', else None."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def where(path: str, node: ast.AST) -> str:
    return f"{path}:{node.lineno}"


def test_the_scan_sees_the_app():
    files = {rel(p) for p in app_files()}
    assert {"streamlit_app.py", "app_pages/playground.py", "ui/common/frame.py"} <= files
    assert len(files) > 20


# ---------------------------------------------------------------------------------------------
# Raw HTML and uploads


def html_problems(path: str, tree: ast.AST) -> list[str]:
    found = []
    for call in calls(tree):
        for kw in call.keywords:
            if kw.arg == "unsafe_allow_html" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                found.append(f"{where(path, call)} unsafe_allow_html={ast.unparse(kw.value)}")
        if callee_name(call.func) == "html" and isinstance(call.func, ast.Attribute):
            args = [*call.args, *(kw.value for kw in call.keywords if kw.arg in ("body", "html"))]
            literal = bool(args) and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:1]
            )
            if not literal:
                found.append(f"{where(path, call)} {ast.unparse(call)[:80]}")
        if callee_name(call.func) == "file_uploader":
            found.append(f"{where(path, call)} file_uploader")
    return found


def test_no_raw_html_and_no_upload_in_the_app():
    found = [p for path, tree in parsed() for p in html_problems(path, tree)]
    assert not found, found


@pytest.mark.parametrize(
    "source",
    [
        "st.markdown(x, unsafe_allow_html=True)",
        "st.write(x, unsafe_allow_html=flag)",
        "st.html(f'<b>{name}</b>')",
        "col.html(text)",
        "components.html('<b>' + name + '</b>')",
        "st.sidebar.html()",
        "st.file_uploader('data')",
    ],
)
def test_the_html_check_catches(source):
    assert html_problems("x.py", ast.parse(source))


@pytest.mark.parametrize(
    "source", ["st.markdown(x)", "st.markdown(x, unsafe_allow_html=False)", "st.html('<hr>')"]
)
def test_the_html_check_allows(source):
    assert not html_problems("x.py", ast.parse(source))


# ---------------------------------------------------------------------------------------------
# Caches


def _bounded(call: ast.Call) -> bool:
    return any(
        kw.arg in CACHE_BOUNDS
        and not (isinstance(kw.value, ast.Constant) and kw.value.value is None)
        for kw in call.keywords
    )


def cache_problems(path: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        # @st.cache_data / @st.cache_resource used bare, or referenced without a call
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = callee_name(target)
                if name in ST_CACHES and not (isinstance(deco, ast.Call) and _bounded(deco)):
                    found.append(f"{where(path, deco)} {name} on {node.name} has no bound")
                if name in FUNCTOOLS_CACHES and _is_functools(target):
                    found += _functools_problem(path, node, deco)
        elif (  # st.cache_data(fn) or st.cache_data(...)(fn) outside a decorator
            isinstance(node, ast.Call)
            and callee_name(node.func) in ST_CACHES
            and not _bounded(node)
            and not _is_decorator_call(tree, node)
        ):
            found.append(f"{where(path, node)} {callee_name(node.func)}(...) has no bound")
    return found


def _is_decorator_call(tree: ast.AST, call: ast.Call) -> bool:
    return any(
        call in getattr(n, "decorator_list", ())
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    )


def _is_functools(target: ast.expr) -> bool:
    if isinstance(target, ast.Attribute):
        return isinstance(target.value, ast.Name) and target.value.id == "functools"
    return isinstance(target, ast.Name)  # `from functools import cache`


def _functools_problem(path: str, fn: ast.FunctionDef, deco: ast.expr) -> list[str]:
    """`functools.cache` and `lru_cache(maxsize=None)` keep every key for the life of the
    process: fine for a function without arguments or one whose arguments take a few fixed
    values (FIXED_KEY_CACHES), a leak for anything a user can vary."""
    target = deco.func if isinstance(deco, ast.Call) else deco
    if callee_name(target) == "lru_cache":
        size = None
        if isinstance(deco, ast.Call):
            size = next((kw.value for kw in deco.keywords if kw.arg == "maxsize"), None)
            size = size if size is not None or not deco.args else deco.args[0]
        if not (isinstance(size, ast.Constant) and size.value is None):
            return []  # the default bound (128) or an explicit one
    args = fn.args
    if not (args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg):
        return []
    if (path, fn.name) in FIXED_KEY_CACHES:
        return []
    return [_unbounded(path, fn)]


def _unbounded(path: str, fn: ast.FunctionDef) -> str:
    return f"{where(path, fn)} process-wide unbounded cache on {fn.name}(...)"


def test_every_cache_is_bounded():
    found = [p for path, tree in parsed() for p in cache_problems(path, tree)]
    assert not found, found


def test_the_app_has_caches_to_check():
    """The scan finds the decorators it should (guards against the check silently passing)."""
    n = 0
    for _, tree in parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                n += sum(
                    callee_name(getattr(d, "func", d)) in ST_CACHES for d in node.decorator_list
                )
    assert n >= 3


@pytest.mark.parametrize(
    "source",
    [
        "@st.cache_data\ndef f(x): ...",
        "@st.cache_resource()\ndef f(x): ...",
        "@st.cache_data(show_spinner=False)\ndef f(x): ...",
        "@st.cache_data(max_entries=None)\ndef f(x): ...",
        "g = st.cache_data(f)",
        "@functools.cache\ndef f(user_text): ...",
        "@functools.lru_cache(maxsize=None)\ndef f(user_text): ...",
    ],
)
def test_the_cache_check_catches(source):
    assert cache_problems("x.py", ast.parse(source))


@pytest.mark.parametrize(
    "source",
    [
        "@st.cache_data(max_entries=8)\ndef f(x): ...",
        "@st.cache_resource(ttl=60)\ndef f(x): ...",
        "@functools.cache\ndef f(): ...",
        "@functools.lru_cache(maxsize=64)\ndef f(x): ...",
    ],
)
def test_the_cache_check_allows(source):
    assert not cache_problems("x.py", ast.parse(source))


# ---------------------------------------------------------------------------------------------
# Server settings


@pytest.fixture(scope="module")
def config() -> dict:
    with open(CONFIG, "rb") as f:
        return tomllib.load(f)


def test_xsrf_and_cors_stay_on(config):
    server = config["server"]
    assert server.get("enableXsrfProtection") is True
    assert server.get("enableCORS") is True


def test_viewers_see_no_error_details_and_no_developer_menu(config):
    client = config["client"]
    assert client.get("showErrorDetails") == "none"  # not "full", "stacktrace" or "type"
    assert client.get("toolbarMode") in ("viewer", "minimal")


def test_no_upload_surface_and_nothing_else_served(config):
    server = config["server"]
    assert 0 < server.get("maxUploadSize", 200) <= 1
    assert 0 < server.get("maxMessageSize", 200) <= 50
    assert not server.get("enableStaticServing", False)
    assert not server.get("enableAgentApi", False)
    assert server.get("runOnSave") is False


def test_no_usage_statistics_and_no_magic(config):
    assert config["browser"].get("gatherUsageStats") is False
    assert config["runner"].get("magicEnabled") is False


def test_every_setting_is_one_this_streamlit_knows(config):
    """A misspelt option is silently ignored by Streamlit: every name in the file must exist."""
    from streamlit import config as st_config

    known = set(st_config._config_options_template)
    names = [f"{section}.{key}" for section, table in config.items() for key in table]
    assert "server.enableXsrfProtection" in names
    unknown = [n for n in names if n not in known]
    assert not unknown, unknown
    assert "server.allowedHosts" in known  # what the README tells self-hosters to set
