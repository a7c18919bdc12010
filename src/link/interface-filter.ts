import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Neither `abletonlink` nor Link's own API can choose interfaces: Link calls getifaddrs()
 * and joins every IPv4 interface that is up. So the Link helper process (only it) runs with
 * this small LD_PRELOAD library, which hides from getifaddrs() every interface not named in
 * ANTIPHON_LINK_INTERFACES (comma-separated). Hidden entries keep their place in the list
 * (glibc frees the list as one block) but lose their address, which Link skips.
 */
export const INTERFACE_FILTER_C = String.raw`
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>

static int allowed(const char *name) {
  const char *list = getenv("ANTIPHON_LINK_INTERFACES");
  if (list == NULL) return 1;
  size_t n = strlen(name);
  for (const char *p = list; *p != '\0';) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if ((len == 1 && p[0] == '*') || (len == n && strncmp(p, name, n) == 0)) return 1;
    if (comma == NULL) break;
    p = comma + 1;
  }
  return 0;
}

int getifaddrs(struct ifaddrs **out) {
  static int (*real)(struct ifaddrs **) = NULL;
  if (real == NULL) real = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
  int rc = real(out);
  if (rc != 0) return rc;
  for (struct ifaddrs *i = *out; i != NULL; i = i->ifa_next) {
    if (i->ifa_name != NULL && !allowed(i->ifa_name)) i->ifa_addr = NULL;
  }
  return 0;
}
`;

export const INTERFACE_FILTER_LIBRARY = 'link-ifaddrs-filter.so';

/** The interface filter could not be built or found, so Link would join every interface. */
export class InterfaceFilterUnavailable extends Error {
  override readonly name = 'InterfaceFilterUnavailable';
  constructor(readonly reason: string) {
    super(`cannot restrict Link to the configured interfaces: ${reason}`);
  }
}

/**
 * Returns the filter library in `dir`, compiling it with `cc` first if it is not there (the
 * package build, or the first run on a machine with a compiler; the appliance ships it).
 */
export function ensureInterfaceFilter(dir: string): string {
  const library = join(dir, INTERFACE_FILTER_LIBRARY);
  if (existsSync(library)) return library;
  try {
    mkdirSync(dir, { recursive: true });
    const source = join(dir, 'link-ifaddrs-filter.c');
    writeFileSync(source, INTERFACE_FILTER_C);
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', library, source, '-ldl'], { stdio: 'pipe' });
  } catch (error) {
    throw new InterfaceFilterUnavailable(
      `building ${library} failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  return library;
}

/** The helper's environment for `interfaces` (`*` anywhere: no filter at all). */
export function interfaceFilterEnv(interfaces: readonly string[], library: () => string): Record<string, string> {
  if (interfaces.includes('*')) return {};
  return { LD_PRELOAD: library(), ANTIPHON_LINK_INTERFACES: interfaces.join(',') };
}
