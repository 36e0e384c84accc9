from eschool.common.db.migrations import run_env
from eschool.identity.db import metadata

run_env(metadata())
