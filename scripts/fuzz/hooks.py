"""Schemathesis hooks for `just fuzz`."""

import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # A cursor is opaque and valid only as the server issued it (`next_cursor`, tied to its sort),
    # which no schema can say: a made-up one is rightly a 400. Valid requests go without one.
    if case.query and "cursor" in case.query and case.meta and case.meta.generation.mode.is_positive:
        del case.query["cursor"]
