"""Read the built page as a reader's tools would: its code blocks, ids and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True)
class CodeBlock:
    language: str
    source: str
    owner: str  # the id of the nearest element around the block that has one
    index: int  # its position among the blocks of its language

    @property
    def name(self) -> str:
        return f"{self.owner}-{self.language}-{self.index}"


@dataclass
class Page:
    blocks: list[CodeBlock] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every href
    sources: list[str] = field(default_factory=list)  # every src of a script or image

    def code(self, language: str) -> list[CodeBlock]:
        return [block for block in self.blocks if block.language == language]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str | None]] = []
        self.code: tuple[str, list[str]] | None = None
        self.counts: dict[tuple[str, str], int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.page.ids.append(str(values["id"]))
        if values.get("href") is not None:
            self.page.links.append(str(values["href"]))
        if tag in ("script", "img", "iframe", "source") and values.get("src"):
            self.page.sources.append(str(values["src"]))
        if tag == "code" and self.stack and self.stack[-1][0] == "pre":
            classes = (values.get("class") or "").split()
            language = next(
                (
                    c.removeprefix("language-")
                    for c in classes
                    if c.startswith("language-")
                ),
                "",
            )
            self.code = (language, [])
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self.stack.append((tag, values.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self.code is not None:
            language, parts = self.code
            owner = next((i for _, i in reversed(self.stack) if i), "page")
            number = self.counts.get((owner, language), 0)
            self.counts[(owner, language)] = number + 1
            self.page.blocks.append(CodeBlock(language, "".join(parts), owner, number))
            self.code = None
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.code is not None:
            self.code[1].append(data)


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
