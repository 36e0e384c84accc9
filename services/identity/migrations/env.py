from eschool.common.db.migrations import run_env
from eschool.identity.db.models import Base

run_env(Base.metadata)
