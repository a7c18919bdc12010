#!/usr/bin/env python3
"""A uinput event device for the panel suite: the kernel's own /dev/input stand-in for the
rotary-encoder and gpio-keys drivers (see panel.test.ts for why). Creates a device with the
reference panel's axes (REL_X..REL_RX) and keys (BTN_0..BTN_9), prints its /dev/input/eventN,
then reads "type code value" lines from stdin and writes each as one event (SYN_REPORTs
included, as the caller gives them), answering "ok" for each.
EOF on stdin destroys the device (an unplug)."""
import fcntl, os, struct, sys, time

UI_SET_EVBIT, UI_SET_KEYBIT, UI_SET_RELBIT = 0x40045564, 0x40045565, 0x40045566
UI_DEV_SETUP, UI_DEV_CREATE, UI_DEV_DESTROY = 0x405C5503, 0x5501, 0x5502
EV_SYN, EV_KEY, EV_REL = 0, 1, 2
name = sys.argv[1] if len(sys.argv) > 1 else "antiphon-panel-sim"

fd = os.open("/dev/uinput", os.O_WRONLY | os.O_NONBLOCK)
fcntl.ioctl(fd, UI_SET_EVBIT, EV_KEY)
for code in range(0x100, 0x10A):
    fcntl.ioctl(fd, UI_SET_KEYBIT, code)
fcntl.ioctl(fd, UI_SET_EVBIT, EV_REL)
for axis in range(0, 4):
    fcntl.ioctl(fd, UI_SET_RELBIT, axis)
# struct uinput_setup { struct input_id { u16 bustype, vendor, product, version }; char name[80]; u32 ff_effects_max; }
fcntl.ioctl(fd, UI_DEV_SETUP, struct.pack("HHHH80sI", 0x06, 0x1209, 0x0001, 1, name.encode(), 0))
fcntl.ioctl(fd, UI_DEV_CREATE)

event = None
for _ in range(500):
    for entry in os.listdir("/sys/class/input"):
        if entry.startswith("event"):
            try:
                with open(f"/sys/class/input/{entry}/device/name") as f:
                    if f.read().strip() == name:
                        event = entry
            except OSError:
                pass
    if event and os.path.exists(f"/dev/input/{event}"):
        break
    time.sleep(0.01)
if not event:
    sys.exit(f"panel-uinput: {name} never appeared under /sys/class/input")
print(f"/dev/input/{event}", flush=True)

def emit(t, c, v):
    now = time.time()
    sec = int(now)
    os.write(fd, struct.pack("llHHi", sec, int((now - sec) * 1e6), t, c, v))

for line in sys.stdin:
    parts = line.split()
    if len(parts) != 3:
        continue
    emit(int(parts[0]), int(parts[1]), int(parts[2]))
    print("ok", flush=True)

fcntl.ioctl(fd, UI_DEV_DESTROY)
os.close(fd)
