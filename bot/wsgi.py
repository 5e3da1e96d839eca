"""For gunicorn: `gunicorn 'bot.wsgi:app'`. Configuration comes from govpost.toml and the
environment, as for `govpost web`; in sandbox mode set GOVPOST_WECHAT_API_BASE to the
sandbox (`govpost sandbox`)."""
from bot.app import create_app

app = create_app()
