import { panelInputContract } from '../../test/contract/panel-input.contract.js';
import { SimInputSource } from './input-source.js';

panelInputContract(
  'simulator',
  async () => {
    const source = new SimInputSource();
    return {
      source,
      plug: async (name) => source.plug(name),
      write: async (name, events) => source.emit(name, events),
      unplug: async (name) => source.unplug(name),
      overrun: async (name, events) => source.overrun(name, events),
      dispose: async () => undefined,
    };
  },
  ['platform-antiphon-keys-event', 'platform-antiphon-enc1-event'],
);
