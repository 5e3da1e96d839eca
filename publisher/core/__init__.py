"""Pure domain code: no SQLAlchemy, no Flask, no wechatpy, no I/O beyond reading
what it is handed."""
