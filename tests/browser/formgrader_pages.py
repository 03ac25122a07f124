"""Reading nbgrader's formgrader pages in Chromium (the server: tests/formgrader_server.py)."""
import re

import pytest

from jlab import screenshot_if_failed

PAGE_TIMEOUT = 30_000   # ms: any one page element or navigation
SCORE = re.compile(r"^\s*([\d.]+)\s*/\s*([\d.]+)\s*$")


def parse_score(text):
    """'1.5 / 2' -> (1.5, 2.0); anything else fails with the text seen."""
    m = SCORE.match(text)
    assert m, f"not a score: {text!r}"
    return float(m.group(1)), float(m.group(2))


@pytest.fixture
def fg_page(browser, artifacts, request):
    """A fresh context and page on the session's Chromium; a failure leaves a screenshot FAILED-<test>.png."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT)
    context.set_default_navigation_timeout(PAGE_TIMEOUT)
    # Only the local server: formgrader's notebook view loads MathJax from a CDN, which must not decide the test.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    try:
        yield page
    finally:
        name = request.node.name.removeprefix("test_")
        screenshot_if_failed(request, page, artifacts / f"FAILED-{name}.png", full_page=True)
        context.close()


def script_errors(page):
    """JavaScript errors the page raised, but MathJax's absence (its CDN is blocked above)."""
    return [e for e in page.errors if e != "MathJax is not defined"]


def table(page, key_cls, value_cls, keys):
    """{text of td.key_cls: text of td.value_cls} in the page's table, once every one of `keys` is listed.

    The tables are filled by JavaScript after the page loads ("Loading, please wait..." until then).
    """
    page.wait_for_function(
        """([cls, keys]) => { const seen = Array.from(document.querySelectorAll('#main-table td.' + cls))
                                             .map(td => td.innerText.trim());
                              return keys.every(k => seen.includes(k)); }""",
        arg=[key_cls, list(keys)], timeout=PAGE_TIMEOUT)
    rows = page.locator("#main-table tr")
    return {r.locator(f"td.{key_cls}").inner_text().strip(): r.locator(f"td.{value_cls}").inner_text().strip()
            for r in rows.all()}


def row(page, key_cls, key):
    """The table row whose td.key_cls (a selector after "td.") reads exactly `key`."""
    return page.locator("#main-table tr").filter(
        has=page.locator(f"td.{key_cls}", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))
