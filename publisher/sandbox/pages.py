"""Published articles as web pages: what a reader opening the article URL would see."""

from __future__ import annotations

from datetime import datetime
from html import escape

import nh3

from .clock import BEIJING
from .state import Publication

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{max-width:40em;margin:2em auto;padding:0 1em;font-family:sans-serif;line-height:1.7}}
.meta{{color:#888}} img{{max-width:100%}}</style></head>
<body><article>
<h1 id="activity-name">{title}</h1>
<p class="meta"><span id="js_author">{author}</span> <span id="publish_time">{published}</span>
<span class="source">[sandbox {source}]</span></p>
<img class="cover" src="{cover}" alt="">
<div id="js_content">{content}</div>
</article></body></html>
"""


def render_article(publication: Publication, idx: int) -> str:
    """One article of a publication; the body passes through nh3 as WeChat filters scripts."""
    article = publication.articles[idx - 1]
    published = datetime.fromtimestamp(publication.published_at, BEIJING).strftime("%Y-%m-%d %H:%M")
    return PAGE.format(
        title=escape(article["title"]),
        author=escape(article.get("author") or ""),
        published=published,
        source=escape(publication.source),
        cover=escape(f"{publication.base_url}sandbox/media/{article['thumb_media_id']}"),
        content=nh3.clean(article.get("content") or ""),
    )
