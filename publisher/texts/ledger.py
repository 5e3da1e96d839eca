"""The disclosure ledger (公开台账): entries, spreadsheet import, history import, registers."""

TITLE_REQUIRED = "标题不能为空，且不超过 200 个字。"
UNKNOWN_CHANNEL = "渠道「{channel}」无效，可选：{choices}。"
UNKNOWN_TOPIC = "话题「{topic}」无效，可选：{choices}。"
# A row of another account is "not found" in this one: an id typed for the wrong account changes nothing.
ENTRY_NOT_FOUND = "账号「{account}」的台账里没有记录 {id}；别的账号的记录请加 --account 账号名。"
NOTHING_TO_CORRECT = "没有要更正的内容。"
ADDED = "已登记：{day}　{channel}　#{topic}　{title}（台账编号 {id}）"
LIST_DELETED = "\t（已删除）"
FLAGGED = "台账记录 {id} 已标记为已删除（记录保留）。"
CORRECTED = "台账记录 {id} 已更正：{changes}"
CHANGE = "{field}「{old}」→「{new}」"
FIELD_NAMES = {"topic": "话题", "title": "标题", "channel": "渠道", "url": "链接", "published_at": "时间"}

# Spreadsheet import. Header names as a secretary would write them; the first of each is canonical.
HEADER_ALIASES = {
    "day": ["日期", "公开日期", "发布日期", "发布时间", "时间", "公开时间"],
    "channel": ["渠道", "公开渠道", "公开方式", "发布渠道", "载体"],
    "topic": ["话题", "类别", "分类", "主题", "栏目", "领域"],
    "title": ["标题", "信息名称", "名称", "内容", "信息标题", "公开内容"],
    "url": ["链接", "网址", "地址", "url", "URL"],
}
MISSING_COLUMNS = "表头缺少列：{columns}（需要：日期、渠道、话题、标题，链接可选）。"
UNREADABLE_FILE = "无法读取文件 {path}：{reason}"
UNSUPPORTED_FILE = "只支持 .csv 和 .xlsx 文件：{path}"
BAD_DAY = "日期「{value}」无法识别（例如 2023-03-15 或 2023年3月15日）"
EMPTY_FIELD = "{field}为空"
ROW_PROBLEM = "第 {line} 行：{reason}"
IMPORT_REJECTED = "导入失败，没有写入任何记录。请改正以下 {count} 行后重新导入："
IMPORTED = "导入完成：新增 {added} 条，已存在跳过 {skipped} 条。"

# History import
HISTORY_PROGRESS = "读取已发布文章"
HISTORY_UNIT = "篇"
HISTORY_DONE = "历史文章导入完成：共读取 {seen} 篇，新增 {added} 篇（其中话题为猜测 {guessed} 篇，请核对），已存在 {skipped} 篇。"
HISTORY_BY_TOPIC = "　#{topic}：{count} 篇"
UNTITLED = "（无标题）"

# Registers (sections 二, 三, 四)
UNKNOWN_KIND = "类型「{kind}」无效，可选：{choices}。"
UNKNOWN_ACTION = "「{kind}」的事项「{action}」无效，可选：{choices}。"
UNKNOWN_CASE_KIND = "案件类型「{value}」无效，可选：{choices}。"
UNKNOWN_APPLICANT = "申请人类型「{value}」无效，可选：{choices}。"
UNKNOWN_OUTCOME = "办理结果「{value}」无效，可选：{choices}。"
UNKNOWN_RESULT = "审结结果「{value}」无效，可选：{choices}。"
UNKNOWN_OPENING = "期初项「{value}」无效，可选：{choices}。"
CLOSED_NEEDS_OUTCOME = "办结日期和办理结果须同时填写。"
CLOSED_BEFORE_OPENED = "办结日期 {closed} 早于受理日期 {opened}。"
AMOUNT_REQUIRED = "行政事业性收费须填写金额（万元）。"
QUANTITY_POSITIVE = "件数须为正整数。"
AMOUNT_ONLY_FOR_FEE = "只有行政事业性收费（fee）填写金额。"
AMOUNT_INVALID = "金额「{value}」无效：须为不小于 0 的数，单位万元，例如 1.25。"
OPENING_NEGATIVE = "期初数须为不小于 0 的整数。"
TEXT_TOO_LONG = "{field}不能超过 {limit} 个字（现有 {length} 个字）。"
FIELD_TITLE = "标题"
FIELD_SUBJECT = "事由"
REGISTERED = "已登记（编号 {id}）。"
CLOSED = "已办结（编号 {id}）。"
EDITED = "已修改（编号 {id}），修改前后记入操作记录。"
NOTHING_CHANGED = "编号 {id} 没有改动：填写的内容与原来相同。"
RECORD_NOT_FOUND = "账号「{account}」的登记簿里没有编号 {id}；别的账号的记录请加 --account 账号名。"
OPENING_SET = "{year}年期初「{key}」设为 {value}。"
LIST_ARTICLE20 = "第二十条"
LIST_APPLICATION = "依申请"
LIST_CASE = "复议诉讼"
LIST_OPENING = "期初"
LIST_OPEN = "办理中"

# Chat commands
STATS_HEADER = "{year}年主动公开 {total} 条"
STATS_CHANNEL = "　{channel}：{count} 条"
STATS_TOPICS = "按话题："
STATS_TOPIC = "　#{topic}：{count} 条"
STATS_DELETED = "（另有已删除 {count} 条，不计入）"
STATS_GUESSED = "（其中 {count} 条话题为导入时猜测，请核对）"
STATS_BAD_YEAR = "年份「{value}」无效。用法：统计 [年份]，例如「统计 2023」。"
YEAR_OUT_OF_RANGE = "{year} 年不在可统计的年份内：政府信息公开从 {first} 年起，最晚到今年 {last} 年。"
REGISTER_USAGE = "用法：登记 #话题 标题 [@渠道]，例如「登记 #乡村振兴 三月村务公开 @三务公开栏」。渠道默认为三务公开栏。"

# The registers' keys as staff read and type them (`register list`, `register application 自然人`).
ARTICLE20_ACTIONS = {"issued": "制发", "repealed": "废止", "decided": "处理决定", "charged": "收费"}
OPENING_NAMES = {"in_force": "现行有效", "carried_in": "上年结转"}
CHOICE_SHOWN = "{key}（{label}）"
CHOICE_UNKNOWN = "「{value}」不是可选值。可选: {choices}"
# Where a ledger row came from (LedgerEntry.source), in the console and the report's XLSX.
SOURCE_NAMES = {"publish": "公众号发布", "manual": "手工登记", "import": "表格导入", "history": "历史导入"}
