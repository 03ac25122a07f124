"""Students' notebooks rendered as HTML without running anything they wrote: formgrader and feedback pages.

nbconvert renders Markdown and HTML outputs as they are unless `HTMLExporter.sanitize_html` is set, and
nbgrader's formgrade template renders Markdown cells unsanitized even then. A submission's
`<script>`, `<img onerror=...>` or `<svg onload=...>` would run in the instructor's browser, on the
hub's own origin, when they open it in formgrader. The course's nbgrader_config.py sets
`sanitize_html` and replaces two of nbconvert's filters with these (HTMLExporter.filters), so every
page nbgrader renders (formgrader's submission view, generate_feedback) keeps only the tags and
attributes below: text, headings, lists, tables, code, links and images, never a script, a handler
or an embedded frame.
"""
import bleach
from bleach.css_sanitizer import CSSSanitizer
from jinja2 import pass_context
from nbconvert.filters import markdown2html as _markdown2html

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": ["class", "id", "title", "style"], "a": ["href", "rel"], "img": ["src", "alt", "width", "height"],
              "td": ["colspan", "rowspan", "align"], "th": ["colspan", "rowspan", "align"], "ol": ["start"]}
PROTOCOLS = {"http", "https", "mailto", "data"}  # data: for images pasted into Markdown (an <a> to data: is inert)


def clean_html(html):
    """html with every tag, attribute and URL scheme outside the lists above escaped or dropped."""
    html = html.decode() if isinstance(html, bytes) else str(html)
    return bleach.clean(html, tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS,
                        css_sanitizer=CSSSanitizer())


@pass_context
def markdown2html(context, source):
    """Markdown to HTML (math kept for MathJax), then cleaned."""
    return clean_html(_markdown2html(source))
