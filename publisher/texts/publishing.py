"""Everything staff read about publishing: results, failures, the queue, reminders."""

# Why a freepublish job or a submit failed (statuses of freepublish/get and PUBLISHJOBFINISH).
PUBLISH_STATUS_REASONS = {
    2: "原创校验未通过（文章可能与已有原创内容重复）",
    3: "微信发布失败（平台常规失败，可稍后用「定时」重新排队）",
    4: "未通过微信平台审核",
    5: "发布成功后已被用户删除",
    6: "发布成功后被微信平台封禁",
}
SUBMIT_CHECK_FAILED = "草稿未通过微信发布检查（53503），请检查标题、正文和封面后用「定时」重新排队"
MASS_UNVERIFIED_REASON = (
    "公众号尚未通过微信认证，微信不允许群发（48001）。请管理员在公众号后台完成认证，"
    "或把发布方式改为「发布」，再用「定时」重新排队"
)
ERRCODE_REASONS = {
    53503: SUBMIT_CHECK_FAILED,
    53504: "草稿正被其他操作使用（53504），请稍后用「定时」重新排队",
    53505: "微信要求在公众号后台手动发布（53505）",
}
REJECTED_REASON = "微信拒绝了这篇文章（错误码 {errcode}）：{errmsg}"
MASS_FAILED_REASON = "群发失败（{status}）"
# A failure without an err(...) code: the event's "send fail" (what a send refused under
# API 群发保护 ends with: the administrator refused it or did not confirm within 30 minutes),
# and mass/get's SEND_FAIL, which gives no reason at all.
MASS_PROTECTION_HINT = (
    "若公众号开启了「API 群发保护」，管理员拒绝或 30 分钟内未确认即会失败；"
    "请管理员在微信中确认群发或在公众号后台关闭该保护，再用「定时」重新排队"
)
MASS_PLAIN_FAILURE = "群发失败（{status}），微信未说明原因。" + MASS_PROTECTION_HINT
MASS_PLAIN_FAILURE_STATUSES = {"send fail", "send_fail"}
SUBMIT_UNCONFIRMED_REASON = (
    "已提交微信发布，但微信没有返回结果；草稿已离开草稿箱（说明提交已生效），发表记录中却一直查不到这篇文章。"
    "为避免重复发布，系统没有再次提交。请到公众号后台「发表记录」核实是否已发出，如未发出，再用「定时」重新排队"
)
RETRIES_EXHAUSTED = "多次尝试连接微信均失败（{error}），请联系管理员后用「定时」重新排队"
INTERNAL_ERROR_REASON = "发布程序多次出现内部错误（{error}），请联系管理员处理后用「定时」重新排队"
ARTICLE_FAILED_IN_BUNDLE = "同一批次的第 {idx} 篇未通过，本篇未受影响，已重新排队"
UNTITLED_TOPIC = "其他"

PUBLISHED_NOTICE = "《{title}》已发布：{url}"
PUBLISHED_NOTICE_NO_URL = "《{title}》已群发成功，链接稍后可在公众号中查看。"
FAILED_NOTICE = "《{title}》（{post_id}号）发布失败：{reason}"
DEFERRED_NOTICE = "《{title}》（{post_id}号）今天无法发布（{why}），已顺延到 {when}。"
DEFER_WHY_API_QUOTA = "微信接口今日调用次数已满"
DEFER_WHY_MASS_QUOTA = "群发次数已用完"

# 队列
QUEUE_EMPTY = "队列为空：没有待发布的文章。"
QUEUE_HEADER = "待发出的文章（本账号{mode}）："
MODE_NAMES = {"mass": "群发，推送给关注者", "freepublish": "发布，不推送给关注者"}
QUEUE_SLOT = "{when}：{count} 篇"
QUEUE_ITEM = "  {post_id}号《{title}》{note}"
QUEUE_ROLLED_NOTE = "（因群发次数顺延）"
QUEUE_BLOCKED_NOTE = "（因微信接口今日调用次数已满顺延）"
QUEUE_IN_PROGRESS = "正在发布：{count} 篇（批次 {bundle_id}）"

# 定时 / 撤回 / 删除
SCHEDULE_USAGE = "用法：定时 <号> <时间>，例如：定时 12 明天上午9点"
NOT_YOURS = "只有作者或审核人可以这样做。"
SCHEDULED = "{post_id}号《{title}》将在 {when} 发布。"
SCHEDULED_DRAFT = "{post_id}号《{title}》的希望发布时间记为 {when}；发送「提交 {post_id}」送审后按这个时间排队。"
REQUEUED = "{post_id}号《{title}》已重新排队，将在 {when} 发布。"
CANNOT_SCHEDULE = "{post_id}号现在是「{status}」，不能定时。"
WITHDRAWN = "{post_id}号《{title}》已撤回，不会发布，回到草稿：可以「修改 {post_id}」改好后再「提交 {post_id}」。"
WITHDRAWN_REVIEWERS_UNREACHABLE = "注意：{names} 近 48 小时没有给公众号发过消息，微信无法通知到，请当面或打电话告诉他们不用再审核。"
NAME_SEPARATOR = "、"
TOO_LATE = "{post_id}号《{title}》已提交给微信，来不及撤回了。发布后可请管理员「删除」。"
BUSY = "{post_id}号《{title}》正在上传到微信，请稍等一分钟再试。"
CANNOT_WITHDRAW = "{post_id}号现在是「{status}」，不能撤回。"
DELETED = "{post_id}号《{title}》已从公众号删除；台账保留该记录并标注已删除。"
CANNOT_DELETE = "{post_id}号现在是「{status}」，只有已发布的文章可以删除。"
DELETE_FAILED = "删除失败：微信返回错误码 {error}，请稍后再试或在公众号后台处理。"

# Daily reminder (SPEC §6)
STALE_WARN = "提醒：公众号已经 {days} 天没有发布文章了（{days_limit} 天未更新会被通报），请安排发布。"
STALE_URGENT = "【紧急】公众号已经 {days} 天没有发布文章，已达到政务新媒体检查的 {days_limit} 天“不更新”标准，请立即发布。"
STALE_NEVER = "提醒：公众号还没有通过本系统发布过文章，请安排发布。"
DELETE_REQUESTED = "正在从公众号删除{post_id}号《{title}》，完成后会通知您。"
