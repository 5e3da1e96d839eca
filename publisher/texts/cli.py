"""What the command line says to an administrator."""

CONFIG_PROBLEM = "配置错误: {problem}"
UNKNOWN_ACCOUNT = "账号「{name}」不存在。先运行 `govpost db upgrade`。"
SCHEMA_NOT_CURRENT = "数据库 {url} 还没有建好，或不是最新结构。请先运行 `govpost db upgrade`。"
