"""What the command line says to an administrator."""

CONFIG_PROBLEM = "配置错误: {problem}"
UNKNOWN_ACCOUNT = "账号「{name}」不存在。先运行 `govpost db upgrade`。"
SCHEMA_NOT_CURRENT = "数据库 {url} 还没有建好，或不是最新结构。请先运行 `govpost db upgrade`。"
SANDBOX_NOT_LOOPBACK = ("警告: 沙箱模式（没有配置微信凭据）正在 {host} 上对外提供服务。沙箱的模拟微信接口和"
                        "测试凭据任何人都能访问，只应在本机（127.0.0.1）使用；正式上线请配置真实的公众号凭据，"
                        "并在 govpost 前面放 nginx（docs/deploy.md）。")

# One line for every failure a command meets: the central handler (bot/cli/failures.py).
ERROR_LINE = "错误: {message}"
DATABASE_UNUSABLE = "数据库 {url} 无法使用: {reason}"
DATABASE_REASONS = {
    "does not exist": "数据库不存在（先在 PostgreSQL 里创建它，再运行 `govpost db upgrade`）",
    "connection refused": "服务器拒绝连接（数据库服务器没有运行，或地址、端口不对）",
    "password authentication failed": "用户名或密码不对",
    "could not translate host name": "找不到这个主机名",
    "name or service not known": "找不到这个主机名",
    "unable to open database file": "无法打开数据库文件（目录不存在或没有权限）",
    "database is locked": "数据库被其他进程锁住，请稍后再试",
    "timeout expired": "连接超时",
}
FILE_FAILED = "{path}: {reason}"
FILE_REASONS = {
    "ENOENT": "目录或文件不存在",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EISDIR": "这是一个目录，不是文件",
    "ENOTDIR": "路径中有一段不是目录",
    "ENOSPC": "磁盘已满",
    "EROFS": "文件系统只读",
    "EEXIST": "已经存在",
}
UNEXPECTED = "govpost 内部故障（{kind}: {detail}）。设置 GOVPOST_LOG_LEVEL=DEBUG 可看到详细信息。"

# `govpost say` (and the console's sandbox chat, which talks to the webhook the same way).
SAY_NEEDS_SENDER = "请用 --as 姓名 或 --openid OPENID 指定以谁的身份发送"
SAY_NOTHING = "没有要发送的内容：在命令后面写上文字，或用 --image 发送图片"
SAY_IMAGE_NEEDS_SANDBOX = "--image 只能在沙箱模式下使用（真实微信的图片 media_id 来自手机）"
SAY_NEEDS_AES_KEY = ("账号「{name}」没有 aes_key（EncodingAESKey），不能用 {mode} 消息模式发送："
                     "在 govpost.toml 的 [[accounts]] 里设置 aes_key，或改用 --mode plain")
SAY_NO_REPLY = "（没有回复）"
CHAT_UNREACHABLE = "无法连接 {url}（{reason}）。govpost 在运行吗？端口不是 8000 时请设置 GOVPOST_URL。"
CHAT_HTTP_STATUS = "{url} 返回 HTTP {status}"
CHAT_UPLOAD_REFUSED = "沙箱拒收这张图片（微信错误码 {errcode}）"
CHAT_STATE_UNREADABLE = "无法读取沙箱状态 {url}（{reason}）"
CONNECTION_REASONS = {
    "ConnectionError": "连接失败",
    "ConnectTimeout": "连接超时",
    "ReadTimeout": "等待回复超时",
    "Timeout": "超时",
    "SSLError": "TLS 证书有问题",
    "JSONDecodeError": "回复不是 JSON",
}
