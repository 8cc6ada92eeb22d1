"""The forum hot paths: a thread page of 20 posts, a group page, and a search.

Baseline: the bare stack — a static page (/guidelines) through the same Flask app, timed in
the same run. The ratio says how many times the stack's ceiling a forum page costs; a page
that re-rendered Markdown or rewrote the index on view would show here at once.
"""

from __future__ import annotations

from bench import bench_app, time_get


def run():
    from community.forums import services
    from community.forums.seed import seed_groups
    from tests.helpers import PASSWORD

    app = bench_app()
    with app.app_context():
        list(seed_groups())
        from community.accounts.services import create_user

        people = [create_user(f"bench{i}", f"bench{i}@example.org", PASSWORD) for i in range(4)]
        group = services.group_by_slug("crps")
        body = (
            "Some days the **burning** is a 7. > quoted\n\n- pacing\n- heat\n\n"
            "https://example.org/pacing and @bench1\n"
        ) * 6
        thread = services.create_thread(people[0], group, "A long thread about pacing", body)
        for i in range(40):
            post = services.create_reply(people[i % 4], thread, body)
            services.set_reaction(people[(i + 1) % 4], post, "support", on=True)
        for i in range(30):
            services.create_thread(people[i % 4], group, f"Another thread {i}", body)
        thread_id = thread.id
    client = app.test_client()
    client.post_form("/auth/login", {"login": "bench2", "password": PASSWORD})
    ceiling = time_get(client, "/guidelines")
    yield (
        "forums: thread page, 20 posts (vs bare page)",
        time_get(client, f"/threads/{thread_id}"),
        ceiling,
        "ms",
    )
    yield "forums: group page, 25 threads (vs bare page)", time_get(client, "/groups/crps/"), ceiling, "ms"
    yield (
        "forums: search 'burning pacing' (vs bare page)",
        time_get(client, "/search?q=burning+pacing"),
        ceiling,
        "ms",
    )
