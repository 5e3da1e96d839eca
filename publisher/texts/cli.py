"""What the command line says to an administrator."""

CONFIG_PROBLEM = "配置错误: {problem}"
UNKNOWN_ACCOUNT = "账号「{name}」不存在。先运行 `govpost db upgrade`。"
