"""Extracted text is untrusted: escapes shared by the report formats."""

from __future__ import annotations

import re

# Cc: C0, DEL and C1 controls (ESC, CSI, NEL...); Zl, Zp: line and paragraph separators.
# Other format characters (Cf) stay: ZWNJ and ZWJ are part of Persian text and emoji.
ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# Every character of those categories (Unicode keeps Cc fixed; tests/test_formats_edges.py
# checks the class against unicodedata over every code point).
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# backslash-escaped: emphasis, code, links, HTML, tables, strike-through, issue refs, autolinks
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]<>|~#:")
_MARKDOWN_REPLACED = {"&": "&amp;", "@": "@&#8203;"}  # no entities, no @mentions


def escape_controls(value: str) -> str:
    """*value* with control characters and line breaks written as escapes (\\n, \\x1b)."""
    return _ESCAPED.sub(_escape, value)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def escape_markdown(value: str) -> str:
    """Text that renders as itself in GitHub Markdown, table cells included: controls
    escaped, and no emphasis, link, HTML, @mention or issue reference can come from it."""
    return "".join(
        "\\" + ch if ch in _MARKDOWN_PUNCTUATION else _MARKDOWN_REPLACED.get(ch, ch)
        for ch in escape_controls(value)
    )


def github_data(value: str) -> str:
    """A workflow command's message: % CR LF escaped as GitHub's runner decodes them."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: str) -> str:
    """A workflow command's property value: github_data plus ':' and ','."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")
