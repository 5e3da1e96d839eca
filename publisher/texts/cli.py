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

# A command that calls WeChat itself (import-history, reach pull) and gets no answer or a refusal.
WECHAT_UNREACHABLE = ("无法连接微信接口 {url}（{reason}）。沙箱模式下请先运行 govpost serve；"
                      "它不在 http://127.0.0.1:8000 时请设置 GOVPOST_URL。")
WECHAT_NO_ANSWER = "微信接口 {url} 没有回答（{reason}），请稍后再试。"
WECHAT_REFUSED = "微信接口 {url} 拒绝了请求: 错误码 {errcode}（{errmsg}）"
WECHAT_HTTP_STATUS = "微信接口 {url} 返回 HTTP {status}"

TICK_DONE = "调度: 处理了 {count} 个发布批次"
WORKER_STARTED = "govpost 调度器: 每 {interval} 秒运行一次；按 Ctrl-C 停止"

DB_UPGRADED = "数据库 {url} 已是最新结构（{count} 个账号）"
SERVE_RUNNING = "govpost 已在 {url} 运行\n  健康检查: {url}/healthz"
SERVE_SANDBOX = ("  沙箱模式: 没有配置微信凭据，本机的模拟微信接口一并提供\n"
                 "  沙箱状态: {url}/sandbox/state\n"
                 "  试试机器人: .venv/bin/govpost staff invite 张三 --role editor，然后\n"
                 "              .venv/bin/govpost say --as 张三 绑定 <邀请码>（README:「试用机器人」）")
SERVE_STOP = "  按 Ctrl-C 停止"
SANDBOX_RUNNING = ("沙箱微信接口在 {url}/（状态: {url}/sandbox/state）\n"
                   "让 govpost 使用它: GOVPOST_WECHAT_API_BASE={url}/")
PORT_BUSY = "{host}:{port} 已被占用（govpost 已经在运行？）。换一个端口: --port 8010，或设置 GOVPOST_URL。"
PORT_UNUSABLE = "无法在 {host}:{port} 上监听: {reason}"

OUT_NEEDED = "docx 和 xlsx 格式要用 --out 文件 指定写到哪里"
COUNTY_FORMATS = "--county 的 --format 只能是 {formats}"
