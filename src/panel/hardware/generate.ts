import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPinMap, PIN_MAP_FILE } from '../pinmap.js';
import type { PinMap } from '../panel-schema.js';
import { overlaySource } from './overlay.js';
import { panelToml } from './panel-toml.js';
import { frontPanelSvg, wiringSvg } from './svg.js';
import { wiringTable } from './wiring-table.js';

/** Every file generated from the pin map, by its name in hardware/. */
export function generatedFiles(map: PinMap): Record<string, string> {
  return {
    'antiphon-panel.dts': overlaySource(map),
    'panel.toml': panelToml(map),
    'wiring.md': `# Reference panel wiring\n\nGenerated from \`pinmap.json\` by \`src/panel/hardware/generate.ts\`: edit the pin map, not this file.\nThe drawing: [wiring.svg](wiring.svg); the DIN MIDI circuit: [din-midi.md](din-midi.md).\n\n${wiringTable(map)}`,
    'wiring.svg': wiringSvg(map),
    'front-panel.svg': frontPanelSvg(map),
  };
}

/** `npx tsx src/panel/hardware/generate.ts`: rewrites hardware/ from hardware/pinmap.json. */
function main(): void {
  const dir = dirname(PIN_MAP_FILE);
  for (const [name, text] of Object.entries(generatedFiles(loadPinMap()))) {
    writeFileSync(join(dir, name), text);
    process.stdout.write(`wrote ${join(dir, name)}\n`);
  }
}

if (process.argv[1]?.endsWith('generate.ts') || process.argv[1]?.endsWith('generate.js')) main();
