"""``python -m eschool.gateway [--host] [--port]``: the gateway as its own process."""

from __future__ import annotations

import sys

from eschool.common.gateway import GATEWAY_NAME
from eschool.common.serve import main

if __name__ == "__main__":
    raise SystemExit(main([GATEWAY_NAME, *sys.argv[1:]]))
