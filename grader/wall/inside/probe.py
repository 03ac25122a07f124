"""The probe: run inside a freshly built wall, it says whether the wall holds and grading can work in it.

    python probe.py CONFIG_JSON  ->  one JSON line {"problems": [...], "uid": n}

CONFIG: {"uid", "gid"} to switch to (or null), "imports" that must work, "hidden": {folder: names
allowed to show in it}, "readonly": folders where creating a file must fail.
"""
import importlib
import json
import os
import socket
import sys

import jail

LOOPBACK_ONLY = ["lo"]


def problems(cfg):
    """What is wrong with this wall (empty when it holds): imports, hidden folders, writes, network."""
    found = []
    for name in cfg["imports"]:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any failure means grading cannot work in this wall
            found.append(f"cannot import {name} inside the wall ({type(exc).__name__}: {exc})")
    for folder, allowed in cfg["hidden"].items():
        try:
            extra = sorted(set(os.listdir(folder)) - set(allowed))
        except OSError:
            extra = []
        if extra:
            found.append(f"{folder} is not hidden inside the wall (shows {', '.join(extra[:3])})")
    for folder in cfg["readonly"]:
        try:
            with open(os.path.join(folder, ".probe-write"), "w"):
                pass
            found.append(f"{folder} is writable inside the wall")
        except OSError:
            pass
    interfaces = sorted(name for _, name in socket.if_nameindex())
    if interfaces != LOOPBACK_ONLY:
        found.append(f"network interfaces inside the wall: {', '.join(interfaces)}")
    return found


def main(cfg):
    """Switch user when asked, then check; print the verdict."""
    if cfg["uid"] is not None:
        jail.become(cfg["uid"], cfg["gid"])
    print(json.dumps({"problems": problems(cfg), "uid": os.getuid()}), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
