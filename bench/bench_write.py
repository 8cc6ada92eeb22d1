"""The write path: what one 2 KB post costs to take in, render and sanitise.

1,000 generated posts of about 2 KB of Markdown (paragraphs, lists, quotes, links, bare
addresses, @mentions, a heading, code) each go through community.text.accept_text(text,
POST_BODY): the measure and checks, markdown-it with our plugins, bleach on the one
allow-list, and the plain text for the search index. The reference is markdown-it with the
same options followed by nh3 (the Rust sanitiser ammonia) on the same allow-list: tags,
attributes and their allowed values, and URL schemes from community.content.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import time

from bench import Note, Options, Row, Target, mean, percentile
from bench.data import MEMBERS, markdown_post

TARGET_MS = 2.0
POST_BYTES = 2000


def _reference():
    """markdown-it as community.content configures it, and nh3 on content's allow-list."""
    import nh3
    from markdown_it import MarkdownIt

    from community.content import ALLOWED_PROTOCOLS, ALLOWED_TAGS, LINK_REL

    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.enable(["linkify", "strikethrough"])

    def attribute_filter(tag: str, name: str, value: str) -> str | None:
        return value if tag != "ol" or value.isdigit() else None

    def sanitise(html: str) -> str:
        return nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={"a": {"href", "title"}, "ol": {"start"}},
            tag_attribute_values={"a": {"rel": {LINK_REL}, "class": {"mention"}}},
            attribute_filter=attribute_filter,
            url_schemes=set(ALLOWED_PROTOCOLS),
            strip_comments=True,
            link_rel=None,
        )

    return md, sanitise


def _each_ms(function, items) -> list[float]:
    found = []
    for item in items:
        start = time.perf_counter()
        function(item)
        found.append((time.perf_counter() - start) * 1000)
    return found


def profile_lines(accept_text, posts, kind, mentions) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    for post in posts:
        accept_text(post, kind, mentions)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(30)
    text = out.getvalue()
    return text[text.index("ncalls") :].rstrip().splitlines() if "ncalls" in text else text.splitlines()


def run(options: Options):
    from community.content import _markdown, render_markdown, sanitise_html
    from community.text import POST_BODY, accept_text

    rng = random.Random(2)
    posts = [markdown_post(rng, POST_BYTES, MEMBERS) for _ in range(options.write_posts)]
    mentions = {name.lower(): name for name in MEMBERS}
    md, nh3_clean = _reference()

    for post in posts[:20]:  # warm-up: imports, regex caches, markdown-it's rule chains
        accept_text(post, POST_BODY, mentions)
        nh3_clean(md.render(post))

    ours = _each_ms(lambda post: accept_text(post, POST_BODY, mentions), posts)
    reference = _each_ms(lambda post: nh3_clean(md.render(post)), posts)
    ours_render = _each_ms(lambda post: render_markdown(post, mentions), posts)
    rendered = [md.render(post) for post in posts]
    markdown_only = _each_ms(md.render, posts)
    # Ours: the same options with our plugins, rules and quicker linkify, before bleach.
    ours_markdown = _each_ms(lambda post: _markdown.render(post, {"mentions": dict(mentions)}), posts)
    bleach_only = _each_ms(sanitise_html, rendered)
    nh3_only = _each_ms(nh3_clean, rendered)

    size = mean([len(post.encode()) for post in posts])
    yield Row(
        f"write: accept_text, {size / 1000:.1f} KB post vs md + nh3",
        mean(ours),
        "ms",
        mean(reference),
        Target(TARGET_MS, at_least=False, on="figure"),
    )
    yield Row("write: render_markdown (md + plugins + bleach)", mean(ours_render), "ms")
    yield Row("write: bleach alone vs nh3 alone", mean(bleach_only), "ms", mean(nh3_only))
    yield Row("write: markdown-it render alone", mean(markdown_only), "ms")
    yield Row("write: our markdown-it render alone (plugins)", mean(ours_markdown), "ms")
    if options.profile:
        yield Note(
            "cProfile of accept_text over the posts", profile_lines(accept_text, posts, POST_BODY, mentions)
        )
    yield Note(
        f"Write path: {len(posts):,} posts of {size:,.0f} bytes on average",
        [
            f"accept_text: mean {mean(ours):.2f} ms, p50 {percentile(ours, 0.5):.2f} ms, "
            f"p95 {percentile(ours, 0.95):.2f} ms",
            f"markdown-it + nh3: mean {mean(reference):.2f} ms, p95 {percentile(reference, 0.95):.2f} ms",
            f"content.render_markdown: mean {mean(ours_render):.2f} ms (accept_text adds the measure, "
            "the checks and the plain text for the index)",
            f"alone: markdown-it {mean(markdown_only):.2f} ms (ours, with the plugins, "
            f"{mean(ours_markdown):.2f} ms), bleach {mean(bleach_only):.2f} ms, nh3 {mean(nh3_only):.3f} ms",
        ],
    )
