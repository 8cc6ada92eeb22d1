"""The content path: Markdown in, safe HTML out, for every line of the public corpora."""

import re
import threading
from html.parser import HTMLParser

import pytest
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt

from community import content
from community.content import ALLOWED_TAGS, TooComplex, check_cost, render_markdown, sanitise_html
from tests.helpers import corpus_lines

CORPORA = ["blns.txt", "xss/payloadbox-xss-payload-list.txt", "xss/markdown-it-xss-fixtures.txt"]


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


@pytest.mark.parametrize("corpus", CORPORA)
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


# The quicker paths: each must answer exactly as the library it stands in for ---------------

LINK_LIKE = [
    "http://example.org",
    "see HTTPS://example.org/a.",
    "x///y",
    "a_http://example.org",
    "(//example.org)",
    "\uff5chttp://a.bc",
    "\u3000mailto:a@b.co",
    "MAILTO:x",
    "ftp:/",
    "localhost",
    "LOCALHOST:8080",
    "localho\u017ft",
    "\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54",
    "WWW.",
    "www",
    "1.2.3.4",
    "e.g. this and that.",
    "x.co, y.coop> z.xn--p1ai",
    "a.\u0440\u0444 b.\u0420\u0424",
    "the end.",
    "\u0130stanbul i\u0307",
    "a@b",
    "",
]


@pytest.mark.parametrize("corpus", CORPORA)
def test_linkify_finds_what_linkify_it_finds(corpus):
    quick, stock = content._markdown.linkify, LinkifyIt()
    assert quick._quick, "linkify-it builds its patterns differently now: the quick path is unused"
    lines = corpus_lines(*corpus.split("/"))
    for text in LINK_LIKE + lines + [" ".join(lines[i : i + 7]) for i in range(0, len(lines), 7)]:
        assert bool(quick.pretest(text)) == bool(stock.pretest(text)), text
        assert bool(quick.test(text)) == bool(stock.test(text)), text


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/pacing-guide",
        "http://a-b.example.org/x/y_z~.pdf",
        "https://example.org",
        "https://EXAMPLE.org/",
        "HTTPS://example.org/",
        "https://example.org/a%20b",
        "https://example.org/a b",
        "https://example.org/\u00e9",
        "https://example.org/?a=b#c",
        "http://example.org:8080/",
        "https://xn--e1afmkfd.xn--p1ai/",
        "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/",
        "https://" + "a" * 64 + ".org/",
        "https://" + ".".join(["a" * 63] * 5) + "/",
        "https://-a-.b/",
        "//example.org/x",
        "mailto:a@example.org",
    ],
)
def test_plain_addresses_normalise_as_markdown_it_normalises_them(url):
    stock = MarkdownIt()
    assert content._markdown.normalizeLink(url) == stock.normalizeLink(url)
    assert content._markdown.normalizeLinkText(url) == stock.normalizeLinkText(url)


def test_each_thread_sanitises_with_its_own_cleaner():
    lines = corpus_lines("xss", "payloadbox-xss-payload-list.txt")[:300]
    expected = [sanitise_html(line) for line in lines]
    cleaners, outputs = [], []

    def work():
        cleaners.append(content._cleaner())
        outputs.append([sanitise_html(line) for line in lines])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert content._cleaner() is content._cleaner()
    assert len({id(cleaner) for cleaner in [content._cleaner(), *cleaners]}) == 5
    assert outputs == [expected] * 4


def test_link_like_words_are_counted_to_the_limit():
    check_cost("x.co " * 300)
    check_cost("Fine. " * 1000)  # many full stops, no links: the cheap count lets it through
    for costly in ("x.co " * 301, "@" * 301, "a](b " * 301):
        with pytest.raises(TooComplex, match="at most 100 links"):
            check_cost(costly)
