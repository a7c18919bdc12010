// The hw-sim Push 2's display side: a FunctionFS function with one vendor interface and one
// bulk OUT endpoint. Writes the descriptors, then captures what the host sends: each
// 16-byte frame header followed by 327,680 bytes becomes CAPTURE/frame-N.bin. Runs as its
// own process (blocking reads), killed by the suite.
//   node push2-ffs-reader.mjs FFS_MOUNT CAPTURE_DIR
import { closeSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [mount, capture] = process.argv.slice(2);
if (!mount || !capture) {
  process.stderr.write('usage: push2-ffs-reader.mjs FFS_MOUNT CAPTURE_DIR\n');
  process.exit(2);
}
const FRAME_BYTES = 2048 * 160;
const HEADER = [0xff, 0xcc, 0xaa, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

const le32 = (v) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const iface = [9, 4, 0, 0, 1, 0xff, 0, 0, 1];
const bulkOut = (maxPacket) => [7, 5, 0x01, 0x02, maxPacket & 0xff, maxPacket >> 8, 0];
// FUNCTIONFS_DESCRIPTORS_MAGIC_V2, flags HAS_FS_DESC | HAS_HS_DESC, two descriptors per speed.
const body = [...le32(2), ...le32(2), ...iface, ...bulkOut(64), ...iface, ...bulkOut(512)];
const descriptors = Buffer.from([...le32(3), ...le32(12 + body.length), ...le32(3), ...body]);
const text = [...Buffer.from('Display\0', 'latin1')];
const stringBody = [...le32(1), ...le32(1), 0x09, 0x04, ...text];
const strings = Buffer.from([...le32(2), ...le32(8 + stringBody.length), ...stringBody]);

// ep0 stays open for the life of the function: closing it would take the function away.
const ep0 = openSync(join(mount, 'ep0'), 'r+');
writeSync(ep0, descriptors);
writeSync(ep0, strings);
writeFileSync(join(capture, 'ready'), String(process.pid));

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms) => Atomics.wait(sleeper, 0, 0, ms);
const buf = Buffer.alloc(16384);
let frame = null;
let got = 0;
let frames = 0;
let stray = 0;
let errors = 0;
let ep1 = -1;

const status = () => writeFileSync(join(capture, 'status.json'), JSON.stringify({ frames, stray, errors }));
for (;;) {
  if (ep1 < 0) {
    try {
      ep1 = openSync(join(mount, 'ep1'), 'r');
    } catch {
      pause(50);
      continue;
    }
  }
  let n;
  try {
    n = readSync(ep1, buf, 0, buf.length, null);
  } catch {
    // Unplugged (the endpoint is disabled): drop the partial frame, wait for the next plug.
    errors++;
    frame = null;
    closeSync(ep1);
    ep1 = -1;
    status();
    pause(50);
    continue;
  }
  if (n === 16 && HEADER.every((b, i) => buf[i] === b)) {
    if (frame) stray += got;
    frame = Buffer.alloc(FRAME_BYTES);
    got = 0;
  } else if (frame) {
    const take = Math.min(n, FRAME_BYTES - got);
    buf.copy(frame, got, 0, take);
    got += take;
    stray += n - take;
    if (got === FRAME_BYTES) {
      const file = join(capture, `frame-${String(frames).padStart(6, '0')}.bin`);
      writeFileSync(`${file}.part`, frame);
      renameSync(`${file}.part`, file);
      frames++;
      frame = null;
      status();
    }
  } else stray += n;
}
