import { z } from 'zod';

/** A Linux interface name (IFNAMSIZ is 16 with the NUL): eth0, wlan0, enx00e04c..., br-lan. */
const interfaceName = z.string().regex(/^[A-Za-z0-9_.:-]{1,15}$/, { message: 'not a network interface name' });

/**
 * `[link]`: Ableton Link, a clock source beside MIDI clock (priority: external MIDI clock,
 * then Link, then the box's own). Add it to SECTION_SCHEMAS in src/system/config.ts as
 * `link: LINK_SCHEMA`.
 */
export const LINK_SCHEMA = z
  .object({
    /** Join the Link session on the network (needs the optional abletonlink package). */
    enabled: z.boolean().default(false),
    /**
     * The only interfaces Link may use: the LAN (wired, or Wi-Fi as a client). A hotspot
     * the box hosts must not be listed, so the audience's phones cannot join the band's
     * session. `["*"]` allows every interface.
     */
    interfaces: z
      .array(z.union([interfaceName, z.literal('*')]))
      .min(1)
      .default(['eth0', 'wlan0']),
    /**
     * Share start and stop with the peers (Link's start/stop sync): the box then plays while
     * the session plays, and its own Play/Stop starts and stops every peer that syncs too.
     * Off (the default, as in Live), the box plays from boot on the session's bar lines and
     * its transport is its own, so a box on the network never starts or stops the laptop.
     */
    start_stop_sync: z.boolean().default(false),
  })
  .strict();

export type LinkConfig = z.infer<typeof LINK_SCHEMA>;
