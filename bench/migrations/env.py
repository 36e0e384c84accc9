from eschool.common.db import make_metadata
from eschool.common.db.migrations import run_env

run_env(make_metadata())
