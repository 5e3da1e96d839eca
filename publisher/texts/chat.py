"""The chat with staff: commands, the draft dialogue, checks, review and times."""

# Times
TIME_EXAMPLES = "例如：明天上午9点、周五下午3点、3月1日9点、2024-03-01 09:00、今晚8点、后天、下周一、9:30、九点半"
TIME_EMPTY = "请写上时间。" + TIME_EXAMPLES
TIME_UNPARSEABLE = "看不懂时间「{text}」。" + TIME_EXAMPLES
TIME_IN_PAST = "{when} 已经过去了，请给一个将来的时间。" + TIME_EXAMPLES
# A time in full, the way every reply echoes it: 2024年3月1日（星期五）09:00（北京时间）.
BEIJING_TIME = "{year}年{month}月{day}日（星期{weekday}）{time}（北京时间）"
WEEKDAY_NAMES = "一二三四五六日"  # Monday first, as datetime.weekday()

# The dispatcher
UNKNOWN_COMMAND = "没有「{word}」这个命令。发送「帮助」查看您可以使用的命令。"
NOT_ALLOWED = "「{word}」需要{needed}权限，您的角色是{role}，不能使用。"
ROLE_NEEDED = {"staff": "工作人员", "editor": "编辑", "reviewer": "审核人", "admin": "管理员"}
NOT_STAFF = "您还不是本账号的工作人员。如果您收到了绑定码，请发送「绑定 绑定码」。"
INTERNAL_ERROR = "处理时出了问题，已记录。请稍后再试，或联系管理员。"
NOTHING_TO_DO = "收到。发送「帮助」查看可用命令，或发送「投稿 标题」开始写稿。"
IMAGE_WITHOUT_DRAFT = "收到图片，但您没有打开的稿件。请先发送「投稿 标题」，再发图片。"
IMAGE_NOT_IN_DRAFT = "这张图片没有加入稿件：您现在没有打开的稿件。要放进稿件 {post_id}「{title}」，请先发送「修改 {post_id}」，再重发图片。"
TEXT_NOT_IN_DRAFT = (
    "「{word}」不是命令，这条文字也没有加入稿件：您现在没有打开的稿件。"
    "要写进稿件 {post_id}「{title}」，请先发送「修改 {post_id}」，再重发这段文字；发送「帮助」查看命令。"
)
UNSUPPORTED_IN_DRAFT = "稿件里只能放文字和图片，这条消息没有加入稿件 {post_id}。"
USAGE = "用法：{usage}"
POST_ID_NEEDED = "请写上稿件号，例如「{word} 12」。"
NO_SUCH_POST = "没有找到稿件 {post_id}。发送「草稿」查看您的稿件。"

# 帮助
HELP_HEADER = "您（{name}，{role}）可以使用的命令："
HELP_ANONYMOUS = "您可以使用的命令："
HELP_FOOTER = "写稿：发送「投稿 标题」，再逐条发送文字和图片，最后发送「完成」。"

# 绑定
BIND_USAGE = "绑定 <绑定码>"
BIND_TOO_MANY = "绑定码输错次数过多（{hours} 小时内 {limit} 次），请 {hours} 小时后再试，或向管理员核对绑定码。"

# The draft dialogue
DRAFT_TITLE_NEEDED = "请写上标题，例如「投稿 #乡村振兴 合作社分红大会召开」。"
DRAFT_ALREADY_OPEN = "您正在写稿件 {post_id}「{title}」。请先发送「完成」保存，或「取消」放弃，再开始新稿。"
DRAFT_OPENED = (
    "已开始稿件 {post_id}「{title}」{topic}。\n"
    "现在逐条发送正文文字（每条一段）和图片（第一张图作封面），发完后发送「完成」；放弃请发送「取消」。"
)
DRAFT_TOPIC_SUFFIX = "，话题：{topic}"
DRAFT_NO_TOPIC_SUFFIX = "（未设话题，可用「话题 {post_id} 话题名」设置）"
NO_OPEN_DRAFT = "您现在没有打开的稿件。发送「投稿 标题」开始，或「修改 稿件号」继续修改。"
PARAGRAPH_ADDED = "第 {count} 段已加入稿件 {post_id}。"
IMAGE_ADDED = "第 {count} 张图片已加入稿件 {post_id}{cover}，正在保存。"
IMAGE_IS_COVER = "（封面）"
DRAFT_DONE = "稿件 {post_id}「{title}」已保存：{paragraphs} 段文字，{images} 张图片。"
DRAFT_NEXT_STEPS = "发送「预览 {post_id}」在手机上预览，「提交 {post_id}」送审。"
DRAFT_DISCARDED = "稿件 {post_id}「{title}」已放弃。"
DRAFT_IDLE_CLOSED = "稿件 {post_id}「{title}」已 {minutes} 分钟没有新内容，已自动保存并关闭。发送「修改 {post_id}」可继续。"
DRAFT_REOPENED = "稿件 {post_id}「{title}」已重新打开：接着发送的文字和图片会加在后面；「改段 段号 新文字」改一段，「删段 段号」删一段；改完发送「完成」。"
DRAFT_NOT_EDITABLE = "稿件 {post_id} 当前状态为「{status}」，不能修改。"
NOT_YOUR_POST = "稿件 {post_id} 不是您写的，您不能{action}。"
BLOCK_NUMBER_INVALID = "没有第 {number} 段。发送「查看 {post_id}」可以看到各段的编号。"
BLOCK_REPLACED = "稿件 {post_id} 第 {number} 段已改好。"
BLOCK_DELETED = "稿件 {post_id} 第 {number} 段已删除。"
BLOCK_NOT_TEXT = "第 {number} 段是图片，不能改文字；可以「删段 {number}」后重发图片。"
MY_DRAFTS_EMPTY = "您没有未提交的稿件。发送「投稿 标题」开始写稿。"
MY_DRAFTS_HEADER = "您的稿件："
MY_DRAFTS_LINE = "{post_id}「{title}」{status}{open}"
MY_DRAFTS_OPEN = "（正在编辑）"

# 话题
TOPIC_UNKNOWN = "没有「{topic}」这个话题。可用的话题：{topics}"
TOPIC_SET = "稿件 {post_id} 的话题已设为「{topic}」。"
TOPIC_LOCKED = "稿件 {post_id} 当前状态为「{status}」，不能再改话题。"
TOPICS_HEADER = "话题："
TOPICS_EMPTY = "还没有设置话题，请联系管理员。"

# 查看
VIEW_TITLE = "稿件 {post_id}「{title}」"
VIEW_AUTHOR = "作者：{author}"
VIEW_TOPIC = "话题：{topic}"
VIEW_NO_TOPIC = "未设"
VIEW_STATUS = "状态：{status}"
VIEW_TIME = "希望发布时间：{when}"
VIEW_PUBLISHED = "发布时间：{when}"
VIEW_URL = "链接：{url}"
VIEW_APPROVALS = "审核：{count}/{levels} 人已通过（{names}）"
VIEW_BODY = "正文："
VIEW_TEXT_BLOCK = "{number}. {text}"
VIEW_IMAGE_BLOCK = "{number}. [图片{cover}{pending}]"
VIEW_IMAGE_PENDING = "，保存中"
VIEW_FINDINGS = "检查："
VIEW_NO_FINDINGS = "检查：未发现问题。"
VIEW_HISTORY = "经过："
VIEW_HISTORY_LINE = "{when} {who} {what}{detail}"
SYSTEM_NAME = "系统"
HISTORY_ACTIONS = {
    "draft.open": "开始写稿",
    "draft.close": "保存稿件",
    "draft.idle_close": "超时自动保存",
    "draft.reopen": "重新打开修改",
    "draft.paragraph": "加入一段文字",
    "draft.image": "加入一张图片",
    "draft.replace_block": "改写一段",
    "draft.delete_block": "删除一段",
    "post.topic": "设置话题",
    "post.byline": "修改文章作者",
    "post.schedule": "设置发布时间",
    "review.approve": "审核通过",
    "preview.request": "请求预览",
    "preview.sent": "预览已发到手机",
    "review.submit_blocked": "提交未通过检查",
    "ledger.add": "记入公开台账",
    "ledger.correct": "更正台账记录",
    "ledger.flag_deleted": "台账标记为已删除",
}

# Checks (SPEC §5)
FINDING_BLOCK = "✗"
FINDING_WARN = "!"
FINDINGS_BLOCKING = "有 {count} 个问题必须先改好才能提交："
FINDINGS_NONE = "检查通过，未发现问题。"
FINDINGS_WARNINGS = "提醒（不影响提交）："
CHECK_TITLE_EMPTY = "标题不能为空。"
CHECK_TITLE_TOO_LONG = "标题长 {length}（汉字算 2、字母数字算 1），微信限 {limit}，即最多 {chinese} 个汉字。"
CHECK_AUTHOR_TOO_LONG = "作者名长 {length}（汉字算 2、字母数字算 1），微信限 {limit}，即最多 {chinese} 个汉字。"
CHECK_DIGEST_TOO_LONG = "摘要长 {length}（汉字算 2、字母数字算 1），微信限 {limit}，即最多 {chinese} 个汉字。"
CHECK_BODY_EMPTY = "正文是空的，请至少发送一段文字。"
CHECK_CONTENT_TOO_LONG = "正文排版后 {length} 个字符，微信限 {limit} 以内，请删减。"
CHECK_CONTENT_TOO_BIG = "正文排版后 {size} 字节，微信限 1 MB 以内，请删减。"
CHECK_NO_COVER = "没有封面图：请发一张图片，或让管理员在 config/covers/ 放默认封面。"
CHECK_DEFAULT_COVER = "未发送图片，使用话题「{topic}」的默认封面。"
NO_TOPIC_COVER = "默认"  # the {topic} above for a post without a topic
CHECK_IMAGE_PENDING = "第 {number} 张图片还在保存中，请稍候再提交。"
CHECK_IMAGE_FAILED = "第 {number} 张图片没能从微信取回，请删掉重发。"
CHECK_SENSITIVE = "第 {paragraph} 段有敏感词「{word}」{fix}。"
CHECK_SENSITIVE_TITLE = "标题有敏感词「{word}」{fix}。"
CHECK_FIX = "，建议改为「{fix}」"
CHECK_FIX_REMOVE = "，建议删除或改写"
CHECK_ID_CARD = "第 {paragraph} 段有身份证号（{masked}），个人信息不能公开，请删除。"
CHECK_MOBILE = "第 {paragraph} 段有手机号（{masked}），个人信息不能公开，请删除或改用办公电话。"
CHECK_OUTDATED = "第 {paragraph} 段「{term}」是过时提法，建议改为「{fix}」。"
CHECK_OUTDATED_TITLE = "标题「{term}」是过时提法，建议改为「{fix}」。"
CHECK_NO_TOPIC = "还没有设话题：年度报告按话题统计，请用「话题 {post_id} 话题名」设置。"

# 提交, review
SUBMIT_BLOCKED = "稿件 {post_id} 不能提交。"
SUBMIT_ACTION = "提交"  # the {action} of NOT_YOUR_POST
REOPEN_ACTION = "修改"
SET_TOPIC_ACTION = "改话题"
SUBMITTED = "稿件 {post_id}「{title}」已提交审核{when}。"
SUBMIT_REVIEWERS_TOLD = "已通知审核人：{names}。"
NAME_SEPARATOR = "、"
SUBMIT_WHEN = "，希望发布时间：{when}"
QUEUED_DIRECTLY = "稿件 {post_id}「{title}」已进入发布队列{when}（本账号不需审核）。"
SUBMIT_NO_REVIEWER = "注意：现在还没有可以审核这篇稿件的审核人，请联系管理员。"
REVIEW_WAITING = "稿件 {post_id}「{title}」（{author}）等待您审核。发送「预览 {post_id}」在手机上看，「通过 {post_id}」或「退回 {post_id} 原因」。"
REVIEW_WAITING_FINDINGS = "\n检查提醒：\n{findings}"
REVIEW_NOT_SUBMITTED = "稿件 {post_id} 当前状态为「{status}」，不在待审核中。"
REVIEW_NOT_REVIEWER = "只有审核人才能审核稿件 {post_id}，您的角色是{role}。"
REVIEW_SELF = "稿件 {post_id} 是您自己写的，按规定不能自己审核，请由其他审核人审核。"
REVIEW_ALREADY = "您已经通过了稿件 {post_id}，需要另一位审核人再通过（共需 {levels} 人）。"
APPROVED_PARTIAL = "您已通过稿件 {post_id}（第 {level}/{levels} 级），还需要 {remaining} 位审核人通过。"
APPROVED_FINAL = "稿件 {post_id}「{title}」审核通过，已进入发布队列{when}。"
APPROVED_WHEN = "，将于 {when} 发布"
APPROVED_NEXT_SLOT = "，将在下一个发布时段发出"
AUTHOR_APPROVED = "您的稿件 {post_id}「{title}」已由{reviewer}审核通过，进入发布队列{when}。"
AUTHOR_APPROVED_PARTIAL = "您的稿件 {post_id}「{title}」已由{reviewer}通过第 {level}/{levels} 级审核。"
RETURN_REASON_NEEDED = "退回要写原因，例如「退回 {post_id} 第二段人名有误」。"
RETURNED = "稿件 {post_id} 已退回给{author}，原因：{reason}"
AUTHOR_FALLBACK = "作者"  # the {author} of RETURNED for a post without an author's name
# WeChat delivers a notice only within 48 hours of the member's last message to the account,
# and five at most in that time.
REVIEWERS_UNREACHABLE = (
    "注意：{names} 近 48 小时没有给公众号发过消息（或发消息后已收到 5 条通知），微信现在无法通知到，"
    "请当面或打电话告诉他们有稿件等待审核。"
)
AUTHOR_UNREACHABLE = (
    "注意：{author} 近 48 小时没有给公众号发过消息（或发消息后已收到 5 条通知），微信现在无法通知到，"
    "请当面或打电话告诉{author}。"
)
AUTHOR_RETURNED = "您的稿件 {post_id}「{title}」被{reviewer}退回，原因：{reason}\n发送「修改 {post_id}」修改后再「提交 {post_id}」。"

# 预览 and images in the background
PREVIEW_QUEUED = "正在生成稿件 {post_id} 的预览，稍后发到您的微信（约半分钟）。"
PREVIEW_SENT = "稿件 {post_id} 的预览已发到您的微信，请查看上一条消息。"
PREVIEW_FAILED = "稿件 {post_id} 的预览没能生成：{reason}"
PREVIEW_IMAGES_MISSING = "有图片没能从微信取回，请删掉重发"
PREVIEW_IMAGES_PENDING = "图片一直没能保存好，请稍后再发「预览」"
PREVIEW_WECHAT_UNREACHABLE = "暂时连不上微信，请稍后再发「预览」"
IMAGE_FETCH_FAILED = "稿件 {post_id} 的第 {number} 张图片没能从微信取回（可能已过期），请用「删段 段号」删掉后重发。"
