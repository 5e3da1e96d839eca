from publisher.core.content import Block, digest_of, render_article


def test_staff_text_never_becomes_markup():
    html = render_article([Block("text", "<script>alert(1)</script> ]]> & <b>粗</b>")], lambda i: None)
    assert "<script" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_pictures_use_their_uploaded_url_and_unsafe_urls_are_dropped():
    html = render_article([Block("image", image_id=1), Block("image", image_id=2)],
                          {1: "https://mmbiz.qpic.cn/a.jpg", 2: "javascript:alert(1)"}.get)
    assert 'src="https://mmbiz.qpic.cn/a.jpg"' in html and "javascript" not in html


def test_digest_is_the_start_of_the_first_paragraph():
    assert digest_of([Block("image", image_id=1), Block("text", "短文")]) == "短文"
    assert len(digest_of([Block("text", "长" * 100)])) == 54
