import { describe } from 'vitest';
import { displayLinkContract } from '../../test/contract/display-link.contract.js';
import { RecordingDisplayLink, type DisplayLink } from './display-link.js';

describe('DisplayLink contract: the recording simulator', () => {
  displayLinkContract({
    open: async () => Promise.resolve(new RecordingDisplayLink()),
    unplug: async (link: DisplayLink) => {
      (link as RecordingDisplayLink).failNext = Infinity;
      await Promise.resolve();
    },
    received: async (link: DisplayLink) => Promise.resolve((link as RecordingDisplayLink).frames),
  });
});
