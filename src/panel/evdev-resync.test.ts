import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { parameterNamed } from '../control/parameters.js';
import { EV_KEY, EV_REL, EV_SYN, SYN_DROPPED, afterOverrun, eventPacket, type InputEvent } from './evdev-records.js';
import { EvdevResync } from './evdev-resync.js';
import { SimInputSource } from './input-source.js';
import { PANEL_SCHEMA } from './panel-config.js';
import { PanelSurface } from './panel-surface.js';

const DROPPED: InputEvent = { type: EV_SYN, code: SYN_DROPPED, value: 0, timeMs: 0 };
const T0 = Number(parameterNamed('temperature')?.default);

describe('EvdevResync', () => {
  it('drops everything up to and including the SYN_REPORT after SYN_DROPPED, then reports the held keys lost', () => {
    const r = new EvdevResync();
    const out = [
      ...eventPacket(EV_KEY, 0x109, 1, 1), // shift down
      ...eventPacket(EV_KEY, 0x104, 1, 2), // learn down
      ...eventPacket(EV_KEY, 0x104, 0, 3), // learn up
      DROPPED,
      { type: EV_REL, code: 0, value: 3, timeMs: 4 }, // the rest of a torn packet
      { type: EV_KEY, code: 0x100, value: 1, timeMs: 4 },
      ...eventPacket(EV_REL, 0, 1, 5).slice(1), // its SYN_REPORT: the resync
      ...eventPacket(EV_REL, 0, 1, 6),
    ].flatMap((e) => r.push(e));
    const seen = out.map((o) =>
      o.kind === 'lost' ? `lost ${o.code}` : `${o.event.type}:${o.event.code}:${o.event.value}`,
    );
    expect(seen).toEqual([
      '1:265:1',
      '0:0:0',
      '1:260:1',
      '0:0:0',
      '1:260:0',
      '0:0:0',
      'lost 265', // shift was down when the kernel dropped: its release may be among the lost
      '2:0:1', // the stream goes on
      '0:0:0',
    ]);
    expect(r.drops).toBe(1);
  });

  it('a device gone loses its held keys too; nothing is held twice', () => {
    const r = new EvdevResync();
    eventPacket(EV_KEY, 0x100, 1, 1).forEach((e) => r.push(e));
    expect(r.gone(9).map((o) => o.kind === 'lost' && o.code)).toEqual([0x100]);
    expect(r.gone(10)).toEqual([]);
  });
});

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

describe('the panel after an evdev overrun, on a whole box', () => {
  const DEV = 'platform-antiphon-keys-event';
  async function rig(): Promise<{ s: SimBox; input: SimInputSource; panel: PanelSurface }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'antiphon-resync-'));
    const input = new SimInputSource([DEV]);
    const panel = new PanelSurface({
      config: PANEL_SCHEMA.parse({ ads1115_address: 0, pca9685_address: 0, leds: [] }),
      dataDir,
      hardware: () => ({ input, ledsDir: '/nonexistent', missing: [] }),
    });
    const s = (sim = await startSimBox({
      config: { data: { dir: dataDir }, perform: { tempo_bpm: 120, voices: [{ name: 'A' }, { name: 'B' }] } },
      surfaces: [panel],
    }));
    return { s, input, panel };
  }
  const key = (input: SimInputSource, code: number, down: boolean, at: number): void =>
    input.emit(DEV, eventPacket(EV_KEY, code, down ? 1 : 0, at));
  const temperature = (s: SimBox): number =>
    Number(s.box.snapshot().parameters.voices.find((v) => v.name === 'A')?.values['temperature']);

  it('shift and learn do not stick, a held panic fires nothing, turns lost are not replayed', async () => {
    const { s, input, panel } = await rig();
    key(input, 265, true, 1000); // shift
    key(input, 264, true, 1000); // learn
    key(input, 263, true, 1000); // panic
    expect(panel.status().shift).toBe(true);
    expect(panel.status().learning).toBe(true);
    // The reader fell behind: the releases and 50 detents are among what the kernel dropped.
    const lost = [
      ...eventPacket(EV_KEY, 265, 0, 1001),
      ...eventPacket(EV_KEY, 264, 0, 1001),
      ...eventPacket(EV_KEY, 263, 0, 1001),
      ...Array.from({ length: 50 }, (_, i) => eventPacket(EV_REL, 0, 1, 1002 + i)).flat(),
    ];
    input.overrun(DEV, lost);
    expect(panel.status().shift).toBe(false);
    expect(panel.status().learning).toBe(false);
    expect(panel.status().readings.buttons.get('panic')).toBe(false);
    await s.run(1500); // past the long-press time: a lost panic neither presses nor long-presses
    expect(s.events.some((e) => e.kind === 'command' && e.command.kind === 'panic')).toBe(false);
    expect(temperature(s)).toBe(T0); // the newest packet's detent was dropped with its torn neighbours
    expect(s.logs.filter((l) => String(l['msg']).includes('events dropped'))).toHaveLength(1);
    input.emit(DEV, eventPacket(EV_REL, 0, 1, 3000)); // enc1 drives temperature again, not its shift parameter
    expect(temperature(s)).toBeCloseTo(T0 + 0.05, 6);
  });

  it('keys held on a device that goes away are released', async () => {
    const { input, panel } = await rig();
    key(input, 265, true, 1000);
    expect(panel.status().shift).toBe(true);
    input.unplug(DEV);
    expect(panel.status().shift).toBe(false);
  });

  it('afterOverrun leaves SYN_DROPPED and the newest whole packet, as evdev does', () => {
    const events = [...eventPacket(EV_REL, 0, 1, 1), ...eventPacket(EV_REL, 0, -1, 2), { ...DROPPED, code: 2 }];
    expect(afterOverrun(events).map((e) => [e.type, e.code, e.value])).toEqual([
      [EV_SYN, SYN_DROPPED, 0],
      [EV_REL, 0, -1],
      [EV_SYN, 0, 0],
    ]);
  });
});
