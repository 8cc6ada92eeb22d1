"""The content path on write: Markdown + bleach for a 2 KB post.

Baseline: plain markdown-it (CommonMark) + bleach.clean on the same post, timed in the same
run (DEVELOPERS.md measured it at about 1.7 ms on a quiet machine). Our path adds heading
demotion, link rel and linkify inside markdown-it; a ratio near 1 means no second
bleach.linkify pass (which doubles the cost) crept in.
"""

from __future__ import annotations

import time

import bleach
from markdown_it import MarkdownIt

from community.content import ALLOWED_TAGS, render_markdown

POST = (
    "Some days the **burning** in my foot is a 7, some days a 9. I keep notes in my diary.\n\n"
    "> What helped you with sleep?\n\n- warm bath\n- pacing\n- https://example.org/pacing-guide\n\n"
) * 12


def _per_call_ms(function, rounds: int = 200) -> float:
    for _ in range(20):
        function()
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - start) / rounds * 1000


def run():
    assert 1800 <= len(POST.encode()) <= 2300
    plain = MarkdownIt("commonmark")
    reference = _per_call_ms(lambda: bleach.clean(plain.render(POST), tags=ALLOWED_TAGS))
    ours = _per_call_ms(lambda: render_markdown(POST))
    yield "content: render 2 KB post (vs md + bleach here)", ours, reference, "ms"
