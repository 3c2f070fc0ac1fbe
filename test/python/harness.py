"""Runs named checks and reports each one as a line of JSON, so that a failure says which check failed.

Every line the test reads starts with CHECK_LINE: first a plan (the number of checks and the SDK
versions), then one result per check: {"name", "ok", "error"?, "facts"?}. The exit status is 1 when any
check failed.
"""
import json
import sys
import traceback
from importlib.metadata import version

CHECK_LINE = "@@check "


class Checks:
    def __init__(self, packages):
        self._checks = []
        self._packages = packages

    def check(self, name):
        def register(fn):
            self._checks.append((name, fn))
            return fn

        return register

    def run(self, only=None):
        selected = [(n, f) for n, f in self._checks if only is None or only(n)]
        versions = {p: version(p) for p in self._packages}
        self._emit({"plan": len(selected), "versions": versions})
        failed = 0
        for name, fn in selected:
            try:
                facts = fn()
                self._emit({"name": name, "ok": True, "facts": facts} if facts else {"name": name, "ok": True})
            except Exception as err:  # noqa: BLE001 - every failure is reported by name
                failed += 1
                detail = "".join(traceback.format_exception_only(type(err), err)).strip()
                self._emit({"name": name, "ok": False, "error": detail, "trace": traceback.format_exc(limit=4)})
        return 1 if failed else 0

    @staticmethod
    def _emit(record):
        sys.stdout.write(CHECK_LINE + json.dumps(record) + "\n")
        sys.stdout.flush()


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def expect_error(fn, status, code, what):
    """Calls fn, which must raise an SDK error with this HTTP status (None: any) and error code."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - both SDKs' error types are checked by their accessors
        got_code = err.get_error_code() if hasattr(err, "get_error_code") else getattr(err, "code", None)
        got_status = err.get_status_code() if hasattr(err, "get_status_code") else None
        if got_code != code or (status is not None and got_status != status):
            raise AssertionError("%s: expected %s %s, got %s %s (%s)" % (what, status, code, got_status, got_code, err))
        return err
    raise AssertionError("%s: expected %s %s, but the call succeeded" % (what, status, code))
