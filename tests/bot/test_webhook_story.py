"""The whole chat story over HTTP, with XML exactly as WeChat sends it, in each message mode."""
import pytest
from sqlalchemy import select

from publisher.models import AuditEntry, InboundMessage, Post, PostImage
from tests.bot.conftest import COVER

EDITOR, REVIEWER = "oEditor000000000000000000001", "oReviewer00000000000000000001"


@pytest.mark.parametrize("live, mode", [("plain", "plain"), ("compatible", "compatible"), ("safe", "safe")],
                         indirect=["live"])
def test_invite_bind_draft_check_submit_preview_return_fix_approve(live, mode):
    say = lambda who, text: live.say(who, text, mode=mode)  # noqa: E731

    assert "绑定成功" in say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    assert "绑定成功" in say(REVIEWER, f"绑定 {live.invite('李书记', 'reviewer')}")

    opened = say(EDITOR, "投稿 #乡村振兴 合作社分红大会召开")
    assert "已开始稿件" in opened and "乡村振兴" in opened
    post_id = int(opened.split("稿件 ")[1].split("「")[0])
    assert "第 1 段" in say(EDITOR, "3月1日，我镇召开合作社分红大会，向牧户发放分红。")
    assert "封面" in live.send_image(EDITOR, COVER.read_bytes(), mode=mode)
    assert "第 3 段" in say(EDITOR, "联系人：王干事，电话 13812345678。")
    assert "第 4 段（图片）" in live.send_image(EDITOR, COVER.read_bytes(), mode=mode)
    assert "第 5 段" in say(EDITOR, "会议强调，要继续做好精准扶贫工作。<b>]]></b>")

    # images are fetched from WeChat in the background
    def images_saved():
        with live.runtime.session_factory() as s:
            return all(i.data for i in s.scalars(select(PostImage).where(PostImage.post_id == post_id)))
    live.wait_for(images_saved)

    done = say(EDITOR, "完成")
    assert "2 张图片" in done and "手机号" in done and "精准扶贫" in done
    refused = say(EDITOR, f"提交 {post_id}")
    assert "不能提交" in refused and "138****5678" in refused

    assert "重新打开" in say(EDITOR, f"修改 {post_id}")
    assert "已改好" in say(EDITOR, "改段 3 联系人：王干事，电话 0975-1234567。")
    say(EDITOR, "完成")
    submitted = say(EDITOR, f"提交 {post_id} 明天上午9点")
    assert "已提交审核" in submitted and "北京时间" in submitted and "精准扶贫" in submitted
    live.wait_for(lambda: any("等待您审核" in t for t in live.texts_to(REVIEWER)))

    assert "预览" in say(REVIEWER, f"预览 {post_id}")
    live.wait_for(lambda: live.state()["previews"].get(REVIEWER))

    assert "不能" in say(EDITOR, f"通过 {post_id}")  # an editor is told why not
    assert "已退回" in say(REVIEWER, f"退回 {post_id} 第五段提法过时")
    live.wait_for(lambda: any("第五段提法过时" in t for t in live.texts_to(EDITOR)))

    say(EDITOR, f"修改 {post_id}")
    say(EDITOR, "改段 5 会议强调，要巩固拓展脱贫攻坚成果。")
    say(EDITOR, "完成")
    assert "已提交审核" in say(EDITOR, f"提交 {post_id} 明天上午9点")
    approved = say(REVIEWER, f"通过 {post_id}")
    assert "审核通过" in approved and "北京时间" in approved
    live.wait_for(lambda: any("审核通过" in t for t in live.texts_to(EDITOR)))

    view = say(EDITOR, f"查看 {post_id}")
    assert "已通过，排队中" in view and "退回" in view and "第五段提法过时" in view

    with live.runtime.session_factory() as s:
        post = s.get(Post, post_id)
        assert post.status == "approved" and post.approved_at and post.scheduled_at
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.post_id == post_id)))
        assert {"post.submit", "post.return", "post.approve", "review.approve", "draft.image"} <= set(actions)
        commands = s.scalars(select(AuditEntry).where(AuditEntry.action == "chat.command")).all()
        assert commands and all(c.inbound_message_id for c in commands)
        assert s.scalar(select(InboundMessage).where(InboundMessage.from_openid == EDITOR)) is not None
