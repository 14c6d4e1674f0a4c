"""Schemathesis hooks for Agora's fuzz run (tools/test/fuzz.test.ts loads this file).

A paging cursor is opaque: the API authenticates the cursors it issues, so a string the schema
allows is still, almost always, one it never issued, and refusing that with a 400 is right. A
case meant to be valid (positive) therefore carries a cursor only if the API issued it: every
`nextCursor` an answer carried is remembered, and any other cursor is dropped from a positive
case before it is sent. The document links each listing to its next page (its `nextCursor`), so
the stateful phase sends issued cursors, and positive_data_acceptance holds those to a 2xx.
Cases meant to be invalid keep whatever cursor they carry; forged cursors are the services' own
tests.
"""
import json

import schemathesis

issued_cursors: set[str] = set()


@schemathesis.hook
def after_call(context, case, response):
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, UnicodeDecodeError):
        return
    if isinstance(body, dict) and isinstance(body.get("nextCursor"), str):
        issued_cursors.add(body["nextCursor"])


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.query, dict):
        return
    cursor = case.query.get("cursor")
    if cursor is not None and cursor not in issued_cursors:
        del case.query["cursor"]
