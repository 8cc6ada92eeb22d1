"""Pages anyone can read: home, crisis lines, guidelines, errors, /healthz."""

import pytest


def test_home_tells_a_visitor_what_this_is_and_how_to_join(client):
    page = client.get("/").get_data(as_text=True)
    assert "peer-support community for people living with intractable pain" in page
    assert 'href="/auth/register"' in page


@pytest.mark.parametrize("path", ["/", "/guidelines", "/auth/login", "/no-such-page"])
def test_every_page_links_to_crisis_help_and_guidelines(client, path):
    page = client.get(path).get_data(as_text=True)
    assert '<a class="crisis-link" href="/crisis">Need help now?</a>' in page
    assert 'href="/guidelines"' in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page


def test_crisis_page_lists_lines_by_country_without_an_account(client):
    response = client.get("/crisis")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for expected in [
        "988",
        "116 123",
        "Samaritans",
        "9-8-8",
        "13 11 14",
        "Lifeline",
        "call your local emergency number",
    ]:
        assert expected in page


def test_guidelines_say_peer_support_not_medical_advice(client):
    page = client.get("/guidelines").get_data(as_text=True)
    assert "peer support, not medical advice" in page


def test_header_links_only_pages_that_exist(app, client):
    page = client.get("/").get_data(as_text=True)
    for label, endpoint in [
        ("Groups", "forums.groups"),
        ("Chat", "chat.rooms"),
        ("Resources", "resources.index"),
        ("Diary", "diary.index"),
    ]:
        assert (f">{label}</a>" in page) == (endpoint in app.view_functions), label


def test_404_is_a_page_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "find that page" in response.get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_gone():
    from tests.conftest import make_app

    broken = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}
