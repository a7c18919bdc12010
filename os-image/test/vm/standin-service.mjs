// A stand-in for the box under systemd until the box itself calls the notifier: it uses
// the real notifier, watchdog and realtime code from the installed package, with a worker
// thread in the model worker's place (it answers pings until SIGUSR1 makes it hang) and a
// second thread moved to SCHED_FIFO as the clock output thread is. SIGTERM stops it cleanly.
import { Worker } from 'node:worker_threads';

const dist = process.env.ANTIPHON_DIST ?? '/usr/lib/antiphon/dist';
const { createSystemdNotifier } = await import(`${dist}/system/notify/create-notifier.js`);
const { startWatchdog, eventLoopDelayMeter } = await import(`${dist}/system/watchdog-driver.js`);
const { nodeTimers } = await import(`${dist}/clock/timers.js`);
const { hrtimeClock } = await import(`${dist}/clock/time-source.js`);

const line = (level) => (fields, msg) => console.log(JSON.stringify({ level, msg, ...fields }));
const log = { info: line('info'), warn: line('warn') };
const notifier = createSystemdNotifier({ log });
await notifier.status('starting (stand-in)');

const modelWorker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (m) => { if (m === 'hang') for (;;) {} else parentPort.postMessage('pong'); });`,
  { eval: true },
);
const clockThread = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   import(workerData).then(({ raiseThreadToRealtime }) => parentPort.postMessage(raiseThreadToRealtime(50)));
   setInterval(() => {}, 1000);`,
  { eval: true, workerData: `${dist}/clock/realtime-thread.js` },
);
const realtime = await new Promise((resolve) => clockThread.once('message', resolve));
log.info({ realtime }, 'stand-in: clock thread priority');

const meter = eventLoopDelayMeter();
startWatchdog({
  notifier,
  timers: nodeTimers,
  clock: hrtimeClock,
  takeLoopDelayMs: () => meter.takeMaxMs(),
  maxLoopDelayMs: 2000,
  threads: [
    {
      name: 'model-worker:standin',
      maxAnswerMs: 3000,
      ping: (answered) => {
        modelWorker.once('message', answered);
        modelWorker.postMessage('ping');
      },
    },
  ],
  log,
});

process.on('SIGUSR1', () => modelWorker.postMessage('hang'));
process.on('SIGTERM', async () => {
  await notifier.status('stopping (stand-in)');
  await notifier.stopping();
  process.exit(0);
});
await notifier.ready();
await notifier.status(
  `listening (stand-in; clock thread ${realtime.ok ? `SCHED_FIFO tid ${realtime.tid}` : `not real-time: ${realtime.reason}`})`,
);
setInterval(() => {}, 60_000);
