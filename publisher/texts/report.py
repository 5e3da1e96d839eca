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
INTRO = (
    "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，"
    "现将{account}{year}年政府信息公开工作年度报告如下。报告数据统计时间为{year}年1月1日至{year}年12月31日。"
)
SIGNATURE_DATE = "{year}年{month}月{day}日"
CHART_BY_TOPIC = "图1　{year}年主动公开信息按话题统计（条）"
CHART_BY_MONTH = "图2　{year}年主动公开信息按月份统计（条）"
CHART_TOPIC = "话题"
CHART_MONTH = "月份"
CHART_COUNT = "数量"
MONTH_LABEL = "{month}月"
PAGE_FOOTER = "第 {page} 页"
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
