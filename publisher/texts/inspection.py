"""The quarterly 政务新媒体 check's words (govpost inspect --quarter 2025Q1 --county)."""

BAD_QUARTER = "季度「{text}」看不懂：请写成「2025Q1」这样的年份加季度（Q1 到 Q4）。"
QUARTER_YEAR_OUT_OF_RANGE = "季度「{text}」的年份不在 {first} 到 {last} 之间。"
QUARTER_NOT_BEGUN = "{quarter} 还没有开始（从 {first} 起），无法检查。"

TITLE = "{quarter} 政务新媒体季度检查"
CHECKED_THROUGH = "检查范围：{first} 至 {last}（北京时间）"
PASSED = "合格"
FAILED = "不合格"
NONE = "无"

REASON_NO_ARTICLES = "本季度没有发布文章"
REASON_VETO = "连续 {days} 天未更新（{first} 至 {last}），达到 {limit} 天，单项否决"
REASON_MESSAGES = "{count} 条群众留言超过 {days} 天未回复"
REASON_FINDINGS = "{count} 篇文章含敏感词或个人信息仍已发布"
REASON_NO_FOOTER = "{count} 篇文章文末未标注撰稿人、审核人、审签人"
REASON_FOOTER_INCOMPLETE = "{count} 篇文章文末标注不全"

DETAIL_NO_FOOTER = "文末未标注撰稿、审核、审签"
DETAIL_FOOTER_MISSING = "文末缺{roles}"
FOOTER_ROLES = {"wrote": "撰稿人", "reviewed": "审核人", "signed": "审签人"}
RULES = {"findings": "内容检查", "footer": "三级审查标注"}
FAILING = "不合格项"
NOTED = "提示"

# The XLSX's columns and sheets.
SHEET_SUMMARY = "检查结果"
SHEET_DETAILS = "问题文章"
COLUMNS = ("账号", "名称", "结论", "文章数", "最长未更新（天）", "未更新起止", "单项否决", "群众留言",
           "超期未回复", "含敏感词或个人信息", "未标注三级审查", "标注不全", "无法核对（非本系统发布）", "原因")
DETAIL_COLUMNS = ("账号", "名称", "文章", "发布日期", "检查项", "问题", "性质")
VETO_YES = "是"
VETO_NO = "否"
GAP_NONE = "—"

# `govpost inspect` on stderr, one line per account.
CLI_LINE = "{account}\t{display_name}\t{verdict}\t{reasons}"
OUT_NEEDED = "xlsx 格式要用 --out 指定写入的文件。"
OUT_FAILED = "无法写入 {path}：{reason}"
