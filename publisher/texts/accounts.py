"""What `govpost account` says to an administrator."""

ADDED = "已添加账号「{name}」({display_name})。重启 govpost web 和 govpost worker 后生效。"
DISABLED = "已停用账号「{name}」。重启 govpost web 和 govpost worker 后生效。"
ALREADY_DISABLED = "账号「{name}」已经停用。"
IN_CONFIG_FILE = "账号「{name}」在 govpost.toml 中配置，由配置文件管理；请修改配置文件。"
EXISTS = "账号「{name}」已存在。"
APPID_TAKEN = "AppID {appid} 已被账号「{name}」使用。"
BAD_VALUE = "参数错误: {problem}"
SECRETS_MISSING = ("账号「{name}」缺少密钥 {fields}：请设置环境变量 {env}，"
                   "或在 secret_file 中写入 [accounts.{name}]（文件权限 600）。密钥不会存入数据库。")
NOT_FOUND = "账号「{name}」不存在。"
SOURCE_FILE = "配置文件"
SOURCE_DATABASE = "数据库"
STATE_DISABLED = "已停用"
STATE_ACTIVE = "使用中"
SECRET_SET = "已设置（来自 {source}）"
SECRET_UNSET = "未设置"
STATE_NOT_IN_DATABASE = "  （不在数据库里: 请运行 `govpost db upgrade`）"
FOOTER_ON = "文末标注撰稿、审核、审签"
FOOTER_OFF = "文末不标注"

# `account show`: each line a Chinese label with the setting's key (as written in govpost.toml
# or given to `account add`) in brackets, then the value.
SHOW_LINE = "{label}（{key}）\t{value}"
SHOW_LABELS = {
    "name": "账号名", "display_name": "公众号名称", "appid": "AppID", "mode": "发布方式", "slots": "发布时段",
    "account_type": "账号类型", "message_mode": "消息加解密方式", "author": "文章作者", "review_footer": "文末署名",
    "source": "配置来源", "state": "状态", "secret": "AppSecret", "token": "Token", "aes_key": "EncodingAESKey",
}
# Where a secret comes from (publisher.account_secrets.secret_sources).
SECRET_SOURCE_NAMES = {"environment": "环境变量", "secret_file": "密钥文件", "govpost.toml": "govpost.toml"}
ACCOUNT_TYPE_NAMES = {"subscription": "订阅号", "service": "服务号"}
MESSAGE_MODE_NAMES = {"plain": "明文模式", "compatible": "兼容模式", "safe": "安全模式"}
