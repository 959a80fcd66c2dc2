"""`make dev`: start the Dagster UI (`dagster dev`) on this project's workspace.

Started from make, the process may inherit SIGINT/SIGTERM as *ignored* (make run in the
background, some CI shells); an ignored disposition survives exec, and dagster dev could
then not be stopped with Ctrl-C or `kill`. This wrapper restores the default handlers
before exec'ing dagster.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from orchestration import settings
from orchestration.instance import prepare_dagster_home


def main(argv: list[str] | None = None) -> None:
    extra = list(sys.argv[1:] if argv is None else argv)
    home = prepare_dagster_home(Path(os.environ.get("DAGSTER_HOME") or settings.DEFAULT_DAGSTER_HOME))
    os.environ["DAGSTER_HOME"] = str(home)
    bin_dir = Path(sys.executable).parent
    # dagster-dbt runs `dbt parse` under dagster dev and looks `dbt` up on PATH.
    os.environ["PATH"] = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    os.chdir(settings.REPO_ROOT)
    dagster = bin_dir / "dagster"
    command = [str(dagster), "dev", "-h", "127.0.0.1", "-w", "workspace.yaml", *extra]
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
