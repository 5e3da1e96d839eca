"""An address nothing serves, or a method it does not take, is answered in Chinese (plain
text), not with Werkzeug's English page; the console keeps its own page."""
from publisher.texts import console as texts


def test_an_unknown_address_is_answered_in_chinese(client):
    response = client.get("/nope/x")
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == texts.ADDRESS_NOT_FOUND.format(path="/nope/x")
    assert "Not Found" not in response.get_data(as_text=True)


def test_a_method_the_address_does_not_take_is_answered_in_chinese_with_allow(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.get_data(as_text=True).strip() == texts.METHOD_NOT_ALLOWED.format(method="DELETE", path="/healthz")
    assert "GET" in response.headers["Allow"]
