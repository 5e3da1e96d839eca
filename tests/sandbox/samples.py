"""Small files with the right magic bytes: the sandbox sniffs formats like WeChat does."""

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
GIF = b"GIF89a" + b"\x00" * 100
KB = 1024


def jpeg_of(size: int) -> bytes:
    return JPEG[:-2] + b"\x00" * (size - len(JPEG)) + b"\xff\xd9"


def article(thumb_media_id: str, **fields) -> dict:
    return {"title": "春耕备耕工作部署会召开", "author": "党政办", "digest": "我镇召开春耕备耕工作部署会",
            "content": "<p>3月1日上午，我镇召开春耕备耕工作部署会。</p>", "thumb_media_id": thumb_media_id,
            **fields}
