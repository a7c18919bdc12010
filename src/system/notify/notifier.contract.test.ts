import { systemdNotifierContract } from '../../../test/contract/systemd-notifier.contract.js';
import { startNotifySocketListener } from '../../../test/support/notify-socket-listener.js';
import { RecordingNotifier } from './recording-notifier.js';
import { CommandNotifier, systemdNotifyCommand } from './systemd-notify-command.js';

const silentLog = { warn: () => undefined, info: () => undefined };

systemdNotifierContract('recorder', () => {
  const notifier = new RecordingNotifier();
  return Promise.resolve({ notifier, received: () => notifier.messages, dispose: () => Promise.resolve() });
});

// The real sender: Debian's systemd-notify, to a real Unix datagram socket.
systemdNotifierContract('systemd-notify command', async () => {
  const listener = await startNotifySocketListener();
  const notifier = new CommandNotifier({
    socketPath: listener.socketPath,
    watchdogIntervalMs: undefined,
    send: systemdNotifyCommand(),
    log: {
      warn: (fields, msg) => {
        throw new Error(`${msg}: ${JSON.stringify(fields)}`);
      },
      info: silentLog.info,
    },
  });
  return { notifier, received: () => listener.messages, dispose: () => listener.close() };
});
