import { describe, expect, it } from 'vitest';
import { defaultGlobals, defaultVoice } from '../control/parameter-store.js';
import { parameterNamed } from '../control/parameters.js';
import { changedCommands, KIT_NAMES, synthCommands, synthVoiceChannels } from './synth-commands.js';

describe('synthCommands', () => {
  it('knows every kit the registry offers', () => {
    const kit = parameterNamed('kit');
    expect(kit?.kind === 'choice' && kit.options).toEqual(KIT_NAMES);
  });

  it("gives each voice's synth channel its kit, and every other channel the standard kit", () => {
    const state = {
      global: defaultGlobals(),
      voices: [
        { name: 'A', values: { ...defaultVoice(), channel: 10, kit: 'brush' } },
        { name: 'B', values: { ...defaultVoice(), channel: 10, kit: 'power' } },
        { name: 'C', values: { ...defaultVoice(), channel: 11, kit: 'tr-808' } },
      ],
    };
    const c = synthCommands(state);
    expect(c.get('kit:9')).toBe('select 9 1 128 40');
    expect(c.get('kit:10')).toBe('select 10 1 128 25');
    // B shares channel 10 with A on the wire; on the synth it moves past C's channel 11.
    expect(c.get('kit:11')).toBe('select 11 1 128 16');
    expect(c.get('kit:0')).toBe('select 0 1 128 0');
    expect(c.size).toBe(2 + 16 * 4);
  });

  it('puts two voices left on the default channel on channels 10 and 11 of the synth, each with its own kit', () => {
    const state = {
      global: defaultGlobals(),
      voices: [
        { name: 'A', values: defaultVoice() },
        { name: 'B', values: { ...defaultVoice(), kit: 'tr-808' } },
      ],
    };
    expect(defaultVoice()['channel']).toBe(10);
    expect([...synthVoiceChannels(state)]).toEqual([
      ['A', 9],
      ['B', 10],
    ]);
    const c = synthCommands(state);
    expect(c.get('kit:9')).toBe('select 9 1 128 0');
    expect(c.get('kit:10')).toBe('select 10 1 128 25');
  });

  it('moves a voice off a taken channel by counting up, wrapping past 16 and skipping GM drums (10)', () => {
    const voices = (channels: number[]) => ({
      global: defaultGlobals(),
      voices: channels.map((channel, i) => ({ name: `V${i}`, values: { ...defaultVoice(), channel } })),
    });
    expect([...synthVoiceChannels(voices([16, 16])).values()]).toEqual([15, 0]);
    expect([...synthVoiceChannels(voices([9, 9, 9])).values()]).toEqual([8, 10, 11]);
    expect([...synthVoiceChannels(voices([1, 2, 3])).values()]).toEqual([0, 1, 2]);
  });

  it('turns an effect unit off at level 0 and sends only what changed', () => {
    const a = synthCommands({ global: { ...defaultGlobals(), reverb: 40, chorus: 0 }, voices: [] });
    const b = synthCommands({ global: { ...defaultGlobals(), reverb: 0, chorus: 0 }, voices: [] });
    expect(a.get('reverb')).toBe('reverb on');
    expect(a.get('chorus')).toBe('chorus off');
    const changed = changedCommands(a, b);
    expect(changed[0]).toBe('reverb off');
    expect(changed).toHaveLength(17);
    expect(changedCommands(new Map(), a)).toHaveLength(a.size);
  });
});
