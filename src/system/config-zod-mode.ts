import { z } from 'zod';

// Imported first by config.ts, so that it runs before the section schemas are built: zod
// then builds them without its compiled fast path (see CONFIG_PARSE). For the few other
// parses in the box (a page's command, a panel setting) the interpreted path is as good.
z.config({ jitless: true });
