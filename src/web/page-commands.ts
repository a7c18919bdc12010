import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { BoxSnapshot } from '../box/bus-types.js';
import type { BoxCommand } from '../control/commands.js';
import { checkValue } from '../control/parameter-math.js';
import { parameterNamed } from '../control/parameters.js';

const address = { param: z.string().min(1).max(64), voice: z.string().min(1).max(64).optional() };

/** What the page may POST to /command: the bus's commands, less `position` (a page has no knob travel) and the source. */
const PAGE_COMMAND = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('set'), ...address, value: z.union([z.number(), z.string().max(200), z.boolean()]) })
    .strict(),
  z
    .object({
      kind: z.literal('nudge'),
      ...address,
      steps: z.number().int().min(-1000).max(1000),
      fine: z.boolean().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('reset'), ...address }).strict(),
  z.object({ kind: z.literal('endCall') }).strict(),
  z.object({ kind: z.literal('panic') }).strict(),
  z.object({ kind: z.literal('mutate') }).strict(),
]);

export type PageCommandResult =
  { readonly ok: true; readonly command: BoxCommand } | { readonly ok: false; readonly error: string };

/**
 * A command from the page, checked before it reaches the bus so the page can show why it was
 * refused: the JSON's shape, then the parameter's name, voice and range against the registry.
 */
export function parsePageCommand(body: string, snapshot: BoxSnapshot): PageCommandResult {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    return { ok: false, error: `body is not JSON: ${(e as Error).message}` };
  }
  const parsed = PAGE_COMMAND.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `command: ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}` };
  }
  const c = parsed.data;
  if (c.kind === 'endCall' || c.kind === 'panic' || c.kind === 'mutate')
    return { ok: true, command: { kind: c.kind, source: 'web' } };
  const p = parameterNamed(c.param);
  if (!p) return { ok: false, error: `no parameter named '${c.param}'` };
  if (p.scope === 'voice' && c.voice !== undefined && !snapshot.parameters.voices.some((v) => v.name === c.voice))
    return { ok: false, error: `${c.param}: no voice named '${c.voice}'` };
  if (p.scope === 'global' && c.voice !== undefined)
    return { ok: false, error: `${c.param} is a global parameter: it takes no voice` };
  if (c.kind === 'set') {
    const checked = checkValue(p, c.value, { models: snapshot.models });
    if (!checked.ok) return { ok: false, error: `${c.param}: ${checked.error}` };
  }
  return { ok: true, command: { ...c, source: 'web' } };
}

export type Authorisation = 'allowed' | 'read-only' | 'denied';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Whether a request may change the box. No password configured: the page is read-only for
 * everyone. Otherwise the `Authorization: Bearer PASSWORD` header must match (compared in
 * constant time).
 */
export function authorise(password: string | undefined, header: string | undefined): Authorisation {
  if (!password) return 'read-only';
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (given === undefined) return 'denied';
  return timingSafeEqual(digest(given), digest(password)) ? 'allowed' : 'denied';
}
