"""The annual report (政府信息公开工作年度报告): the national format's labels, verbatim
(国办公开办函〔2021〕30号), and the sentences govpost writes around them."""

SECTION_TITLES = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

RUN_IN_HEADING = "{heading}。"  # 「（一）主动公开情况。」 runs into its paragraph
OVERVIEW_HEADINGS = {
    "proactive": "（一）主动公开情况",
    "on_request": "（二）依申请公开情况",
    "management": "（三）政府信息管理情况",
    "platforms": "（四）政府信息公开平台建设情况",
    "supervision": "（五）监督保障情况",
}

# Section 二: four small tables, each headed by its item of 第二十条
ARTICLE20_GROUPS = {
    "item1": "第二十条第（一）项",
    "item5": "第二十条第（五）项",
    "item6": "第二十条第（六）项",
    "item8": "第二十条第（八）项",
}
INFO_CONTENT = "信息内容"
ISSUED = "本年制发件数"
REPEALED = "本年废止件数"
IN_FORCE = "现行有效件数"
DECISIONS = "本年处理决定数量"
FEE_AMOUNT = "本年收费金额（单位：万元）"
ARTICLE20_KINDS = {
    "regulation": "规章",
    "normative": "行政规范性文件",
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "enforcement": "行政强制",
    "fee": "行政事业性收费",
}

# Section 三
APPLICATIONS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER = "申请人情况"
APPLICANT_GROUP = "法人或其他组织"
APPLICANT_COLUMNS = {
    "natural": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}
RECEIVED = "一、本年新收政府信息公开申请数量"
CARRIED_IN = "二、上年结转政府信息公开申请数量"
RESULTS = "三、本年度办理结果"
CARRIED_OUT = "四、结转下年度继续办理"
RESULT_TOTAL = "（七）总计"
# (group label or None, [(outcome key, row label)]): groups （三）–（六） have no numbers of their own.
OUTCOME_GROUPS = [
    (None, [("disclosed", "（一）予以公开")]),
    (None, [("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")]),
    ("（三）不予公开", [
        ("state_secret", "1.属于国家秘密"),
        ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("three_securities", "3.危及“三安全一稳定”"),
        ("third_party", "4.保护第三方合法权益"),
        ("internal_affairs", "5.属于三类内部事务信息"),
        ("process_info", "6.属于四类过程性信息"),
        ("enforcement_file", "7.属于行政执法案卷"),
        ("query_matter", "8.属于行政查询事项"),
    ]),
    ("（四）无法提供", [
        ("not_held", "1.本机关不掌握相关政府信息"),
        ("needs_creation", "2.没有现成信息需要另行制作"),
        ("still_unclear", "3.补正后申请内容仍不明确"),
    ]),
    ("（五）不予处理", [
        ("petition", "1.信访举报投诉类申请"),
        ("repeated", "2.重复申请"),
        ("publication", "3.要求提供公开出版物"),
        ("excessive", "4.无正当理由大量反复申请"),
        ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ]),
    ("（六）其他处理", [
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    ]),
]

# Section 四
RECONSIDERATION = "行政复议"
LITIGATION = "行政诉讼"
CASE_KINDS = {
    "reconsideration": "行政复议",
    "direct_suit": "未经复议直接起诉",
    "suit_after_reconsideration": "复议后起诉",
}
CASE_RESULTS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# Document furniture
DOCUMENT_TITLE = "{account}{year}年政府信息公开工作年度报告"
DOCUMENT_TITLE_LINES = ("{account}", "{year}年政府信息公开工作年度报告")  # its lines when it needs two
DOCUMENT_SUBJECT = "政府信息公开工作年度报告"
INTRO = (
    "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，"
    "现将{account}{year}年政府信息公开工作年度报告如下。报告数据统计时间为{year}年1月1日至{year}年12月31日。"
)
SIGNATURE_DATE = "{year}年{month}月{day}日"
DATE_BLANK = "　　年　　月　　日"  # a date nobody gave, left for the pen
CHART_BY_TOPIC = "图1　{year}年主动公开信息按话题统计（条）"
CHART_BY_MONTH = "图2　{year}年主动公开信息按月份统计（条）"
CHART_TOPIC = "话题"
CHART_MONTH = "月份"
CHART_COUNT = "数量"
CHANNEL_HEADER = "公开渠道"
CHANNEL_TOTAL = "合计"
MONTH_LABEL = "{month}月"
# GB/T 9704 7.5: 4号 Arabic numerals between one-em dashes, odd pages right, even pages left.
PAGE_FOOTER = "— {page} —"
CHECKS_HEADING = "勾稽关系核对"
CHECKS_ALL_PASS = "勾稽关系核对：全部通过。"
CHECK_FAILED_LINE = "规则{rule}（{name}）不成立：{detail}"

# Section 一（一）: written from the ledger. Counts are exact: never 「余」.
CHANNEL_PHRASE = "通过{channel}公开信息{count}条"
PROACTIVE_SENTENCE = "{year}年，{account}累计主动公开政府信息{total}条，其中{channels}。"
TOPIC_SENTENCE = "按内容分，{topics}。"
TOPIC_PHRASE = "{topic}{count}条"
NO_PROACTIVE = "{year}年，{account}在台账中没有主动公开信息记录。"
LIST_SEPARATOR = "，"

RULE_NAMES = {
    1: "表三各列：一加二等于（七）总计加四",
    2: "表三：（七）总计等于各项办理结果之和",
    3: "表三：总计列等于自然人加法人或其他组织五列之和",
    4: "跨年度：本年上年结转等于上年结转下年度继续办理",
    5: "表二：本年现行有效件数等于上年现行有效件数加本年制发减本年废止",
    6: "表四：各总计等于其前四项之和",
}
RULE1_DETAIL = "「{column}」列：一（{received}）+二（{carried_in}）={left}，（七）总计（{total}）+四（{carried_out}）={right}"
RULE2_DETAIL = "「{column}」列：（七）总计为{total}，各项办理结果之和为{sum}"
RULE3_DETAIL = "「{row}」行：总计为{total}，各类申请人之和为{sum}"
RULE4_DETAIL = "「{column}」列：{year}年上年结转为{carried_in}，{previous}年结转下年度继续办理为{carried_out}"
RULE5_DETAIL = "「{kind}」：{year}年现行有效{in_force}件，{previous}年现行有效{previous_in_force}件+本年制发{issued}件-本年废止{repealed}件={expected}件"
RULE6_DETAIL = "「{kind}」：总计为{total}，前四项之和为{sum}"

# Fonts of a 公文 (GB/T 9704): title 小标宋, body 仿宋_GB2312, level-1 headings 黑体, level-2 楷体.
# A machine without them substitutes its own CJK font; the document still names the right ones.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_SUBHEADING = "楷体_GB2312"
FONT_TABLE = "宋体"
LEDGER_SHEET = "公开台账"
SUMMARY_SHEET = "主动公开统计"
TABLE_SHEETS = {"proactive": "表二 主动公开", "applications": "表三 依申请公开", "appeals": "表四 复议诉讼"}
LEDGER_COLUMNS = ("日期", "渠道", "话题", "标题", "链接", "来源", "话题为猜测", "已删除")
YES = "是"
NO = ""

# The cover letter (上报函) the report is filed with
LETTER_DOC_NUMBER = "{code}〔{year}〕{number}号"
LETTER_NUMBER_BLANK = "　　"
# For a template without [cover_letter] (one kept from before the letter): the committed wording.
LETTER_DEFAULTS = {
    "office_code": "",
    "title": "关于上报{account}{year}年\n政府信息公开工作年度报告的报告",
    "addressee": "县政府办：",
    "body": "现将{account}{year}年政府信息公开工作年度报告随文呈上，请审阅。",
    "issuer": "{account}",
}
LETTER_DATE_TOO_EARLY = "上报日期 {date} 不在 {year} 年度结束之后：年度报告在次年报送，请改正 --date 或模板 [cover_letter] date。"
LETTER_TEMPLATE_DATE_INVALID = "模板 [cover_letter] date「{value}」不是日期，请写成 2024-02-22 的形式，或留空待手填。"
LETTER_TEMPLATE_NUMBER_INVALID = "模板 [cover_letter] number「{value}」不是正整数文号，请写数字，或留空待手填。"
LETTER_DATE_BLANK_WARNING = "上报函和落款的日期未给出（--date 或模板 [cover_letter] date），已留空「　　年　　月　　日」，请手填。"
LETTER_NUMBER_BLANK_WARNING = "上报函的文号顺序号未给出（--doc-number 或模板 [cover_letter] number），已留空，请手填。"
CLI_DOC_NUMBER_INVALID = "--doc-number「{value}」不是正整数，请写文号的顺序号，如 5。"
CLI_DATE_INVALID = "「{value}」不是日期，请写成 2024-02-22 的形式。"
CLI_ERROR_LINE = "错误: {message}"
CLI_WARNING_LINE = "提示: {message}"

# Checks a county office runs before accepting a report (county-checks.md B): warnings
FILING_CHECKS_HEADING = "报送前核对（县级审核规则）"
FILING_CHECKS_ALL_PASS = "报送前核对：未发现问题。"
FILING_CHECKS_PAGE_NOTE = "本页为报送前核对结果，不属于报告正文，打印报送前请删除本页。"
FILING_SECTION_NAMES = {"problems": "（一）存在的问题", "improvements": "（二）改进措施"}
PROBLEMS_TOO_SHORT = "第五部分{part}为空、「无」或不足十个字（{length}字）：县级审核视为未报告。"
FEE_BUT_NONE_CHARGED = "表二行政事业性收费为{fee}万元，第六部分却写明未收取费用：两处须一致。"
# 六 saying that no fee was charged: 信息处理费 or any fee
NO_FEE_PHRASES = ("未收取", "没有收取", "不收取", "未收费", "无收费", "免收", "未产生收费")
YEAR_ON_YEAR_JUMP = "「{figure}」{previous_year}年为{previous}，{year}年为{current}，变化超过五倍或降到五分之一以下：请核实。"
CELL_NOT_A_NUMBER = "{table}「{row}」一格为「{value}」：应填数字（没有的填0）。"
TEXT_FIGURE_MISMATCH = "正文写「{phrase}」，{table}为{expected}件：正文与表格须一致。"
# The figures compared year on year, by the name a checker reads
FIGURE_NAMES = {
    "proactive_total": "主动公开信息总数",
    "channel": "通过{channel}公开信息数",
    "received": "表三本年新收申请（总计）",
    "result_total": "表三本年度办理结果（总计）",
    "issued": "表二{kind}本年制发件数",
    "in_force": "表二{kind}现行有效件数",
    "decision": "表二{kind}本年处理决定数量",
    "fee": "表二行政事业性收费金额",
    "appeal": "表四{kind}总计",
}
TABLE_NAMES = {"article20": "表二", "applications": "表三", "appeals": "表四"}
TEXT_FIGURE_TABLES = {
    "received": "表三本年新收（总计）",
    "carried_in": "表三上年结转（总计）",
    "carried_out": "表三结转下年度继续办理（总计）",
    "reconsideration": "表四行政复议总计",
    "litigation": "表四行政诉讼总计（直接起诉加复议后起诉）",
}
