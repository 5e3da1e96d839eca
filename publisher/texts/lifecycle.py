"""Post statuses and transitions, as staff read them."""

STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "待审核",
    "approved": "已通过，排队中",
    "publishing": "发布中",
    "published": "已发布",
    "returned": "已退回",
    "failed": "发布失败",
    "deleted": "已删除",
    "discarded": "已放弃",
}

EVENT_NAMES = {
    "submit": "提交审核",
    "queue": "直接排队",
    "approve": "审核通过",
    "return": "退回",
    "withdraw": "撤回",
    "discard": "放弃草稿",
    "start_publishing": "开始发布",
    "defer": "推迟发布",
    "publish_succeeded": "发布成功",
    "publish_failed": "发布失败",
    "requeue": "重新排队",
    "delete": "删除",
}

ILLEGAL_TRANSITION = "稿件 {post_id} 当前状态为「{status}」，不能{event}。"
UNKNOWN_STATUS = "稿件 {post_id} 的状态「{status}」无法识别。"
