from toy.models import Base

from eschool.common.db.migrations import run_env

run_env(Base.metadata)
