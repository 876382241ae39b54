"""``letterpress publish``: pull, check, build, deploy, send what is due, record."""
