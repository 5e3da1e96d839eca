"""统计 and 登记: the ledger from the chat, through the same queries and writes as the CLI."""
from __future__ import annotations

import re

from bot.commands.registry import CommandContext, command
from publisher.core.years import year_refusal
from publisher.services import drafting
from publisher.services.ledger import add_entry, resolve_channel, resolve_topic
from publisher.texts import ledger as texts
from stats import reach
from stats.queries import year_counts

_YEAR = re.compile(r"^(\d{4})年?$")


@command("统计", role="staff", usage="统计 [年份]")
def statistics(ctx: CommandContext, args: str) -> str:
    """本年（或指定年份）按渠道和话题的公开数量"""
    tz = ctx.runtime.settings.timezone
    wanted = args.strip()
    match = _YEAR.match(wanted)
    if wanted and not match:
        return texts.STATS_BAD_YEAR.format(value=wanted)
    this_year = ctx.now.astimezone(tz).year
    year = int(match.group(1)) if match else this_year
    refusal = year_refusal(year, this_year)
    if refusal:
        return refusal
    channels = [c.name for c in ctx.runtime.settings.channels]
    topics = [t.name for t in drafting.topics(ctx.session, ctx.account.id)]
    counts = year_counts(ctx.session, ctx.account.id, year, channels, topics)
    lines = [texts.STATS_HEADER.format(year=year, total=counts.total)]
    lines += [texts.STATS_CHANNEL.format(channel=c, count=n) for c, n in counts.by_channel.items()]
    if counts.by_topic:
        lines.append(texts.STATS_TOPICS)
        lines += [texts.STATS_TOPIC.format(topic=t, count=n) for t, n in counts.by_topic.items()]
    if counts.guessed:
        lines.append(texts.STATS_GUESSED.format(count=counts.guessed))
    if counts.deleted:
        lines.append(texts.STATS_DELETED.format(count=counts.deleted))
    lines += reach.describe_year(reach.year_reach(ctx.session, ctx.account.id, year))
    return "\n".join(lines)


@command("登记", role="editor", usage="登记 #话题 <标题> [@渠道]")
def register_offline(ctx: CommandContext, args: str) -> str:
    """把公开栏、广播、会议等线下公开登记进台账"""
    words = args.split()
    if len(words) < 2 or words[0][0] not in "#＃":
        return texts.REGISTER_USAGE
    channels = ctx.runtime.settings.channels
    channel_word = words.pop() if words[-1][0] in "@＠" else None
    title = " ".join(words[1:])
    # Without @渠道 the first offline channel (三务公开栏 by default): WeChat items come from publishing.
    default = channels[1].name if len(channels) > 1 else None
    if channel_word is None and default is None:
        return texts.REGISTER_USAGE
    channel = resolve_channel(channel_word.lstrip("＠"), channels) if channel_word else default
    entry = add_entry(
        ctx.session, account_id=ctx.account.id, channel=channel,
        topic=resolve_topic(ctx.session, ctx.account.id, words[0]), title=title, published_at=ctx.now,
        source="manual", actor=ctx.actor, clock=ctx.runtime.clock, timezone=ctx.runtime.settings.timezone)
    return texts.ADDED.format(day=entry.disclosed_on, channel=entry.channel, topic=entry.topic, title=entry.title,
                              id=entry.id)
