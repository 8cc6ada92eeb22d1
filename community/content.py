"""The one path from member text to safe HTML: Markdown (raw HTML off), then bleach.

Call render_markdown() once, when text is written, and store its result beside the
source; pages print the stored HTML and never run this again.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import bleach
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Control characters other than tab and newline break PostgreSQL (NUL) and confuse
# screen readers; they never carry meaning in a post.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_-]{3,30})\b")


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
                    children.append(_text_token(token.content[position:match.start()]))
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
    return (f'<a href="{escapeHtml(src)}" rel="{LINK_REL}">'
            f"Image: {escapeHtml(alt)}</a>")


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.enable(["linkify", "strikethrough"])
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("link_mentions", _link_mentions)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


_markdown = _build_markdown()


def normalise_text(text: str | None) -> str:
    """Member text as stored: unified newlines, no control characters, no trailing space."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def sanitise_html(html: str) -> str:
    """bleach with the one allow-list; idempotent, so clean(clean(x)) == clean(x)."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def render_markdown(source: str | None, mentions: Mapping[str, str] | None = None) -> str:
    """Member Markdown to safe HTML, ready to store beside the source.

    `mentions` maps lower-cased names to real usernames; only those @names become links.
    """
    text = normalise_text(source)
    if not text:
        return ""
    return sanitise_html(_markdown.render(text, {"mentions": dict(mentions or {})})).strip()
