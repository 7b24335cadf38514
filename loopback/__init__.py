"""Servers and clients on 127.0.0.1 for the tests, the benchmark and the reliability battery.

`servers` starts Newsroom as production runs it (gunicorn behind the shipped nginx file) and
`clients` plays readers and editors against it. `urls` and `views` are the test-only routes
such a site may be started with (NEWSROOM_TEST_ROUTES=1), and `photos` the camera photo
whose EXIF every upload must lose. None of it is installed with the site
(pyproject.toml ships only newsroom, articles and comments), and production code never imports
it.
"""
