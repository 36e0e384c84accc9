from eschool.common.db.migrations import run_env
from eschool.scheduling.db import metadata

run_env(metadata())
