"""The content path: Markdown in, safe HTML out, for every line of the public corpora."""

import re
from html.parser import HTMLParser

import pytest

from community.content import ALLOWED_TAGS, render_markdown, sanitise_html
from tests.helpers import corpus_lines


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def assert_inert(html: str, source: str):
    """Parse the output as a browser would and look for anything that could run."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived for {source!r}: {html!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name}= survived for {source!r}: {html!r}"
            if name in {"href", "src", "action", "formaction"}:
                # URL parsing as browsers do: strip C0 and space, drop tabs and newlines.
                url = re.sub(
                    r"[\t\n\r]",
                    "",
                    (value or "").strip(
                        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                        "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \t\n\r"
                    ),
                )
                scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
                assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}, (
                    f"{name}={value!r} survived for {source!r}"
                )
    assert "<script" not in html.lower()


def test_markdown_features_members_use():
    html = render_markdown("# Big\n\n**bold** and *soft*\n\n> a quote\n\n- one\n- two\n\n`code`\nnext line")
    assert "<h3>Big</h3>" in html  # h1 and h2 belong to the page
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html and "<code>code</code>" in html
    assert "<br>" in html  # a single Enter is a line break, as people expect


def test_links_are_marked_and_limited_to_safe_schemes():
    html = render_markdown(
        "[site](https://example.org) [mail](mailto:a@example.org) [bad](javascript:alert(1)) www.example.com"
    )
    assert '<a href="https://example.org" rel="nofollow ugc noopener">site</a>' in html
    assert 'href="mailto:a@example.org"' in html
    assert "javascript:" not in html.split("[bad]")[0] and 'href="javascript' not in html
    assert 'href="http://www.example.com"' in html  # bare links are linked


def test_raw_html_is_shown_as_text_and_images_become_links():
    html = render_markdown('<b onclick="x()">hi</b> ![a cat](https://example.org/cat.png)')
    assert "&lt;b onclick" in html
    assert "<img" not in html
    assert '<a href="https://example.org/cat.png" rel="nofollow ugc noopener">Image: a cat</a>' in html


def test_control_characters_are_removed():
    assert render_markdown("a\x00b\x07c") == "<p>abc</p>"
    assert render_markdown("   ") == ""


@pytest.mark.parametrize(
    "corpus", ["blns.txt", "xss/payloadbox-xss-payload-list.txt", "xss/markdown-it-xss-fixtures.txt"]
)
def test_corpus_lines_come_out_inert_and_stable(corpus):
    lines = corpus_lines(*corpus.split("/"))
    assert len(lines) > 50
    for line in lines:
        html = render_markdown(line)
        assert_inert(html, line)
        assert sanitise_html(html) == html, f"not idempotent for {line!r}"
        raw = sanitise_html(line)  # the allow-list alone, as if Markdown were bypassed
        assert_inert(raw, line)
        assert sanitise_html(raw) == raw, f"clean(clean(x)) != clean(x) for {line!r}"
