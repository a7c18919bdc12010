import { z } from 'zod';

/**
 * `[web]`: the live page. On by default and bound to every interface, because on a stage the
 * page is watched from phones on the box's LAN; read-only until `password` is set.
 */
export const WEB_SCHEMA = z
  .object({
    enabled: z.boolean().default(true),
    port: z.number().int().min(1).max(65535).default(8080),
    /** Address to listen on: 0.0.0.0 for the LAN, 127.0.0.1 for this machine only. */
    bind: z.string().min(1).default('0.0.0.0'),
    /** Unset or empty: the page only watches. Set: the page may change parameters and send mutate, panic and end-call. */
    password: z.string().optional(),
  })
  .strict();

export type WebConfig = z.infer<typeof WEB_SCHEMA>;
