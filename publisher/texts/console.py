"""The admin console: every label, heading and message of its pages."""

APP_NAME = "政务公众号管理"
SEAL = "政"  # the round mark beside the name
SKIP_TO_CONTENT = "跳到正文"

# Login
LOGIN_TITLE = "登录"
LOGIN_USERNAME = "用户名"
LOGIN_PASSWORD = "密码"
LOGIN_SUBMIT = "登录"
LOGIN_WRONG = "用户名或密码不正确。"
LOGIN_LOCKED = "密码错误次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试。"
LOGIN_REQUIRED = "请先登录。"
LOGGED_OUT = "您已退出登录。"
LOGOUT = "退出"
USERNAME_INVALID = "用户名不能为空，且不超过 64 个字符。"
CSRF_REFUSED = "页面已过期或来源不明，操作没有执行。请刷新页面后重试。"
NOT_FOUND = "没有找到这一页，或您没有权限查看。"
# Outside the console (an address nothing serves, or a method it does not take): plain text.
ADDRESS_NOT_FOUND = "没有这个地址：{path}。管理后台在 /（需要登录），用法见项目的 README。"
METHOD_NOT_ALLOWED = "这个地址不接受 {method} 请求：{path}。"
BAD_INPUT = "输入有误：{detail}"
SECRET_KEY_REQUIRED = (
    "管理后台需要 GOVPOST_SECRET_KEY（或配置文件中的 secret_key）：请设置为一串足够长的随机字符，"
    "不要使用示例值。"
)
SANDBOX_ADMIN_CREATED = "管理后台：{url}  用户名 {username}  密码 {password}（只显示这一次）"
SANDBOX_ADMIN_EXISTS = "管理后台：{url}（用 govpost admin create 创建的账号登录）"

# Navigation
NAV_DASHBOARD = "概览"
NAV_POSTS = "文章"
NAV_QUEUE = "发布队列"
NAV_CALENDAR = "日历"
NAV_STAFF = "工作人员"
NAV_LEDGER = "公开台账"
NAV_REGISTERS = "登记簿"
NAV_REPORT = "年度报告"
NAV_MESSAGES = "群众留言"
NAV_CHAT = "模拟聊天"
NAV_COUNTY = "全县汇总"
ACCOUNT_SWITCH = "切换公众号"
ACCOUNT_SWITCH_SUBMIT = "切换"
COUNTY_USER = "县级账号（可查看全部公众号）"

# Linking a login to a staff member (review in the console)
LINK_ALREADY = "该登录账号已关联工作人员，如需更改请联系系统管理员（govpost 命令行）。"
LINK_INACTIVE = "{name} 已停用，不能关联。"
LINK_TAKEN = "{name} 已关联登录账号 {username}。"
LINK_OTHER_ACCOUNT = "只能关联本公众号的工作人员。"
LINKED = "已把您的登录账号关联为工作人员 {name}，此后您在后台的审核以 {name} 的名义进行。"
LINK_HEADING = "我的审核身份"
LINK_HELP = "审核文章需要以一位工作人员的身份进行（审核级数和“不能审核自己的文章”的规则同样适用）。关联后不能在后台更改。"
LINK_CURRENT = "您的登录账号以工作人员 {name}（{role}）的身份审核。"
LINK_SUBMIT = "关联"
LINK_NEEDED = "要在后台审核，请先在「工作人员」页把您的登录账号关联到您的工作人员身份。"

# Citizens' messages (留言)
MESSAGES_TITLE = "群众留言"
MESSAGES_EMPTY = "还没有群众留言。"
MESSAGE_KINDS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "location": "[位置]", "link": "[链接]"}
MESSAGE_OTHER_KIND = "[其他消息]"
MESSAGE_FROM = "来自"
MESSAGE_RECEIVED = "收到时间"
MESSAGE_ANSWERED = "{by} 于 {at} 回复"
MESSAGE_UNANSWERED = "未回复"
MESSAGE_WINDOW_OPEN = "可回复至 {closes}"
MESSAGE_WINDOW_SHUT = "已超过 48 小时，微信不允许再回复"
REPLY_LABEL = "回复内容"
REPLY_SUBMIT = "发送回复"
REPLY_SENT = "回复已发出（以客服消息发送）。"
REPLY_EMPTY = "回复内容不能为空。"
REPLY_TOO_LONG = "回复最多 {limit} 个字，现在是 {length} 个字。"
REPLY_WINDOW_CLOSED = "无法回复：微信只允许在群众最后一次发消息后的 {hours} 小时内回复，现已超过。"
REPLY_WINDOW_FULL = "无法回复：在这 48 小时内已给该用户发了 {limit} 条消息，这是微信的上限，请等对方再次留言。"

# Dashboard
DASHBOARD_TITLE = "{year} 年概览"
CHART_EMPTY = "今年还没有记录。"
DASH_DAYS_SINCE = "距上次公众号发文（天）"
DASH_NEVER_PUBLISHED = "还没有发过文章"
DASH_LAST_AT = "上次：{at}"
DASH_STALE = {"warn": "请尽快安排发布", "urgent": "已达到通报标准，请立即发布"}
DASH_TOTAL = "{year} 年公开信息（条）"
DASH_WECHAT_COUNT = "其中公众号 {count} 条"
DASH_AWAITING = "待审核"
DASH_UNANSWERED = "未回复留言"
DASH_SEE_ALL = "查看"
DASH_BY_MONTH = "按月份"
DASH_BY_TOPIC = "按主题"
DASH_BY_CHANNEL = "按渠道"
DASH_NEXT_SLOTS = "接下来的发布时段"
DASH_NONE_AWAITING = "没有待审核的文章。"
QUEUE_EMPTY = "队列为空：没有待发布的文章。"
BUNDLE_IN_PROGRESS = "发布中"
SLOT_COUNT = "{count} 篇"
POST_REF = "{post_id}号《{title}》"

# Posts
POSTS_TITLE = "文章"
FILTER_STATUS = "状态"
FILTER_TOPIC = "主题"
FILTER_AUTHOR = "作者"
FILTER_SINCE = "起始日期"
FILTER_UNTIL = "截止日期"
FILTER_ANY = "全部"
FILTER_SUBMIT = "筛选"
POSTS_EMPTY = "没有符合条件的文章。"
POSTS_COUNT = "共 {total} 篇"
COL_ID = "编号"
COL_TITLE = "标题"
COL_STATUS = "状态"
COL_TOPIC = "主题"
COL_AUTHOR = "作者"
COL_CREATED = "创建时间"
COL_SCHEDULED = "希望发布时间"
COL_PUBLISHED = "发布时间"
PAGER_PREV = "上一页"
PAGER_NEXT = "下一页"
PAGER_AT = "第 {page} / {pages} 页"
POST_PREVIEW = "预览（发布后的样子）"
POST_FACTS = "基本信息"
POST_FINDINGS = "检查结果"
POST_NO_FINDINGS = "检查全部通过。"
FINDING_BLOCK = "必须修改"
FINDING_WARN = "提醒"
POST_REVIEW = "审核"
POST_REVIEW_LEVELS = "需要 {levels} 级审核，已通过 {done} 级。"
POST_APPROVALS_NONE = "本次提交还没有人审核通过。"
POST_APPROVAL_LINE = "第 {level} 级：{name}，{at}"
POST_ELIGIBLE = "可审核的人：{names}"
POST_NO_ELIGIBLE = "还没有可以审核这篇文章的工作人员（审核人需先绑定微信）。"
APPROVE_SUBMIT = "审核通过"
RETURN_REASON = "退回原因"
RETURN_SUBMIT = "退回修改"
APPROVED_FINAL = "{post} 已审核通过{when}。"
APPROVED_PARTIAL = "已通过第 {level} 级审核（共 {levels} 级），等待其他审核人。"
RETURNED = "{post} 已退回给作者。"
POST_WECHAT = "微信发布信息"
POST_BUNDLE = "发布批次"
POST_PUBLISH_ID = "publish_id"
POST_ARTICLE_ID = "article_id"
POST_MSG_ID = "群发 msg_id"
POST_DRAFT_ID = "草稿 media_id"
POST_LINK = "文章链接"
POST_FAILURE = "失败原因"
POST_NOT_SENT = "尚未提交给微信。"
POST_TRAIL = "操作记录"
TRAIL_AT = "时间（北京时间）"
TRAIL_WHO = "操作人"
TRAIL_WHAT = "操作"
TRAIL_DETAIL = "详情"
POST_COVER = "封面"
POST_SCHEDULE = "定时发布"
POST_SCHEDULE_AT = "发布时间（北京时间）"
POST_SCHEDULE_SUBMIT = "改到这个时间"
POST_WITHDRAW_SUBMIT = "撤回（不发布）"
ACTOR_SYSTEM = "系统"
ACTOR_CLI = "命令行"
ACTOR_CONSOLE = "后台 {username}"
AUDIT_ACTIONS = {
    "post.submit": "提交审核", "post.queue": "直接排队", "post.approve": "审核通过（最后一级）",
    "post.return": "退回", "post.withdraw": "撤回", "post.reopen": "重新编辑", "post.discard": "放弃",
    "post.start_publishing": "开始发布", "post.defer": "顺延", "post.publish_succeeded": "发布成功",
    "post.publish_failed": "发布失败", "post.requeue": "重新排队", "post.delete": "从公众号删除",
    "review.approve": "审核通过", "review.submit_blocked": "提交被检查拦下",
    "draft.open": "开始投稿", "draft.paragraph": "添加段落", "draft.image": "添加图片", "draft.close": "完成编辑",
    "draft.replace_block": "修改段落", "draft.delete_block": "删除段落", "draft.idle_close": "长时间未操作，自动完成",
    "draft.reopen": "重新打开", "post.topic": "设置话题", "post.byline": "修改文章作者",
    "ledger.add": "记入台账", "ledger.correct": "更正台账", "ledger.flag_deleted": "台账标为已删除",
    "register.article20": "登记第二十条事项", "register.article20_edited": "修改第二十条事项",
    "register.application": "登记依申请公开", "register.application_closed": "依申请公开办结",
    "register.application_edited": "修改依申请公开", "register.case": "登记复议诉讼",
    "register.case_closed": "复议诉讼审结", "register.case_edited": "修改复议诉讼", "register.opening": "填写期初数",
}
# An audit entry's detail, in words (bot/console/trail_text.py)
AUDIT_CHANGE = "{field}：{old} → {new}"
AUDIT_FIELD = "{field}：{value}"
AUDIT_EMPTY = "（空）"
AUDIT_YES = "是"
AUDIT_NO = "否"
AUDIT_MOMENT = "{at}（北京时间）"
AUDIT_FIELDS = {
    "status": "状态", "role": "角色", "id": "编号", "title": "标题", "topic": "话题", "number": "段落",
    "cover": "封面", "findings": "检查发现", "level": "审核级", "levels": "共几级", "approvals": "审核级数",
    "reason": "理由", "scheduled_at": "计划时间", "bundle_id": "发布批次", "idx": "批次内位置", "url": "链接",
    "why": "原因", "entry_id": "台账编号", "channel": "渠道", "confirmed_topic": "确认话题", "disclosed_on": "公开日期",
    "source": "来源", "name": "姓名", "openid": "openid", "username": "用户名", "by": "回复人",
    "text": "内容", "kind": "类别", "action": "事项", "occurred_on": "日期", "quantity": "数量", "amount_wan": "金额（万元）",
    "applicant_type": "申请人类型", "received_on": "收到日期", "outcome": "办理结果", "closed_on": "办结日期",
    "subject": "事由", "filed_on": "立案日期", "result": "审结结果", "year": "年度", "key": "期初项", "old": "原值",
    "new": "新值", "published_at": "发布时间",
}

# Queue and calendar
QUEUE_TITLE = "发布队列"
QUEUE_MODE = "发布方式：{mode}"
MODE_NAMES = {"mass": "群发", "freepublish": "发布（不群发）"}
QUEUE_IN_PROGRESS = "正在发布"
QUEUE_PLANNED = "排队中"
QUEUE_WAITING_REVIEW = "等待审核（通过后进入队列）"
QUEUE_ROLLED = "因群发次数顺延"
QUEUE_BLOCKED = "因微信接口今日调用次数已满顺延"
MOVE_TO_SLOT = "改到时段"
MOVE_OR_TIME = "或指定时间（北京时间）"
MOVE_SUBMIT = "改时间"
WITHDRAW_SUBMIT = "撤回"
TIME_INVALID = "时间格式不对，请从列表中选一个时段，或填写日期和时间。"
CALENDAR_TITLE = "{year} 年 {month} 月"
CALENDAR_PREV = "上个月"
CALENDAR_NEXT = "下个月"
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
CALENDAR_LEGEND_PLANNED = "计划发布"
CALENDAR_LEGEND_PUBLISHED = "已发布"

# Staff
STAFF_TITLE = "工作人员"
STAFF_EMPTY = "还没有工作人员。先在下面邀请。"
COL_NAME = "姓名"
COL_ROLE = "角色"
COL_WECHAT = "微信"
COL_ACTIVE = "状态"
COL_ACTIONS = "操作"
STAFF_BOUND = "已绑定"
STAFF_UNBOUND = "未绑定"
STAFF_ACTIVE = "在用"
STAFF_INACTIVE = "已停用"
INVITE_HEADING = "邀请工作人员"
INVITE_NAME = "姓名"
INVITE_ROLE = "角色"
INVITE_SUBMIT = "生成绑定码"
INVITE_CODE_HEADING = "{name} 的绑定码（只显示这一次）"
INVITE_CODE_HELP = "请 {name} 用自己的微信向公众号发送「绑定 {code}」，{expires} 前有效。"
ROLE_CHANGE_SUBMIT = "改角色"
DEACTIVATE_SUBMIT = "停用"
DEACTIVATE_CONFIRM = "停用后，此人的微信消息按群众留言处理。"
ROLE_CHANGED = "{name} 的角色已改为{role}。"
DEACTIVATED = "{name} 已停用，此后其微信消息按群众留言处理。"
LINK_THIS = "以此人身份审核"

# Ledger
LEDGER_TITLE = "公开台账"
LEDGER_EMPTY = "没有符合条件的记录。"
LEDGER_COUNT = "共 {total} 条"
LEDGER_YEAR = "年份"
LEDGER_CHANNEL = "渠道"
LEDGER_TOPIC = "主题"
LEDGER_GUESSED_ONLY = "只看待确认主题"
LEDGER_GUESSED = "主题待确认"
LEDGER_DELETED = "已删除（不计入）"
COL_DAY = "日期"
COL_CHANNEL = "渠道"
COL_SOURCE = "来源"
LEDGER_ADD_HEADING = "登记一条线下公开（如三务公开栏）"
LEDGER_DAY = "日期"
LEDGER_TIME = "时间（北京时间）"
LEDGER_TITLE_LABEL = "标题"
LEDGER_URL = "链接（可不填）"
LEDGER_ADD_SUBMIT = "登记"
LEDGER_CONFIRM_SUBMIT = "确认主题"
LEDGER_CORRECT_SUBMIT = "更正"
LEDGER_DELETE_SUBMIT = "标为已删除"
LEDGER_IMPORT_HEADING = "导入表格（.csv 或 .xlsx）"
LEDGER_IMPORT_HELP = "列：日期、渠道、话题、标题、链接。有一行出错则整个文件不导入，下面会列出每一行的问题。"
LEDGER_IMPORT_SUBMIT = "导入"
LEDGER_IMPORT_PROBLEMS = "文件没有导入："
IMPORT_FILE_NEEDED = "请选择一个 .csv 或 .xlsx 文件。"
LEDGER_DAY_INVALID = "日期或时间格式不对。"
LEDGER_URL_INVALID = "链接必须以 http:// 或 https:// 开头。"
from publisher.texts.ledger import SOURCE_NAMES  # noqa: E402,F401  (one wording for the console and the XLSX)

# Registers
REGISTERS_TITLE = "登记簿（年度报告第二至第四部分）"
REGISTERS_YEAR = "{year} 年的登记"
REGISTERS_EMPTY = "这一年还没有登记。"
REGISTER_KIND = "类别"
REGISTER_SECTION = "登记簿"
REGISTER_DAY = "日期"
REGISTER_WHAT = "内容"
REGISTER_OUTCOME = "结果"
REGISTER_CLOSED_ON = "办结日期"
REGISTER_SUBJECT = "事由"
REGISTER_QUANTITY = "数量"
REGISTER_AMOUNT = "金额（万元，仅收费）"
REGISTER_ADD_ARTICLE20 = "第二十条事项（规章、规范性文件、许可、处罚、强制、收费）"
REGISTER_ADD_APPLICATION = "依申请公开：收到申请"
REGISTER_ADD_CASE = "行政复议、行政诉讼：立案"
REGISTER_APPLICANT = "申请人类型"
REGISTER_RECEIVED = "收到日期"
REGISTER_FILED = "立案日期"
REGISTER_ACTION = "事项"
REGISTER_ACTIONS = {"issued": "制发", "repealed": "废止", "decided": "作出决定", "charged": "收费"}
REGISTER_SUBMIT = "登记"
REGISTER_CLOSE_SUBMIT = "办结"
REGISTER_DAY_INVALID = "日期格式不对。"
REGISTER_NUMBER_INVALID = "数量或金额不是数字。"

# Report
REPORT_TITLE = "年度报告"
REPORT_YEAR = "年份"
REPORT_SHOW = "预览"
REPORT_DOWNLOADS = "下载"
REPORT_FORMATS = {"docx": "Word（DOCX）", "xlsx": "Excel（XLSX）", "json": "JSON", "md": "Markdown"}
REPORT_CHECKS_FAILED = "勾稽关系核对发现 {count} 处问题（县政府办会退回）："
REPORT_WARNINGS_FOUND = "县级审核规则提示 {count} 处，报送前请逐条核实："
REPORT_SECTION_OVERVIEW = "一"

# Sandbox chat
CHAT_TITLE = "模拟聊天（沙盒）"
CHAT_HELP = "这里模拟用微信向公众号发消息，签名和加密与微信完全相同。先在「工作人员」页邀请，再在这里以此人身份发送「绑定 绑定码」。"
CHAT_AS = "以谁的身份"
CHAT_CITIZEN = "群众（未绑定的微信用户）"
CHAT_SWITCH = "切换"
CHAT_PLACEHOLDER = "输入消息，例如：帮助"
CHAT_SEND = "发送"
CHAT_PICTURE = "图片"
CHAT_EMPTY = "还没有消息。发送「帮助」看看能做什么。"
CHAT_NOTICE = "客服消息"
CHAT_FAILED = "消息没有送到：{reason}"
CHAT_NO_REPLY = "公众号没有回复这条消息。"

# Dates and times typed as text, in one format whatever the browser's language
DAY_PLACEHOLDER = "2025-03-01"
DAY_HINT = "年-月-日，例如 2025-03-01"
MOMENT_PLACEHOLDER = "2025-03-01 09:00"
MOMENT_HINT = "北京时间，年-月-日 时:分，例如 2025-03-01 09:00"
TIME_PLACEHOLDER = "09:00"
TIME_HINT = "北京时间，时:分（24 小时制），例如 09:00"

# Correcting a register row
REGISTER_EDIT = "修改"
REGISTER_EDIT_TITLE = {"article20": "修改第二十条事项（编号 {id}）", "application": "修改依申请公开（编号 {id}）",
                       "case": "修改行政复议、行政诉讼（编号 {id}）"}
REGISTER_EDIT_SUBMIT = "保存修改"
REGISTER_EDIT_BACK = "返回登记簿"
REGISTER_STILL_OPEN = "办理中（未办结）"
REGISTER_RESULT_PENDING = "未审结"
REGISTER_CLOSED_OPTIONAL = "办结日期（未办结则留空）"
REGISTER_TRAIL = "操作记录"
REGISTER_TRAIL_EMPTY = "没有操作记录。"

# The county page (county logins only)
COUNTY_ONLY = "全县汇总只对县级登录开放：本登录只能查看本单位的账号。"
COUNTY_SUMMARY = "共 {accounts} 个账号，主动公开合计 {total} 条；{stale} 个账号超过 {days} 天未在微信发文。"
COUNTY_LAST_AT = "上次微信发文（北京时间）"
COUNTY_FRESHNESS = {"fresh": "正常", "warn": "请尽快发布（满 {warn} 天）", "urgent": "超过 {urgent} 天，已达通报标准",
                    "never": "从未发文"}
COUNTY_DOWNLOADS = "下载全县汇总"
COUNTY_FORMATS = {"json": "JSON", "xlsx": "Excel（XLSX）", "docx": "Word（DOCX）"}
COUNTY_NO_ACCOUNTS = "还没有账号。"
