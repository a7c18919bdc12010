#!/usr/bin/env python3
"""Bench helper: a pty standing in for the DIN UART. Prints the slave path, then stamps every
byte that arrives on the master with CLOCK_MONOTONIC (the clock Node's hrtime reads) and, when
stdin closes, prints the stamps (ns) as one JSON line. Python, because Node cannot open a pty."""
import json, os, pty, select, sys, time

master, slave = pty.openpty()
import tty
tty.setraw(slave)
print(os.ttyname(slave), flush=True)
stamps = []
while True:
    ready, _, _ = select.select([master, sys.stdin], [], [])
    if master in ready:
        now = time.monotonic_ns()
        data = os.read(master, 4096)
        stamps.extend([now] * len(data))
    if sys.stdin in ready:
        if not os.read(sys.stdin.fileno(), 4096):
            break
print(json.dumps(stamps), flush=True)
