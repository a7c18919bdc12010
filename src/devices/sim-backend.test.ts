import { describeMidiBackendContract, type ContractDevice } from '../../test/contract/midi-backend.contract.js';
import { SimMidiBackend } from './sim-backend.js';

describeMidiBackendContract('simulator', async () => {
  const backend = new SimMidiBackend();
  return {
    backend,
    async plugDevice(): Promise<ContractDevice> {
      const client = backend.plug({ clientName: 'Sim Pad', inputs: ['Sim Pad MIDI 1'], outputs: ['Sim Pad MIDI 1'] });
      const inId = `${client}:0:input`;
      const outId = `${client}:0:output`;
      const heard: number[] = [];
      return {
        clientName: 'Sim Pad',
        async play(bytes) {
          backend.feed(inId, bytes);
        },
        async heard() {
          for (const chunk of backend.drain(outId)) heard.push(...chunk);
          return [...heard];
        },
        async unplug() {
          backend.unplug(client);
        },
      };
    },
    async dispose() {
      backend.dispose();
    },
  };
});
