from eschool.common.db.migrations import run_env
from eschool.journal.db import metadata

run_env(metadata())
