"""The article's own words (its footer) and the chat replies about its author line (改作者)."""

# The 三级审查 footer: 「撰稿：张三　审核：李四　审签：王书记」. A role without a name yet
# (before the review) shows FOOTER_PENDING, so the preview shows where each name goes.
FOOTER_WROTE = "撰稿：{names}"
FOOTER_REVIEWED = "审核：{names}"
FOOTER_SIGNED = "审签：{names}"
FOOTER_SEPARATOR = "\u3000"  # the ideographic space the county's examples use
FOOTER_NAMES_SEPARATOR = "、"
FOOTER_PENDING = "（待审）"

BYLINE_SET = "稿件 {post_id} 的作者已改为「{byline}」，发布时文章作者显示为它。"
BYLINE_RESET = "稿件 {post_id} 的作者已恢复为本号默认「{byline}」。"
BYLINE_RESET_EMPTY = "稿件 {post_id} 的作者已恢复为本号默认（不写作者，微信只显示公众号名称）。"
BYLINE_TOO_LONG = ("作者「{byline}」长 {length}（汉字算 2、字母数字算 1），微信限 {limit}，"
                   "即最多 {chinese} 个汉字。没有修改。")
BYLINE_LOCKED = "稿件 {post_id} 当前状态为「{status}」，不能再改作者（发送「修改 {post_id}」重新打开后再改）。"
BYLINE_ACTION = "改作者"  # the {action} of chat.NOT_YOUR_POST
BYLINE_DEFAULT_WORD = "默认"  # 「改作者 3 默认」 goes back to the account's author line
BYLINE_USAGE = "改作者 <号> <作者>（或「默认」）"
VIEW_BYLINE = "文章作者（微信上显示）：{byline}"
VIEW_BYLINE_NONE = "文章作者（微信上显示）：不写（只显示公众号名称）"
VIEW_FOOTER = "文末：{footer}"
