"""Profiles and settings: what a member shares, and how the site looks for them."""

import pytest

pytestmark = pytest.mark.both_databases

SETTINGS = {
    "display_name": "Maria",
    "pronouns": "she/her",
    "relationship": "pain",
    "conditions": "CRPS, migraine",
    "bio": "Living with **CRPS** since 2019. <script>alert(1)</script>",
    "theme": "dark",
    "text_size": "largest",
}


def test_settings_save_and_show_on_the_profile(client, auth):
    auth.login()
    response = client.post_form("/settings", SETTINGS, follow_redirects=True)
    assert "Your settings are saved." in response.get_data(as_text=True)
    profile = client.get("/u/member").get_data(as_text=True)
    assert "Maria" in profile and "(she/her)" in profile
    assert "I live with pain" in profile
    assert "<li>CRPS</li>" in profile and "<li>migraine</li>" in profile
    assert "<strong>CRPS</strong>" in profile
    assert "<script>alert(1)</script>" not in profile
    assert "&lt;script&gt;" in profile


def test_theme_and_text_size_apply_on_every_page(client, auth):
    auth.login()
    client.post_form("/settings", SETTINGS)
    for path in ["/", "/crisis", "/guidelines", "/u/member", "/settings"]:
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="en" data-theme="dark" data-text-size="largest">' in page, path


def test_visitors_follow_their_device_theme(client):
    page = client.get("/").get_data(as_text=True)
    assert 'data-theme="system" data-text-size="normal"' in page


def test_bad_choices_are_refused_and_typed_text_kept(client, auth):
    auth.login()
    response = client.post_form("/settings", {**SETTINGS, "theme": "neon"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "Living with **CRPS** since 2019." in page


def test_profiles_need_an_account_and_unknown_ones_are_404(client, auth):
    assert client.get("/u/member").status_code == 302
    auth.login()
    assert client.get("/u/nobody-here").status_code == 404
    assert client.get("/u/MEMBER").status_code == 200


def test_settings_need_an_account(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
