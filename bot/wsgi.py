"""For gunicorn: `gunicorn 'bot.wsgi:app'`. Configuration comes from govpost.toml and the
environment, as for `govpost web`; in sandbox mode set GOVPOST_WECHAT_API_BASE to the
sandbox (`govpost sandbox`)."""
from bot.app import create_app
from publisher.background.jobs import start_task_runner

app = create_app()
# Each gunicorn worker runs due background tasks too; claims make sure each runs once.
start_task_runner(app.extensions["govpost"])
