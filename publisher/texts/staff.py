"""Staff records, invitations and binding."""

ROLE_NAMES = {"editor": "编辑", "reviewer": "审核人", "admin": "管理员"}

UNKNOWN_ROLE = "角色「{role}」无效，可选：editor（编辑）、reviewer（审核人）、admin（管理员）。"
NAME_REQUIRED = "姓名不能为空，且不超过 32 个字。"
CODE_INVALID = "绑定码无效。请向管理员重新索取绑定码。"
CODE_EXPIRED = "绑定码已过期。请向管理员重新索取绑定码。"
CODE_USED = "绑定码已使用过。每个绑定码只能使用一次。"
CODE_CANCELLED = "绑定码已作废（管理员已重新邀请或解除了绑定）。请向管理员索取最新的绑定码。"
OPENID_TAKEN = "您的微信已绑定为「{name}」，无需重复绑定。"
BOUND = "绑定成功！{name}，您的角色是{role}。发送「帮助」查看可用命令。"
USERNAME_TAKEN = "用户名「{username}」已存在。"
PASSWORD_TOO_SHORT = "密码至少 8 个字符。"
SECRET_KEY_MISSING = "未设置 secret_key（或环境变量 GOVPOST_SECRET_KEY），无法生成或核对绑定码。请先在配置中设置一个足够长的随机字符串。"
ALREADY_BOUND = ("「{name}」已绑定微信，不能再发绑定码（否则旧绑定可被顶替）。如需换绑，请先运行 "
                 "govpost staff unbind {name}；如需移除此人，运行 govpost staff deactivate {name}。")
NOT_BOUND = "「{name}」尚未绑定微信，无需解绑。"
NO_SUCH_MEMBER = "没有名为（或编号为）「{who}」的在职人员。可用 govpost staff list 查看。"
NAME_AMBIGUOUS = "有多位名为「{name}」的在职人员（编号 {ids}），请用编号指明。"
UNBOUND = "已解除「{name}」的微信绑定。此微信号今后按群众对待；如需重新绑定，请运行 govpost staff invite {name} --role …。"
DEACTIVATED = "已停用「{name}」：其微信不再能使用任何命令，未用的绑定码已作废。记录保留在审计日志中。"

INVITED = "{name}（{role}）请向公众号发送「绑定 {code}」，{expires} 前有效。"
BOUND_LABEL = "已绑定"
UNBOUND_LABEL = "未绑定"
DEACTIVATED_LABEL = "已停用"
MEMBER_INACTIVE = "{name} 已停用。"
ADMIN_CREATED = "控制台登录 {username} 已创建"
