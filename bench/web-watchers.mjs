// Child process for bench:web: opens N /events streams on the box's page; all but the last
// read and discard, the last reads its first chunk and then never again (a stalled phone).
// Prints "ready" once all are connected, then "closed <i>" when the box drops one.
import { connect } from 'node:net';

const [port, count] = process.argv.slice(2).map(Number);
let ready = 0;
for (let i = 0; i < count; i++) {
  const socket = connect(port, '127.0.0.1', () => socket.write('GET /events HTTP/1.1\r\nHost: box\r\n\r\n'));
  let first = true;
  socket.on('data', () => {
    if (!first) return;
    first = false;
    if (i === count - 1) socket.pause();
    if (++ready === count) console.log('ready');
  });
  socket.on('close', () => console.log(`closed ${i}`));
  socket.on('error', () => undefined);
}
