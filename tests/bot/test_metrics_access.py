"""/metrics is for a scraper on the server itself, never for the internet."""
import pytest


def test_metrics_answer_a_scraper_on_loopback(client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 200 and b"govpost_posts" in response.data


@pytest.mark.parametrize("remote", ["10.0.0.5", "203.0.113.9", "192.168.1.20"])
def test_metrics_are_not_served_to_another_address(client, remote):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": remote}).status_code == 404


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded"])
def test_metrics_are_not_served_through_a_proxy_in_front(client, header):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={header: "203.0.113.9"})
    assert response.status_code == 404
