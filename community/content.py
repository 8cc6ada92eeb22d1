"""The one path from member text to safe HTML: Markdown (raw HTML off), then bleach.

Member text comes in through community.text.accept_text, which measures and checks it and
then calls this once, when the text is written; its result is stored beside the source,
and pages print the stored HTML and never run this again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from html import unescape

from bleach.sanitizer import Cleaner
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Control characters other than tab and newline break PostgreSQL (NUL) and confuse
# screen readers; they never carry meaning in a post.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_BLOCK_END = re.compile(r"<(?:br|hr|/p|/li|/h[3-6]|/blockquote|/pre)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_-]{3,30})\b")

# Bounds on the work one text may cost: markdown-it spends about 0.2 ms on each bare link
# it finds and bleach more on each tag, so a post of 4,000 one-word links took 1.8 s. Lines
# and link-like words are counted before parsing (cheap); links and nesting after it.
MAX_LINES = 500
MAX_LINKS = 100
MAX_NESTING = 12  # token levels: a list costs two (list and item), a quote one
_LINK_LIKE = re.compile(r"://|\]\(|\bwww\.|\w\.[A-Za-z]{2,}\b|@")


class TextRefused(ValueError):
    """Member text that cannot be taken as it is; the message tells the member what to change.

    It lives here, not beside the intake in community.text, so that TooComplex is one."""


class TooComplex(TextRefused):
    """Text that would cost too much to turn into a page; the message says what to change."""


def mentioned_names(text: str) -> set[str]:
    """Lower-cased @names in member text, for looking up who to link and notify."""
    return {name.lower() for name in MENTION.findall(text or "")}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        if name in {"href", "title"}:
            return True
        if name == "class":
            return value == "mention"
        return name == "rel" and value == LINK_REL
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


def _demote_headings(state) -> None:
    """A member's "# Heading" becomes h3: h1 and h2 belong to the page itself."""
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"


def _link_mentions(state) -> None:
    """@name becomes a link to that member's profile, outside links and code only."""
    mentions = state.env.get("mentions") if isinstance(state.env, dict) else None
    if not mentions:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            depth += token.type == "link_open"
            depth -= token.type == "link_close"
            if token.type != "text" or depth or "@" not in token.content:
                children.append(token)
                continue
            position = 0
            for match in MENTION.finditer(token.content):
                username = mentions.get(match.group(1).lower())
                if username is None:
                    continue
                if match.start() > position:
                    children.append(_text_token(token.content[position : match.start()]))
                state.env.setdefault("linked", {})[match.group(1).lower()] = username
                link = Token("link_open", "a", 1)
                link.attrs = {"href": f"/u/{username}", "class": "mention"}
                link.meta = {"mention": True}
                children += [link, _text_token(f"@{username}"), Token("link_close", "a", -1)]
                position = match.end()
            children.append(_text_token(token.content[position:]) if position else token)
        block.children = children


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _render_link_open(self, tokens, idx, options, env):
    if not tokens[idx].meta.get("mention"):
        tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env):
    """Images become links to the picture: no page loads anything from another host."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}" rel="{LINK_REL}">Image: {escapeHtml(alt)}</a>'


class _Linkify(LinkifyIt):
    """linkify-it giving the same answers sooner.

    markdown-it asks pretest of every paragraph, and test of every piece of text in those
    that pass, before looking for bare links. linkify-it's regexes try a boundary character
    from a class of some 700 ranges, then a schema (http:, //, mailto: ...), at every
    position: a third of a millisecond a post. Here the cheap branches go first, a schema
    is looked for only in text holding a ":" or "/" (each schema has one, and neither has
    another case), and the boundary only where a schema starts. If linkify-it ever builds
    its patterns differently, its own pretest is kept."""

    def _compile(self):
        super()._compile()
        pattern = self.re
        schemas = "|".join(re.escape(name) for name, rule in self._compiled.items() if name and rule)
        boundary = "(?!_)(?:[><\uff5c]|" + pattern["src_ZPCc"] + ")"
        host_ends = "(?:" + pattern["src_ZPCc"] + "|>|$)"
        host_test = "localhost|www\\.|\\.\\d{1,3}\\.|(?:\\.(?:%TLDS%)" + host_ends + ")"
        self._quick = (
            pattern["schema_test"] == f"(^|{boundary})({schemas})"
            and pattern["tpl_host_fuzzy_test"] == host_test
            and pattern["pretest"] == f"({pattern['schema_test']})|({pattern['host_fuzzy_test']})|@"
        )
        if self._quick:
            self._schema_start = re.compile(f"(?=(?:{schemas}))", re.IGNORECASE)
            self._boundary = re.compile(boundary, re.IGNORECASE)
            # host_fuzzy_test in two: its words (pretest looks for them in lower case) and
            # the rest, which all start with a dot, so the search can skip ahead.
            self._host_dot = re.compile(
                "\\.(?:\\d{1,3}\\.|(?:" + pattern["src_tlds"] + ")" + host_ends + ")", re.IGNORECASE
            )

    def pretest(self, text: str) -> bool:
        if not self._quick:
            return super().pretest(text)
        if "@" in text:
            return True
        if ":" in text or "/" in text:
            for start in self._schema_start.finditer(text):
                at = start.start()
                if at == 0 or self._boundary.match(text, at - 1):
                    return True
        # Only L and l lower to l, and so on for each letter here; to IGNORECASE, ſ is an s.
        lower = text.lower()
        if "localhost" in lower or "localho\u017ft" in lower or "www." in lower:
            return True
        return self._host_dot.search(text) is not None

    def test(self, text: str) -> bool:
        # Each way test can succeed (a schema, a fuzzy host, an "@") is a branch of pretest.
        return self.pretest(text) and super().test(text)


# An address of only these characters comes back from markdown-it's normalising (mdurl's
# parse, punycode, format and encode: some 20 µs a link and 12 for its text) exactly as it
# went in.
_PLAIN_URL = re.compile(r"https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*(?:/[A-Za-z0-9._~/-]*)?")


def _plain_url(url: str) -> bool:
    return len(url) <= 200 and "xn--" not in url and _PLAIN_URL.fullmatch(url) is not None


class _Markdown(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        return url if _plain_url(url) else super().normalizeLink(url)

    def normalizeLinkText(self, link: str) -> str:
        return link if _plain_url(link) else super().normalizeLinkText(link)


def _build_markdown() -> MarkdownIt:
    md = _Markdown("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.linkify = _Linkify()
    md.enable(["linkify", "strikethrough"])
    # With raw HTML off these two rules only ever say no, but they are asked on every line.
    md.disable(["html_block", "html_inline"])
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("link_mentions", _link_mentions)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


_markdown = _build_markdown()


def normalise_text(text: str | None) -> str:
    """Member text as stored: unified newlines, no control characters, no blank lines
    before it and no space after it. The first line keeps its indentation, which is
    Markdown (an indented code block, a list continuation)."""
    if not text:
        return ""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LEADING_BLANK_LINES.sub("", text).rstrip()


# bleach.clean builds a Cleaner (html5lib's parser, tree walker and serializer) on every
# call; one kept per thread is what bleach advises, since a Cleaner must not be shared
# between threads. In the chat processes gevent makes threading.local per greenlet (and a
# clean never waits on anything, so no other greenlet could step into one anyway).
_cleaners = threading.local()


def _cleaner() -> Cleaner:
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner


def sanitise_html(html: str) -> str:
    """bleach with the one allow-list; idempotent, so clean(clean(x)) == clean(x)."""
    return _cleaner().clean(html)


def plain_text(html: str) -> str:
    """What a reader sees of stored HTML, without tags or entities, as one line of words:
    for the search index and snippets. A block's end becomes a space so words stay apart."""
    return " ".join(unescape(_TAG.sub("", _BLOCK_END.sub(" ", html))).split())


def check_cost(text: str) -> None:
    """Refuse, before any parsing, text whose lines or link-like words are far too many."""
    if text.count("\n") >= MAX_LINES:
        raise TooComplex(f"Please use at most {MAX_LINES} lines. You could split it into two posts.")
    # Each link-like word holds one of these characters, so their count bounds the words'
    # and the regex runs only on text that could be refused.
    if sum(map(text.count, ":].@")) > 3 * MAX_LINKS and len(_LINK_LIKE.findall(text)) > 3 * MAX_LINKS:
        raise TooComplex(f"Please include at most {MAX_LINKS} links and @mentions.")


def _check_shape(tokens: list[Token]) -> None:
    links = sum(
        1 for block in tokens if block.children for token in block.children if token.type == "link_open"
    )
    if links > MAX_LINKS:
        raise TooComplex(f"Please include at most {MAX_LINKS} links and @mentions.")
    if any(token.level > MAX_NESTING for token in tokens):
        raise TooComplex("Please nest quotes and lists less deeply: at most five lists, one inside another.")


def render_markdown(source: str | None, mentions: Mapping[str, str] | None = None) -> str:
    """Member Markdown to safe HTML, ready to store beside the source.

    `mentions` maps lower-cased names to real usernames; only those @names become links.
    Raises TooComplex for text past the bounds above.
    """
    return render_with_mentions(source, mentions)[0]


def render_with_mentions(
    source: str | None, mentions: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """The HTML, and the mentions that became links: an @name in code or a link is no mention."""
    text = normalise_text(source)
    if not text:
        return "", {}
    check_cost(text)
    env = {"mentions": dict(mentions or {})}
    html = sanitise_html(_unsafe_html(text, env)).strip()
    return html, env.get("linked", {})


def _unsafe_html(text: str, env: dict) -> str:
    """markdown-it's HTML, before bleach. Its tokens are gone by the time bleach runs, and
    html5lib reuses their memory: a few per cent quicker than keeping them to the end."""
    tokens = _markdown.parse(text, env)
    _check_shape(tokens)
    return _markdown.renderer.render(tokens, _markdown.options, env)
