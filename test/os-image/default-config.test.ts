import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/system/config.js';

const shipped = fileURLToPath(new URL('../../os-image/antiphon.toml', import.meta.url));

describe('the default /etc/antiphon/antiphon.toml', () => {
  it('loads without a single problem and keeps data in the service state directory', () => {
    const { config, problems } = loadConfig(shipped);
    expect(problems).toEqual([]);
    expect(config.data.dir).toBe('/var/lib/antiphon');
    expect(config.din.device).toBe('/dev/ttyAMA0');
  });
});
