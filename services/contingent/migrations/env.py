from eschool.common.db.migrations import run_env
from eschool.contingent.db import metadata

run_env(metadata())
