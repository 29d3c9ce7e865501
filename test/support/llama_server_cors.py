"""Run llama_cpp.server with CORS restricted to LLAMA_CORS_ORIGINS (comma-separated; empty = refuse every browser origin).

Same CLI flags as `python -m llama_cpp.server`. llama-cpp-python 0.3.16 hard-codes
CORSMiddleware(allow_origins=["*"], allow_credentials=True) in create_app() and has no setting for it,
so we swap the CORSMiddleware name that app.py looks up at create_app() time.
"""
import os
import sys

import llama_cpp.server.app as _app_mod
from starlette.middleware.cors import CORSMiddleware as _BaseCORS


class _RestrictedCORS(_BaseCORS):
    def __init__(self, app, **kwargs):
        kwargs["allow_origins"] = [o for o in os.environ.get("LLAMA_CORS_ORIGINS", "").split(",") if o]
        super().__init__(app, **kwargs)


_app_mod.CORSMiddleware = _RestrictedCORS

from llama_cpp.server.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
