"""Extracted text is untrusted: escapes shared by the report formats."""

from __future__ import annotations

import unicodedata

# Cc: C0, DEL and C1 controls (ESC, CSI, NEL...); Zl, Zp: line and paragraph separators.
# Other format characters (Cf) stay: ZWNJ and ZWJ are part of Persian text and emoji.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# backslash-escaped: emphasis, code, links, HTML, tables, strike-through, issue refs, autolinks
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]<>|~#:")
_MARKDOWN_REPLACED = {"&": "&amp;", "@": "@&#8203;"}  # no entities, no @mentions


def escape_controls(value: str) -> str:
    """*value* with control characters and line breaks written as escapes (\\n, \\x1b)."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in _ESCAPED_CATEGORIES
        else ch
        for ch in value
    )


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
