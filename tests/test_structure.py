"""The package's shape: one home for each repeated helper, a flat top level, short modules.

A rule written out twice drifts apart; these tests fail when a copy of the
atomic write, of the link parser or of an address rule appears outside its
module, so the fix is to call ``letterpress.model.files``, ``letterpress.model.urls``
or ``letterpress.model.layout`` instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "letterpress"
FILES_MODULE = PACKAGE / "model" / "files.py"
URLS_MODULE = PACKAGE / "model" / "urls.py"
LAYOUT_MODULE = PACKAGE / "model" / "layout.py"
MAX_LOOSE_MODULES = 8
MAX_LINES = 500

MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _outside(home: Path, found) -> list[str]:
    return sorted(_name(path) for path in MODULES if path != home and found(path))


def _code_strings(path: Path) -> list[str]:
    """String constants in ``path``, docstrings left out (they may describe a rule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_atomic_write_module_writes_through_a_temporary_file():
    text = FILES_MODULE.read_text(encoding="utf-8")
    assert "mkstemp(" in text and "os.replace(" in text


@pytest.mark.parametrize("marker", ["os.replace(", "mkstemp(", "NamedTemporaryFile("])
def test_atomic_write_has_one_home(marker):
    assert _outside(FILES_MODULE, lambda path: marker in path.read_text(encoding="utf-8")) == [], (
        f"{marker!r} outside model/files.py: use write_atomic or swap_directory")


HTTPS_CHECK = re.compile(r"""startswith\(\(?\s*["']https?://""")
SCHEME_PATTERN = re.compile(r"\[a-zA-Z\]\[a-zA-Z0-9\+?\.\\?-")  # a regular expression for a URL's scheme
# Modules that read the scheme of an address that is not a link: an SMTP server's URL, a site's origin,
# the host a fetch was redirected to (for its message), whether an old path was written as a whole URL.
NOT_LINKS = {"sending/smtp.py", "service/security.py", "service/context.py", "migrate/fetch.py",
             "model/aliases.py"}


def test_web_url_check_has_one_home():
    assert _outside(URLS_MODULE, lambda path: HTTPS_CHECK.search(path.read_text(encoding="utf-8"))) == [], (
        "an https/http check outside model/urls.py: use urls.absolute, is_web_url or is_https")


def _reads_a_scheme(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if any(isinstance(node, ast.Attribute) and node.attr == "scheme"
           and not (isinstance(node.value, ast.Name) and node.value.id == "urls") for node in ast.walk(tree)):
        return True  # a split URL's .scheme (urls.scheme, the one parser, is the way)
    return any(SCHEME_PATTERN.search(text) for text in _code_strings(path))


def test_link_schemes_have_one_parser():
    assert _reads_a_scheme(URLS_MODULE)
    found = [name for name in _outside(URLS_MODULE, _reads_a_scheme) if name not in NOT_LINKS]
    assert found == [], ("a URL's scheme read outside model/urls.py: use urls.scheme, or urls.allows with the "
                         f"place's Context: {found}")


ADDRESS_RULES = re.compile(r"\burl_path\(|blog_dir\}/|\{slug\}/|/index\.html\b")


def test_address_rules_have_one_home():
    """Page and output addresses come from model/layout.py: no module builds one by hand."""
    homes = {LAYOUT_MODULE, PACKAGE / "model" / "aliases.py", PACKAGE / "newsletter" / "check.py"}
    found = sorted(_name(path) for path in MODULES if path not in homes
                   and any(ADDRESS_RULES.search(text) for text in _code_strings(path)))
    assert found == [], f"an address built outside model/layout.py: {found}"


PATH_CALLS = {"Path", "PurePosixPath", "PurePath", "joinpath", "join"}


def _is_posts(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == "posts"


def _names_posts(path: Path) -> bool:
    """Whether ``path`` spells the posts/ folder: in a path string, or "posts" joined into a path.

    A bare "posts" elsewhere (an export's table name, say) is not the folder.
    """
    if any("/posts" in text or "posts/" in text for text in _code_strings(path)):
        return True
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        joined = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
        if joined and any(map(_is_posts, (node.left, node.right))):
            return True
        if isinstance(node, ast.Call) and any(_is_posts(arg) for arg in node.args):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in PATH_CALLS:
                return True
    return False


def test_posts_path_rule_has_one_home():
    assert 'POSTS = "posts"' in LAYOUT_MODULE.read_text(encoding="utf-8")
    assert _outside(LAYOUT_MODULE, _names_posts) == [], (
        "the posts/ folder named outside model/layout.py: use Settings.posts_dir, layout.media or media_source")


def test_top_level_holds_packages_and_few_modules():
    loose = sorted(path.name for path in PACKAGE.glob("*.py") if path.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_MODULES, f"loose top-level modules: {loose}; move some into a package"


def test_modules_are_short():
    long = {_name(path): lines for path in MODULES
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"


def test_every_test_named_slow_exists():
    from conftest import SLOW_MODULES, SLOW_TESTS

    here = Path(__file__).resolve().parent
    missing = [name for name in SLOW_MODULES if not (here / f"{name}.py").is_file()]
    for entry in SLOW_TESTS:
        file, _, function = entry.partition("::")
        if f"def {function}(" not in (here / file).read_text(encoding="utf-8"):
            missing.append(entry)
    assert not missing, f"conftest.py names slow tests that do not exist: {missing}"
