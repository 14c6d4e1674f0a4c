"""Runs moto's server and exits when its parent goes away (stdin closes), so an interrupted
test run or launcher never leaves an orphan emulator behind, even after a SIGKILL."""
import os
import sys
import threading

from moto.server import main


def exit_when_parent_dies() -> None:
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=exit_when_parent_dies, daemon=True).start()
main(sys.argv[1:])
