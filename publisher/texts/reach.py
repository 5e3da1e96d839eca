"""Reads and shares (阅读、分享): 查看, 统计, the console, the report and `govpost reach`."""

NOT_PROVIDED = "发布的文章微信不提供单篇阅读数"
NOT_YET = "阅读数：微信次日 8:00 后才有前一天的数据，互动不足 3 次的文章微信不列出"
VIEW_READS = "阅读：{reads} 次（{users} 人），分享 {shares} 次（截至 {through}）"

STATS_READS = "全年阅读 {reads} 次（公众号每日合计）"
STATS_READS_UNKNOWN = "全年阅读数：尚未从微信取得"
STATS_TOP = "阅读最多："
STATS_TOP_LINE = "　{rank}. {title}：{reads} 次"

# the console
COLUMN_READS = "阅读"
NOT_YET_SHORT = "待统计"
NOT_PROVIDED_SHORT = "微信不提供"
CHART_MONTHLY_READS = "每月阅读（公众号合计）"
NO_MONTHLY_READS = "尚未从微信取得阅读数据"

# the report's XLSX
SHEET_READS = "文章阅读"
SHEET_HEADERS = ("日期", "标题", "链接", "阅读次数", "阅读人数", "分享次数", "统计截至", "说明")
SECTION_ONE_READS = "全年公众号文章阅读 {reads} 次。"

# govpost reach pull
CLI_PULL_HELP = "从微信取阅读、分享数据（按各接口的最大跨度分批，遵守调用频率）"
CLI_SINCE_HELP = "从这一天（YYYY-MM-DD，北京时间）取到昨天"
CLI_BAD_SINCE = "日期「{value}」无效，请写成 YYYY-MM-DD，例如 2024-03-01。"
CLI_PROGRESS = "阅读数据"
CLI_PROGRESS_UNIT = "次"
CLI_DONE = "{account}：调用 {calls} 次，新存 {stored} 行，其中 {unmatched} 行不是本系统发出的文章"
CLI_FAILED = "　{endpoint} {day}：微信错误码 {errcode}，下次再取"
CLI_STOPPED = "　微信错误码 {errcode}：今天不再调用，明天的定时任务会接着取"
