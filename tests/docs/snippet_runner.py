"""Run code samples one by one, in a process of their own, as a reader would.

Started by the docs tests with the generated package on PYTHONPATH and the client's
environment variables pointing at the sandbox. It reads a JSON list of samples
(`[name, source]`) from the file named on its command line, and for each one prints
`ready NAME`, waits for a line on stdin (the test resets the sandbox meanwhile), runs
the sample in a fresh namespace and prints one JSON line: the name, and the error, if
any, with its traceback.
"""

import contextlib
import io
import json
import sys
import traceback
from pathlib import Path


def main() -> None:
    samples = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    for name, source in samples:
        print(f"ready {name}", flush=True)
        sys.stdin.readline()
        output = io.StringIO()
        error = None
        try:
            code = compile(source, name, "exec")
            namespace = {"__name__": "__main__"}
            with contextlib.redirect_stdout(output):
                exec(code, namespace)  # noqa: S102 - running the samples is the test
        except Exception:
            error = traceback.format_exc(limit=-3)
        print(
            json.dumps({"name": name, "error": error, "output": output.getvalue()}),
            flush=True,
        )


if __name__ == "__main__":
    main()
