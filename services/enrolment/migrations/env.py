from eschool.common.db.migrations import run_env
from eschool.enrolment.db import metadata

run_env(metadata())
