"""Staff records, invitations and binding."""

ROLE_NAMES = {"editor": "编辑", "reviewer": "审核人", "admin": "管理员"}

UNKNOWN_ROLE = "角色「{role}」无效，可选：editor（编辑）、reviewer（审核人）、admin（管理员）。"
NAME_REQUIRED = "姓名不能为空，且不超过 32 个字。"
CODE_INVALID = "绑定码无效。请向管理员重新索取绑定码。"
CODE_EXPIRED = "绑定码已过期。请向管理员重新索取绑定码。"
CODE_USED = "绑定码已使用过。每个绑定码只能使用一次。"
OPENID_TAKEN = "您的微信已绑定为「{name}」，无需重复绑定。"
BOUND = "绑定成功！{name}，您的角色是{role}。发送「帮助」查看可用命令。"
USERNAME_TAKEN = "用户名「{username}」已存在。"
PASSWORD_TOO_SHORT = "密码至少 8 个字符。"

INVITED = "{name}（{role}）请向公众号发送「绑定 {code}」，{expires} 前有效。"
BOUND_LABEL = "已绑定"
UNBOUND_LABEL = "未绑定"
MEMBER_INACTIVE = "{name} 已停用。"
