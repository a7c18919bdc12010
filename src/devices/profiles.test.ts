import { describe, expect, it } from 'vitest';
import { profileFor, type DeviceDescription } from './profiles.js';

const push2ByUsb: DeviceDescription = {
  clientName: 'Ableton Push 2',
  usb: { vendorId: 0x2982, productId: 0x1967, busPath: '1-1' },
  inputPortNames: ['Ableton Push 2 MIDI 1', 'Ableton Push 2 MIDI 2'],
  outputPortNames: ['Ableton Push 2 MIDI 1', 'Ableton Push 2 MIDI 2'],
};

describe('device profiles', () => {
  it('recognises Push 2 by USB id and picks the User port (the second), not Live', () => {
    const p = profileFor(push2ByUsb);
    expect(p?.id).toBe('push2');
    expect(p?.inputPort(push2ByUsb)).toBe(1);
    expect(p?.outputPort(push2ByUsb)).toBe(1);
    expect(p?.initMessages[0]).toEqual([0xf0, 0x00, 0x21, 0x1d, 0x01, 0x01, 0x0a, 0x01, 0xf7]);
    expect(p?.padNotes).toEqual({ min: 36, max: 99 });
  });

  it('recognises Push 2 by port name when USB identity is unknown', () => {
    const { usb: _usb, ...byName } = push2ByUsb;
    expect(profileFor(byName)?.id).toBe('push2');
  });

  it('prefers a port literally named User', () => {
    const d = { ...push2ByUsb, inputPortNames: ['Push 2 User', 'Push 2 Live'] };
    expect(profileFor(d)?.inputPort(d)).toBe(0);
  });

  it('treats any other device with an input as a generic pad controller', () => {
    const d: DeviceDescription = {
      clientName: 'MPD218',
      usb: { vendorId: 0x09e8, productId: 0x0034, busPath: '1-2' },
      inputPortNames: ['MPD218 MIDI 1'],
      outputPortNames: [],
    };
    const p = profileFor(d);
    expect(p?.id).toBe('generic-pad');
    expect(p?.inputPort(d)).toBe(0);
    expect(p?.outputPort(d)).toBeUndefined();
  });

  it('ignores system clients', () => {
    expect(
      profileFor({
        clientName: 'Midi Through',
        inputPortNames: ['Midi Through Port-0'],
        outputPortNames: ['Midi Through Port-0'],
      }),
    ).toBeUndefined();
  });

  it('treats output-only devices as outputs, not pads', () => {
    const d: DeviceDescription = { clientName: 'Synth', inputPortNames: [], outputPortNames: ['Synth In'] };
    expect(profileFor(d)?.id).toBe('generic-output');
    expect(profileFor(d)?.isPadController).toBe(false);
  });
});
