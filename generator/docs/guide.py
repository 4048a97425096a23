"""The guide: the document's own introduction, joined with what the client does.

The document's description is split at its top headings. A section whose heading
names a topic the generator knows (authentication, environments, the envelope,
errors, pagination, rate limits, idempotency) gets the client's side of that topic
after the document's text: a table, code samples. A known topic the description does
not cover gets a section of its own, placed after the topic that precedes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..model import Operation, Resource
from . import markdown
from .context import Context
from .reference import Anchors, Reference, code
from .samples import format_python, imports
from .view import Environment, ErrorRow, GuideSection, PageNote

Found = tuple[Resource, Operation]


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    headings: frozenset[str]  # headings of the document that name this topic


def _topic(key: str, title: str, *headings: str) -> Topic:
    return Topic(key, title, frozenset(headings))


TOPICS = (
    _topic("authentication", "Authentication", "authentication", "authorization",
           "auth", "api keys"),
    _topic("environments", "Environments", "environments", "servers", "base url",
           "base urls"),
    _topic("envelope", "Responses", "responses", "envelope", "response envelope",
           "response format"),
    _topic("errors", "Errors", "errors", "error handling", "error codes"),
    _topic("pagination", "Pagination", "pagination", "paging"),
    _topic("rate_limits", "Rate limits", "rate limits", "rate limiting", "throttling"),
    _topic("idempotency", "Idempotency", "idempotency", "idempotency keys",
           "idempotent requests"),
)  # fmt: skip


@dataclass(frozen=True)
class _Part:
    topic: str  # "" for the document's own subjects
    title: str
    text: str  # Markdown from the document
    heading_offset: int


class Guide:
    """Builds the guide sections of one document."""

    def __init__(self, context: Context, reference: Reference, anchors: Anchors):
        self.context = context
        self.reference = reference
        self.anchors = anchors
        self.facts = context.facts

    def sections(self) -> tuple[GuideSection, ...]:
        """The introduction, then the document's sections and the client's topics."""
        preamble, parts = markdown.split_sections(self.context.package.description)
        offset = parts[0].heading_offset if parts else 0
        placed = [
            _Part(_topic_of(part.title), part.title, part.body, part.heading_offset)
            for part in parts
        ]
        keys = [t.key for t in TOPICS]
        for position, topic in enumerate(TOPICS):
            if any(p.topic == topic.key for p in placed) or not self._applies(
                topic.key
            ):
                continue
            earlier = set(keys[:position])
            after = [i + 1 for i, p in enumerate(placed) if p.topic in earlier]
            placed.insert(max(after, default=0), _Part(topic.key, topic.title, "", 0))

        sections = []
        if preamble:
            prose = markdown.render(preamble, heading_offset=offset)
            sections.append(
                GuideSection(
                    self.anchors.claim("introduction"), "Introduction", "", prose
                )
            )
        for part in placed:
            section = GuideSection(
                anchor=self.anchors.claim(_slug(part.title)),
                title=part.title,
                topic=part.topic if self._applies(part.topic) else "",
                prose=markdown.render(part.text, heading_offset=part.heading_offset),
            )
            sections.append(self._complete(section))
        return tuple(sections)

    # ------------------------------------------------------------------ topics

    def _applies(self, topic: str) -> bool:
        """Whether the client has something to say about a topic."""
        package = self.context.package
        tests: dict[str, Callable[[], bool]] = {
            "authentication": lambda: package.conventions.auth is not None,
            "environments": lambda: bool(package.environments),
            "envelope": lambda: self._first(_enveloped) is not None,
            "errors": lambda: self._first(lambda op: bool(op.errors)) is not None,
            "pagination": lambda: self._first(_paginated) is not None,
            "rate_limits": lambda: self._first(_rate_limited) is not None,
            "idempotency": lambda: self._first(lambda op: op.idempotency_key)
            is not None,
        }
        return topic in tests and tests[topic]()

    def _complete(self, section: GuideSection) -> GuideSection:
        builders: dict[str, Callable[[GuideSection], GuideSection]] = {
            "authentication": self._authentication,
            "environments": self._environments,
            "envelope": self._envelope,
            "errors": self._errors,
            "pagination": self._pagination,
            "rate_limits": self._rate_limits,
            "idempotency": self._idempotency,
        }
        build = builders.get(section.topic)
        return build(section) if build else section

    def _authentication(self, section: GuideSection) -> GuideSection:
        client = self.facts.client
        python = format_python(
            "\n".join([
                *imports(self.context.package, modules=["os"], names=[client]), "",
                f'client = {client}(api_key=os.environ["{self.facts.api_key_env}"])',
            ]) + "\n"
        )  # fmt: skip
        samples = [code("python", "Python", python)]
        found = self._first(
            lambda op: op.http_method == "GET" and not op.path_parameters
        )
        if found is not None:
            samples.append(code("bash", "curl", self.context.samples.curl(found[1])))
        return replace(section, samples=tuple(samples))

    def _environments(self, section: GuideSection) -> GuideSection:
        environments = tuple(
            Environment(e.name, e.url, markdown.render_inline(e.description))
            for e in self.context.package.environments
        )
        client = self.facts.client
        python = format_python(
            "\n".join([
                *imports(self.context.package, names=[client]), "",
                f'client = {client}(environment="{environments[-1].name}")',
            ]) + "\n"
        )  # fmt: skip
        sample = code("python", "Python", python)
        return replace(section, environments=environments, samples=(sample,))

    def _envelope(self, section: GuideSection) -> GuideSection:
        """The raw response of a call that returns one object."""
        found = self._first(_retrieves) or self._first(_enveloped)
        assert found is not None  # the topic applies only when one exists
        resource, operation = found
        call = self.context.planner.call(resource, operation)
        raw = f"client.{resource.name}.with_raw_response.{operation.name}"
        lines = [
            f"response = {call.expression.replace(call.target, raw, 1)}",
            "print(response.status_code, response.request_id)",
        ]
        if call.result and not call.paginated:
            lines += [
                f"{call.result} = response.parse()",
                f"print({call.result}.model_meta)",
            ]
        python = self.context.samples.python(call, body=lines)
        return replace(section, samples=(code("python", "Python", python),))

    def _errors(self, section: GuideSection) -> GuideSection:
        """Every error status of the API, and a sample that catches a 404."""
        rows: dict[str, ErrorRow] = {}
        for _, operation in self.context.operations():
            for row in self.reference.errors(operation):
                known = rows.get(row.status)
                codes = (*known.codes, *row.codes) if known else row.codes
                rows[row.status] = replace(
                    known or row, codes=tuple(dict.fromkeys(codes))
                )
        ordered = tuple(sorted(rows.values(), key=lambda r: _status_key(r.status)))

        found = self._first(lambda op: bool(op.path_parameters) and _raises(op, "404"))
        if found is None:
            return replace(section, errors=ordered)
        resource, operation = found
        call = self.context.planner.call(resource, operation, literal_ids=True)
        python = self.context.samples.guarded(
            call,
            _exception(operation, "404"),
            "print(error.status_code, error.code, error.request_id)",
        )
        return replace(
            section, errors=ordered, samples=(code("python", "Python", python),)
        )

    def _pagination(self, section: GuideSection) -> GuideSection:
        """Walking a list in the client, and the same loop over HTTP."""
        found = self._first(lambda op: _paginated(op) and not op.path_parameters)
        found = found or self._first(_paginated)
        assert found is not None
        resource, operation = found
        page = self.reference.page_note(operation)
        call = self.context.planner.call(
            resource, operation, taken={"first_page", "page"}
        )
        item = call.result or "item"
        attribute = (call.show or f"{item}.id").partition(".")[2] or "id"
        total = ", first_page.total" if page and page.total else ""
        lines = [
            f"for {item} in {call.expression}:",
            f"    print({call.show})",
            "",
            f"first_page = {call.expression}",
            f"print(len(first_page.data), first_page.has_more{total})",
            "for page in first_page.iter_pages():",
            f"    print([{item}.{attribute} for {item} in page.data])",
        ]
        samples = [
            code("python", "Python", self.context.samples.python(call, body=lines))
        ]
        if page is not None:
            http = self._http_loop(operation, page)
            samples.append(code("python", "Python, over HTTP", http))
            samples.append(code("bash", "curl", self._next_page(operation, page)))
        return replace(section, samples=tuple(samples), page=page)

    def _rate_limits(self, section: GuideSection) -> GuideSection:
        found = self._first(_rate_limited)
        assert found is not None
        resource, operation = found
        call = self.context.planner.call(resource, operation)
        python = self.context.samples.guarded(
            call,
            _exception(operation, "429"),
            "print(error.retry_after)",
            client_arguments="max_retries=5",
        )
        return replace(section, samples=(code("python", "Python", python),))

    def _idempotency(self, section: GuideSection) -> GuideSection:
        """A create call with a key of one's own, in Python and with curl."""
        kinds = self.context.examples.kinds
        found = self._first(
            lambda op: op.idempotency_key and any(k.create == op for k in kinds)
        ) or self._first(lambda op: op.idempotency_key)
        header = self.facts.idempotency_header
        assert found is not None and header is not None
        resource, operation = found
        spec = self.context.examples.parameter(operation, header, "header")
        key = self.context.examples.parameter_example(spec)
        key = key if isinstance(key, str) else "a-unique-key"

        call = self.context.planner.call(resource, operation)
        keyed = replace(call, arguments=(*call.arguments, f'idempotency_key="{key}"'))
        curl = self.context.samples.curl(operation, headers=[f"{header}: {key}"])
        samples = (
            code("python", "Python", self.context.samples.python(keyed)),
            code("bash", "curl", curl),
        )
        return replace(section, samples=samples)

    # ----------------------------------------------------------------- helpers

    def _http_loop(self, operation: Operation, page: PageNote) -> str:
        """The cursor loop over plain HTTP, with httpx."""
        environments = self.context.package.environments
        base = environments[0].url if environments else ""
        key = f"os.environ['{self.facts.api_key_env}']"
        headers = (
            f'headers = {{"Authorization": f"Bearer {{{key}}}"}}'
            if self.facts.auth == "bearer"
            else "headers: dict[str, str] = {}"
        )
        url = f'f"{{base_url}}{self.context.samples.literal_path(operation)}"'
        items, has_more, cursor = (
            _subscripts(p) for p in (page.items, page.has_more, page.next_cursor)
        )
        lines = [
            "import os", "", "import httpx", "",
            f'base_url = os.environ.get("{self.facts.base_url_env}", "{base}")',
            headers,
            "params: dict[str, str] = {}",
            "while True:",
            f"    response = httpx.get({url}, params=params, headers=headers)",
            "    response.raise_for_status()",
            "    body = response.json()",
            f"    for item in body{items}:",
            "        print(item)",
            f"    if not body{has_more}:",
            "        break",
            f'    params["{page.cursor_param}"] = body{cursor}',
        ]  # fmt: skip
        return format_python("\n".join(lines) + "\n")

    def _next_page(self, operation: Operation, page: PageNote) -> str:
        """The curl command for a page after the first."""
        spec = self.context.examples.parameter(operation, page.cursor_param, "query")
        cursor = self.context.examples.parameter_example(spec)
        samples = self.context.samples
        path = samples.literal_path(operation)
        url = samples.url(path, {page.cursor_param: str(cursor)})
        headers = "".join(f' \\\n  -H "{h}"' for h in samples.auth_headers())
        return f'curl "{url}"{headers}\n'

    def _first(self, test: Callable[[Operation], bool]) -> Found | None:
        return next(((r, op) for r, op in self.context.operations() if test(op)), None)


def _enveloped(operation: Operation) -> bool:
    return operation.response.envelope is not None


def _paginated(operation: Operation) -> bool:
    return operation.response.pagination is not None


def _retrieves(operation: Operation) -> bool:
    return (
        operation.http_method == "GET"
        and _enveloped(operation)
        and not _paginated(operation)
        and bool(operation.path_parameters)
    )


def _raises(operation: Operation, status: str) -> bool:
    return any(error.status == status for error in operation.errors)


def _rate_limited(operation: Operation) -> bool:
    return _raises(operation, "429")


def _exception(operation: Operation, status: str) -> str:
    return next(e.exception for e in operation.errors if e.status == status)


def _topic_of(title: str) -> str:
    words = _words(title)
    return next((topic.key for topic in TOPICS if words in topic.headings), "")


def _words(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def _slug(title: str) -> str:
    return "-".join(_words(title).split()) or "section"


def _subscripts(dotted: str) -> str:
    return "".join(f'["{token}"]' for token in dotted.split(".") if token)


def _status_key(status: str) -> tuple[int, str]:
    return (int(status), "") if status.isdigit() else (999, status)
