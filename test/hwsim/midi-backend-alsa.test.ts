import { describeMidiBackendContract, type ContractDevice } from '../contract/midi-backend.contract.js';
import { AlsaMidiBackend } from '../../src/devices/alsa-backend.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { waitFor } from './support/wait.js';

let fixtures = 0;

// The same contract the simulator passes, against real ALSA sequencer ports of a real USB
// MIDI device (a configfs gadget on dummy_hcd) that is really plugged and unplugged.
describeMidiBackendContract('ALSA sequencer with a USB MIDI gadget', async () => {
  const backend = new AlsaMidiBackend();
  const n = ++fixtures;
  const product = `Contract Pad ${n}`;
  const gadget = await UsbMidiGadget.create({
    name: `contract${n}`,
    vendorId: 0x1209,
    productId: 0x0001,
    product,
    serialNumber: `CONTRACT-${n}`,
    inPorts: 1,
    outPorts: 1,
  });
  return {
    backend,
    async plugDevice(): Promise<ContractDevice> {
      gadget.plug();
      await waitFor(() => backend.listPorts().filter((p) => p.clientName === product).length >= 2, {
        what: `ALSA ports of '${product}'`,
        timeoutMs: 10_000,
      });
      const [port] = await gadget.openPorts();
      if (!port) throw new Error('gadget has no port');
      const heard: number[] = [];
      return {
        clientName: product,
        async play(bytes) {
          port.write(bytes);
        },
        async heard() {
          heard.push(...port.take());
          return [...heard];
        },
        async unplug() {
          gadget.unplug();
        },
      };
    },
    async dispose() {
      backend.dispose();
      gadget.remove();
    },
  };
});
