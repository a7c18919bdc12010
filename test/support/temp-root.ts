import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: one folder for this run's temporary box data (whole-box tests write
 * recordings), removed when the run ends. Test workers inherit ANTIPHON_TEST_TMP; a worker's
 * own exit hooks do not run when vitest ends it, so the folder is removed from here.
 */
export function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'antiphon-test-'));
  process.env.ANTIPHON_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
