"""What the command line says to an administrator."""

CONFIG_PROBLEM = "配置错误: {problem}"
UNKNOWN_ACCOUNT = "账号「{name}」不存在。先运行 `govpost db upgrade`。"
SCHEMA_NOT_CURRENT = "数据库 {url} 还没有建好，或不是最新结构。请先运行 `govpost db upgrade`。"
SANDBOX_NOT_LOOPBACK = ("警告: 沙箱模式（没有配置微信凭据）正在 {host} 上对外提供服务。沙箱的模拟微信接口和"
                        "测试凭据任何人都能访问，只应在本机（127.0.0.1）使用；正式上线请配置真实的公众号凭据，"
                        "并在 govpost 前面放 nginx（docs/deploy.md）。")
