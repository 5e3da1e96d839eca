"""The tables. Import from here: `from publisher.models import Post`."""
from publisher.core.roles import REVIEWER_ROLES, ROLES, Role

from .account import Account
from .audit import AuditEntry, AuditLogIsAppendOnly
from .base import Base, UTCDateTime
from .bundle import PublishBundle
from .chat import Approval, BindFailure, DraftSession
from .inbound import InboundMessage
from .ledger import WECHAT_CHANNEL, LedgerEntry
from .post import Post, PostBlock, PostImage
from .periodic import PeriodicRun
from .publishing import PublishQuota, SchedulerHeartbeat
from .reach import ReachFigure, ReachPull
from .replay import WebhookReplay
from .registers import AppealCase, Article20Entry, DisclosureApplication, RegisterOpening
from .staff import AdminUser, ConsoleLoginFailure, InviteCode, Staff
from .task import Task
from .token import WeChatToken
from .topic import Topic

__all__ = [
    "Account",
    "AdminUser",
    "AppealCase",
    "Approval",
    "Article20Entry",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Base",
    "BindFailure",
    "ConsoleLoginFailure",
    "DisclosureApplication",
    "DraftSession",
    "InboundMessage",
    "InviteCode",
    "LedgerEntry",
    "PeriodicRun",
    "Post",
    "PostBlock",
    "PostImage",
    "PublishBundle",
    "PublishQuota",
    "ReachFigure",
    "ReachPull",
    "RegisterOpening",
    "REVIEWER_ROLES",
    "ROLES",
    "Role",
    "SchedulerHeartbeat",
    "Staff",
    "Task",
    "Topic",
    "UTCDateTime",
    "WECHAT_CHANNEL",
    "WeChatToken",
    "WebhookReplay",
]
