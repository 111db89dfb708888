"""The repository stands on its own: no citation of sections of a document it does not contain, no issue numbers,
no links out of the checkout, and no benchmark figures in the source's comments (docs/architecture.md#fast-paths
explains the fast paths; bench/README.md holds the numbers). Every pointer at a docs heading names one that exists.

Python files are read as prose only (comments and string literals), so code such as fixture accounts named ``A1``
is never taken for a citation."""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("src", "tests", "bench", "scripts", "examples", "docs", "README.md", "CONTRIBUTING.md", "CHANGELOG.md")
SKIPPED_PARTS = {".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                 ".hypothesis", "build", "dist"}  # fmt: skip
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".js", ".mjs", ".ts",
                 ".html", ".j2", ".css", ".sh", ".sql", ".rst", ".tf"}  # fmt: skip
SELF = "tests/test_self_contained.py"

_N = r"(?:[1-9]|1[0-9])"  # a section number of the lettered parts: A1 … A19
CITATION = [
    # A10.4, A3.2 — not a percent-escape (%A1), hex (0xA1), a version (v1.A2.3) or a dotted error code (X.A1.2)
    re.compile(rf"(?<![%\w.])A{_N}\.\d{{1,2}}(?![\w.])"),
    # (A7), (A3, …), (…, A6), (A9: …), (A9 / A10.1), (A4 order: …)
    re.compile(rf"\((?:[^()\n]*[,;] )?A{_N}(?=[,;:)]|\s/|\sorder\b|\s``)"),
    re.compile(rf"\bA{_N}'s (?:order|target)\b|\border A{_N} fixes\b|\bA{_N}-A{_N}\b|\bof A{_N}/"),
    # a docstring or comment that opens with the label: "A9 access rules", "# A6: configurable"
    re.compile(rf"(?:^|\"\"\"|#\s)\s*A{_N}(?:\.\d{{1,2}})?(?::\s|\s/\s|\s(?=[a-z]))"),
    re.compile(r"§\s?\d|\bB §"),  # B §2.c, §1.9
    re.compile(r"(?<![%\w.])C\d{1,2}\.\d{1,2}(?![\w.%])"),  # C11.1
    re.compile(r"\bapi[- ]contract\b|\bcontract (?:Part [A-C]|§|[A-C]\d)"),
    re.compile(r"\bthe (?:API )?contract(?:'s)?\b(?! tests?\b)"),
    re.compile(r"\b[Ii]ssues? #?\d+\b|\b(?:PR|[Pp]ull request|[Ff]ixes|[Cc]loses|[Ss]ee) #\d+\b|\(#\d+\)"),
    re.compile(r"\.\./shared\b|/work/shared\b"),
]
BENCH_FIGURE = [
    re.compile(r"\d\s?µs|\bµs (?:per|a|of)\b"),
    re.compile(r"\d\s?(?:req/s|requests/s|rps\b)"),
    re.compile(r"\d\s?ms (?:per|a) (?:call|request|row|send)\b|\bms per (?:call|request)\b"),
    re.compile(r"(?<![-\d])\d[\d,.]*\s?%?\s?(?:→|->)\s?~?\d[\d,.]*(?!-\d)"),  # before → after, not date → date
    re.compile(r"[+-]\d+(?:[.,]\d+)?\s?%"),  # +70 %
    re.compile(r"\d\s?% of (?:a|an|the) [\w' -]*(?:time|throughput|server)"),  # 4 % of a signed read's server time
    re.compile(r"\bp9\d\b[^.;]{0,30}\d\s?ms\b"),  # p99 58-500 ms
    re.compile(r"\bpy-spy\b|\bprofile_(?:dispatch|server)\.py\b|\(bench/\)|\bbench/\)"),
    re.compile(r"\b(?:measured|run|ran) (?:on )?20\d\d-\d\d-\d\d\b"),  # a dated run
]
POINTER = re.compile(
    r"(bench/README\.md|CONTRIBUTING\.md|README\.md|CHANGELOG\.md|(?:docs/)?(?:behaviour|architecture|security|clients"
    r"|api-reference|lifecycle)\.md)#([a-z0-9-]+)((?:,\s#[a-z0-9-]+)*)"
)


def skipped(parts: tuple[str, ...]) -> bool:
    """Tool caches, installed packages and build output (``openrd.egg-info``) are not the repository's text."""
    return bool(SKIPPED_PARTS.intersection(parts)) or any(part.endswith(".egg-info") for part in parts)


def text_files() -> list[Path]:
    found: list[Path] = []
    for top in SCANNED:
        path = ROOT / top
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in TEXT_SUFFIXES and not skipped(p.relative_to(ROOT).parts)
            ]
    return sorted(p for p in found if p.relative_to(ROOT).as_posix() != SELF)


def prose(text: str, *, python: bool) -> str:
    """The text with, for Python, everything but comments and string literals blanked (lines keep their numbers)."""
    if not python:
        return text
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    kinds = {tokenize.COMMENT, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    kept = [c if c == "\n" else " " for c in text]
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in kinds:
            start, end = starts[tok.start[0] - 1] + tok.start[1], starts[tok.end[0] - 1] + tok.end[1]
            kept[start:end] = text[start:end]
    return "".join(kept)


def offences(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, str]]:
    return [
        (n, match.group(0))
        for n, line in enumerate(text.splitlines(), 1)
        for pattern in patterns
        if (match := pattern.search(line))
    ]


@cache
def read(path: Path) -> str:
    return prose(path.read_text("utf-8"), python=path.suffix == ".py")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", unicodedata.normalize("NFKC", heading.strip()).lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(page: str) -> frozenset[str]:
    seen: dict[str, int] = {}
    fenced = False
    for line in (ROOT / page).read_text("utf-8").splitlines():
        fenced ^= line.startswith("```")
        heading = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            anchor = slug(heading.group(1))
            seen[anchor] = seen.get(anchor, -1) + 1
            if seen[anchor]:
                seen[f"{anchor}-{seen[anchor]}"] = 0
    return frozenset(seen)


def page_of(name: str) -> str:
    """The page a pointer names: ``behaviour.md`` alone is a link between pages of docs/."""
    return name if "/" in name or name in {"README.md", "CONTRIBUTING.md", "CHANGELOG.md"} else f"docs/{name}"


def test_the_scan_sees_the_repository() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in text_files()}
    assert {"src/openrd/errors/__init__.py", "docs/behaviour.md", "README.md", "bench/README.md"} <= names
    assert not any("node_modules" in name for name in names)


@pytest.mark.parametrize(
    "line",
    [
        "Messages are the documented ones (api-contract B §2.c / §2.e).",
        "# ---- parameters (A3, A10.2)",
        '"""The SMS inbox and dead-letter controls (A9): what was sent."""',
        "the management account included, A10.3), in join order",
        '"""A9 access rules: the admin token when configured."""',
        "MAX_CODE_TTL_SECONDS = 600  # A6: configurable",
        "GetCallerIdentity (A1-A4, A10.9).",
        "in A7's order (every earlier check passes)",
        "the checks still fail in A2's order.",
        "Authentication of a request in the order A2 fixes: AccessKey → timestamp",
        "the rule of C11.1 applies",
        "Crash safety (issue 6, item 2) in CI",
        "Goals of issue 7, from this run",
        "as discussed in #7 (see #12)",
        "the README links to ../shared/docs",
        "see contract Part B for the wire format",
        "Every action also answers the gateway errors of the contract (signature, …",
    ],
)
def test_a_citation_is_recognised(line: str) -> None:
    assert offences(line, CITATION), line


@pytest.mark.parametrize(
    "line",
    [
        'assert percent_encode("%:é") == "%25%3A%C3%A9"',
        '"Format=JSON&AccessKeyId=%ED%A0%80&Extra=%C0%AF%C3%28"',
        "the fixtures A1 and A2 in a list, the accounts A1, A2",
        'parametrize("prefix", ["ab", "A1"]); display names "A0", "A1", "A2"',
        "0xA1 0xC3 deadbeefA10 sha256 a1b2c3d4",
        "version 2.6.2, alibabacloud-tea-openapi 0.3.12, Python 3.11, 2020-03-31, v1.A2",
        "+86 138 0013 8000, +852 6123 4567, 13800138000",
        "EntityNotExists.ResourceDirectory, Invalid.VerificationCode, NotSupport.Site.Action, Throttling.User",
        "the layer contract (lint-imports); the second contract forbids it; the Node.js SDK contract tests",
        "&#13; and #16a34a, color: #000;",
        "docs/behaviour.md#send-limits, issued codes, an issue of the key",
    ],
)
def test_legitimate_text_is_not_taken_for_a_citation(line: str) -> None:
    assert not offences(line, CITATION), offences(line, CITATION)


def test_python_is_read_as_prose_only() -> None:
    source = 'for account in (A1, A2, A3):\n    add(replace(A1, name="A1"))  # checked in A7\'s order\n'
    assert offences(prose(source, python=True), CITATION) == [(2, "A7's order")]


def test_no_file_cites_a_contract_section_an_issue_or_a_path_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{n}: {hit!r}"
        for path in text_files()
        for n, hit in offences(read(path), CITATION)
    ]
    assert not found, "point at docs/ (e.g. docs/behaviour.md#send-limits) instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "a few µs per call on the hot path",
        "(+70 % req/s on signed GetAccount, bench/)",
        "ListAccounts 2,472/2,991 -> 1,814/2,670",
        "raised SendVerificationCode from ~530 → ~810",
        "~0.2 ms per call on top of what SQLite needs",
        "4 % of a signed read's server time, py-spy",
        "worker answered slower than one alone, p99 58-500 ms",
        "(bench/profile_dispatch.py)",
        "SendVerificationCode -10-25 %",
    ],
)
def test_a_benchmark_figure_is_recognised(line: str) -> None:
    assert offences(line, BENCH_FIGURE), line


@pytest.mark.parametrize(
    "line",
    [
        "IntegrityError → 409; AccessKey → timestamp → nonce",
        "sleeps 1, 2, 5, 10 … up to 100 ms between tries; the linger is 50 ms",
        "limit = 256 - 256 % size; at most 1 per 60 s; 2020-03-31 → 2022-04-19 models",
        "see bench/README.md and docs/architecture.md#the-log-thread",
    ],
)
def test_a_design_constant_is_not_taken_for_a_benchmark_figure(line: str) -> None:
    assert not offences(line, BENCH_FIGURE), offences(line, BENCH_FIGURE)


def test_no_comment_or_docstring_in_src_carries_a_benchmark_figure() -> None:
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{n}: {hit!r}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for n, hit in offences(read(path), BENCH_FIGURE)
    ]
    assert not found, "keep the why, point at docs/architecture.md#fast-paths or bench/README.md:\n" + "\n".join(found)


def test_every_pointer_at_a_docs_heading_names_one_that_exists() -> None:
    broken = []
    for path in text_files():
        for n, line in enumerate(read(path).splitlines(), 1):
            for match in POINTER.finditer(line):
                page = page_of(match.group(1))
                for anchor in [match.group(2), *re.findall(r"#([a-z0-9-]+)", match.group(3))]:
                    if anchor not in anchors(page):
                        broken.append(f"{path.relative_to(ROOT).as_posix()}:{n}: {page}#{anchor}")
    assert not broken, "no such heading:\n" + "\n".join(broken)
