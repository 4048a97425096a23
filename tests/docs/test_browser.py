"""The built page in a real browser: Debian's Chromium, driven by Playwright.

The site is served from a loopback HTTP server. Every request the page makes is
recorded (and any to another host refused), so that "the page loads nothing from
elsewhere" is a measurement, not a reading of the HTML. Screenshots for review are
written to site/screenshots/.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    Route,
    ViewportSize,
    sync_playwright,
)

from generator.docs import SiteResult
from tests.docs.conftest import ROOT, SITE

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIOLATIONS = "resultTypes: ['violations']"  # axe reports fewer details on what passed
SCREENSHOTS = SITE / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# The JavaScript renderers ship 2-5 MB of script alone; the whole page stays far below.
PAGE_BUDGET = 1_000_000


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The tests report what matters; the server's log would only be noise."""


@pytest.fixture(scope="module")
def base_url(site: SiteResult) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`apt-get install -y chromium` (make setup does)."
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class Recorder:
    """Every request of a browser context; requests to other hosts are refused."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.refused: list[str] = []

    def __call__(self, route: Route, request: Request) -> None:
        self.urls.append(request.url)
        host = urlsplit(request.url).hostname
        if request.url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            self.refused.append(request.url)
            route.abort()


@pytest.fixture
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Recorder]]:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    recorder = Recorder()
    context.route("**/*", recorder)
    yield context, recorder
    context.close()


def _open(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url, wait_until="networkidle")
    return page, problems


def _background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_the_page_loads_nothing_from_another_host(
    context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    browser_context, recorder = context
    page, problems = _open(browser_context, base_url)
    sizes = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.decodedBodySize)"
        ".concat([performance.getEntriesByType('navigation')[0].decodedBodySize])"
    )

    assert recorder.refused == []
    assert {urlsplit(u).hostname for u in recorder.urls} == {"127.0.0.1"}
    assert problems == [], "the console reported errors (a blocked resource, a bug)"
    assert sum(sizes) < PAGE_BUDGET, f"the page weighs {sum(sizes)} bytes"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop-light.png"))


def test_search_finds_an_operation_and_goes_to_it(
    context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    page, _ = _open(context[0], base_url)
    page.fill("#search", "publish page")

    results = page.locator("#search-results a")
    assert results.first.get_attribute("href") == "#publishPage"
    assert page.locator(
        "#search-status"
    ).text_content() == f"{results.count()} results" or (results.count() == 1)
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#publishPage'")
    assert _in_view(page, "publishPage")
    assert page.locator("#search-results").is_hidden()


def test_search_says_when_nothing_matches(
    context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    page, _ = _open(context[0], base_url)
    page.fill("#search", "no such thing anywhere")
    assert page.locator("#search-results").text_content() == "Nothing found"
    assert page.locator("#search-status").text_content() == "0 results"


def test_a_deep_link_lands_on_its_operation(
    context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    page, _ = _open(context[0], base_url + "#createElement")
    assert _in_view(page, "createElement")


def test_the_theme_follows_the_system_and_the_toggle(
    browser: Browser, context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    page, _ = _open(context[0], base_url)
    light = _background(page)
    toggle = page.locator("button.theme")
    assert toggle.get_attribute("aria-pressed") == "false"

    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    dark = _background(page)
    assert dark != light
    page.reload(wait_until="networkidle")
    assert _background(page) == dark, "the choice is kept across visits"
    page.screenshot(path=str(SCREENSHOTS / "desktop-dark.png"))

    system_dark = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    try:
        page, _ = _open(system_dark, base_url)
        assert _background(page) == dark
        assert page.locator("button.theme").get_attribute("aria-pressed") == "true"
    finally:
        system_dark.close()


def test_copy_buttons_copy_the_sample(
    context: tuple[BrowserContext, Recorder], base_url: str
) -> None:
    context[0].grant_permissions(["clipboard-read", "clipboard-write"])
    page, _ = _open(context[0], base_url + "#createProject")
    sample = page.locator("#createProject figure.code").first
    sample.locator("button.copy").click()

    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == sample.locator("pre").text_content()
    assert sample.locator("button.copy").text_content() == "Copied"


def test_the_page_reads_on_a_phone(browser: Browser, base_url: str) -> None:
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page, _ = _open(phone, base_url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a phone"
        page.screenshot(path=str(SCREENSHOTS / "phone.png"))

        menu = page.locator("button.menu")
        assert page.locator("#toc").is_hidden()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        page.locator("#toc a[href='#listPages']").click()
        assert page.locator("#toc").is_hidden()
        assert _in_view(page, "listPages")
    finally:
        phone.close()


def test_axe_finds_no_serious_violations_in_either_theme(
    browser: Browser, base_url: str
) -> None:
    # axe is injected as a script of its own, which the page's policy would refuse.
    checked = browser.new_context(
        viewport=DESKTOP, color_scheme="light", bypass_csp=True
    )
    try:
        page, _ = _open(checked, base_url)
        page.add_script_tag(path=str(AXE))
        light = page.evaluate(f"axe.run(document, {{{VIOLATIONS}}})")
        # Only colours differ between the themes: the dark one needs only its contrast.
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        dark = page.evaluate(
            f"axe.run(document, {{{VIOLATIONS}, runOnly: ['color-contrast']}})"
        )
    finally:
        checked.close()

    assert _serious(light) == []
    assert _serious(dark) == []


def _serious(results: dict[str, Any]) -> list[str]:
    """axe's serious and critical violations, each with the first places it found."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _in_view(page: Page, element_id: str) -> bool:
    top = page.evaluate(
        "id => document.getElementById(id).getBoundingClientRect().top", element_id
    )
    return 0 <= float(top) < 200
