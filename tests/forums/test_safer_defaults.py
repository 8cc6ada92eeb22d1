"""Destructive pages lean toward keeping: the safe choice is the main button, and comes first."""

import re


def test_keep_it_is_the_main_button_on_the_remove_page(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    auth.login()
    page = client.get(f"/posts/{post_id}/delete").get_data(as_text=True)
    row = page[page.index('<div class="button-row">') + len('<div class="button-row">') :]
    controls = re.findall(r'class="(button[^"]*)"[^>]*>([^<]+)<', row)[:2]
    assert controls == [("button", "Keep it"), ("button button-secondary", "Remove my post")]
    assert f'href="/posts/{post_id}"' in row.split("Keep it")[0]
    assert client.get(f"/threads/{thread_id}").status_code == 200  # nothing removed by looking
