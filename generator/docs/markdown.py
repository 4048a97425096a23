"""Markdown from the document to HTML, and code to highlighted HTML.

Descriptions are untrusted text: raw HTML in them is escaped, not passed through, and
links with a script scheme are dropped by markdown-it's own link check. Images become
links to the image, so that loading the page never fetches anything from another host.
Code is highlighted here, at build time, so the page needs no highlighting script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Pygments ships no type information.
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

# Token types mapped to the few classes the stylesheet colours; the longest matching
# prefix wins, and tokens without a class are printed as plain text.
_TOKEN_CLASSES = (
    ("Token.Comment", "c"),
    ("Token.Keyword.Constant", "m"),
    ("Token.Keyword", "k"),
    ("Token.Operator.Word", "k"),
    ("Token.Literal.String.Escape", "e"),
    ("Token.Literal.String", "s"),
    ("Token.Literal.Number", "m"),
    ("Token.Name.Builtin", "b"),
    ("Token.Name.Function", "f"),
    ("Token.Name.Class", "f"),
    ("Token.Name.Decorator", "f"),
    ("Token.Name.Tag", "a"),
    ("Token.Name.Attribute", "a"),
    ("Token.Name.Variable", "v"),
)
_LANGUAGE_ALIASES = {"sh": "bash", "shell": "bash", "curl": "bash", "py": "python"}


@dataclass(frozen=True)
class Section:
    """A part of a long description that starts with a heading."""

    title: str
    body: str
    # Moves the headings inside the body so that the section's own heading is an h2.
    heading_offset: int = 0


def render(text: str, *, heading_offset: int = 0) -> str:
    """Markdown to HTML; headings move `heading_offset` levels down (at most to h6)."""
    if not text.strip():
        return ""
    env: EnvType = {"heading_offset": heading_offset}
    return str(_parser().render(text, env))


def render_inline(text: str) -> str:
    """One line of Markdown (a summary, a table cell) without a wrapping paragraph."""
    return str(_parser().renderInline(" ".join(text.split())))


def first_sentence(text: str) -> str:
    """The first sentence of a text's first paragraph, for a table cell."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return match.group(1) if match else paragraph


def split_sections(text: str) -> tuple[str, list[Section]]:
    """The text before the first heading, and the sections at the top heading level.

    Headings inside code blocks are not headings; deeper headings stay in the body of
    the section they are in.
    """
    tokens = _parser().parse(text)
    headings = [
        (index, token)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.map
    ]
    if not headings:
        return text.strip(), []
    top = min(int(token.tag[1]) for _, token in headings)
    lines = text.splitlines()
    starts = [(i, t) for i, t in headings if int(t.tag[1]) == top]

    preamble_end = starts[0][1].map[0] if starts[0][1].map else 0
    sections = []
    for number, (index, token) in enumerate(starts):
        assert token.map is not None
        end = len(lines)
        if number + 1 < len(starts):
            following = starts[number + 1][1].map
            end = following[0] if following else end
        title = tokens[index + 1].content.strip()
        body = "\n".join(lines[token.map[1] : end]).strip()
        sections.append(Section(title, body, 2 - top))
    return "\n".join(lines[:preamble_end]).strip(), sections


def highlight(code: str, language: str) -> str:
    """`code` as HTML: escaped, with token spans for the languages Pygments knows."""
    name = _LANGUAGE_ALIASES.get(language.lower(), language.lower())
    try:
        lexer = get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return html.escape(code)

    pieces: list[str] = []
    current: str | None = None
    run: list[str] = []
    for token_type, value in lexer.get_tokens(code):
        css = _token_class(str(token_type))
        if css != current and run:
            pieces.append(_span(current, "".join(run)))
            run = []
        current = css
        run.append(value)
    if run:
        pieces.append(_span(current, "".join(run)))
    return "".join(pieces)


def _span(css: str | None, text: str) -> str:
    escaped = html.escape(text, quote=False)
    return f'<span class="{css}">{escaped}</span>' if css else escaped


@cache
def _token_class(token_type: str) -> str | None:
    best: tuple[int, str | None] = (0, None)
    for prefix, css in _TOKEN_CLASSES:
        matches = token_type == prefix or token_type.startswith(prefix + ".")
        if matches and len(prefix) > best[0]:
            best = (len(prefix), css)
    return best[1]


# ------------------------------------------------------------------- the parser


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable("table")
    parser.add_render_rule("fence", _fence)
    parser.add_render_rule("code_block", _fence)
    parser.add_render_rule("heading_open", _heading)
    parser.add_render_rule("heading_close", _heading)
    parser.add_render_rule("image", _image)
    parser.add_render_rule("table_open", _table_open)
    parser.add_render_rule("table_close", _table_close)
    return parser


def _fence(
    _renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    token = tokens[index]
    language = token.info.strip().split(" ")[0] if token.info else ""
    code = highlight(token.content.rstrip("\n"), language or "text")
    label = html.escape(language, quote=True)
    attribute = f' class="language-{label}"' if language else ""
    return f"<pre><code{attribute}>{code}</code></pre>\n"


def _heading(
    _renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    _options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[index]
    level = min(int(token.tag[1]) + int(env.get("heading_offset", 0)), 6)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _image(
    _renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    token = tokens[index]
    source = html.escape(str(token.attrGet("src") or ""), quote=True)
    text = html.escape(token.content or "image", quote=False)
    return f'<a href="{source}">{text}</a>'


def _table_open(
    _renderer: RendererHTML,
    _tokens: Sequence[Token],
    _index: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    return '<div class="scroll"><table>\n'


def _table_close(
    _renderer: RendererHTML,
    _tokens: Sequence[Token],
    _index: int,
    _options: OptionsDict,
    _env: EnvType,
) -> str:
    return "</table></div>\n"
