from publisher.core.content import Block, ReviewFooter, digest_of, render_article


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


# The 三级审查 footer


def test_the_footer_names_the_writer_the_reviewers_below_the_last_level_and_the_signer():
    footer = ReviewFooter.of("张三", ["李四", "王书记"], 2, settled=True)
    assert footer.text() == "撰稿：张三\u3000审核：李四\u3000审签：王书记"
    assert footer.missing == ()


def test_with_three_levels_the_first_two_approvers_are_the_reviewers():
    footer = ReviewFooter.of("张三", ["李四", "赵主任", "王书记"], 3, settled=True)
    assert footer.text() == "撰稿：张三\u3000审核：李四、赵主任\u3000审签：王书记"


def test_with_one_level_the_approver_signs_and_the_footer_lacks_a_reviewer():
    footer = ReviewFooter.of("张三", ["王书记"], 1, settled=True)
    assert footer.text() == "撰稿：张三\u3000审签：王书记"
    assert footer.missing == ("reviewed",)


def test_in_review_the_footer_shows_where_the_names_still_to_come_go():
    assert ReviewFooter.of("张三", ["李四"], 2, settled=False).text() == "撰稿：张三\u3000审核：李四\u3000审签：（待审）"


def test_once_settled_a_role_nobody_took_is_left_out_rather_than_shown_pending():
    assert ReviewFooter.of("张三", [], 2, settled=True).text() == "撰稿：张三"


def test_the_footer_is_the_last_paragraph_of_the_article_and_is_escaped():
    html = render_article([Block("text", "正文。")], lambda i: None, ReviewFooter.of("<张三>", ["李四", "王书记"], 2,
                                                                                    settled=True))
    assert html.endswith("撰稿：&lt;张三&gt;\u3000审核：李四\u3000审签：王书记</p>")
    assert html.index("正文。") < html.index("撰稿")


def test_a_footer_survives_its_round_trip_through_the_posts_record():
    footer = ReviewFooter.of("张三", ["李四", "王书记"], 2, settled=True)
    assert ReviewFooter.from_dict(footer.as_dict()) == footer
