"""One line per operation for the peer-client check: `ok   LIB  OPERATION: detail` or
`FAIL LIB  OPERATION: why`. The drivers call `step`; `.ci/peer-check` counts the lines."""

import sys
import traceback

failures = 0


def step(lib, name, fn, *, needs=None):
    """Runs `fn()`; prints one line; returns its value (None when it failed or when an
    operation it needs failed before)."""
    global failures
    if needs is not None and any(n is None for n in needs):
        failures += 1
        print(f"FAIL {lib}  {name}: not run, an operation it needs failed", flush=True)
        return None
    try:
        value, detail = fn()
    except Exception as err:  # noqa: BLE001 - every failure is reported, none is fatal
        failures += 1
        why = " ".join(f"{type(err).__name__}: {err}".split())
        if len(why) > 600:
            why = why[:600] + "…"
        print(f"FAIL {lib}  {name}: {why}", flush=True)
        if "PEER_DEBUG" in __import__("os").environ:
            traceback.print_exc()
        return None
    print(f"ok   {lib}  {name}: {detail}", flush=True)
    return value


def check(condition, message):
    """Raises with `message` unless `condition` holds."""
    if not condition:
        raise AssertionError(message)


def finish():
    sys.exit(1 if failures else 0)
