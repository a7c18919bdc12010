import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What USB says about a device: the part of its identity that survives replugging. */
export interface UsbIdentity {
  readonly vendorId: number;
  readonly productId: number;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** Physical path, e.g. "1-1.2": which socket it is in. Used only to tell twins apart. */
  readonly busPath: string;
}

/** An ALSA sound card, as /proc/asound/cards lists it. */
export interface AlsaCard {
  readonly number: number;
  readonly id: string;
  readonly driver: string;
  /** The name the card's sequencer client carries, e.g. "Ableton Push 2". */
  readonly shortName: string;
}

/**
 * The kernel writes `%2i [%-15s]: %s - %s` (number, id, driver, short name). The driver may
 * hold spaces (f_midi's is "MIDI Gadget"), so it runs to the first " - ", not the first space.
 */
const CARD_LINE = /^\s*(\d+)\s+\[([^\]]*?)\s*\]:\s+(.*?)\s+-\s+(.*?)\s*$/;

/** Parses /proc/asound/cards. Lines it cannot read are ignored (the file is the kernel's). */
export function parseAsoundCards(text: string): AlsaCard[] {
  const cards: AlsaCard[] = [];
  for (const line of text.split('\n')) {
    const m = CARD_LINE.exec(line);
    if (m) cards.push({ number: Number(m[1]), id: m[2] ?? '', driver: m[3] ?? '', shortName: m[4] ?? '' });
  }
  return cards;
}

/**
 * The sound card that owns an ALSA sequencer client. The kernel numbers a card's clients
 * 16 + 4 * card (+ 0..3) — SNDRV_SEQ_GLOBAL_CLIENTS and SNDRV_SEQ_CLIENTS_PER_CARD — and the
 * client's name must also match the card's, so a guess is never taken for an identity.
 */
export function cardForClient(client: number, clientName: string, cards: readonly AlsaCard[]): AlsaCard | undefined {
  const number = cardNumberOfClient(client);
  const card = cards.find((c) => c.number === number);
  return card && card.shortName === clientName ? card : undefined;
}

/** The card slot a kernel client number belongs to; undefined for system and application clients. */
export function cardNumberOfClient(client: number): number | undefined {
  // Clients 128 and up are dynamic (applications); 16..127 are the per-card kernel slots.
  return client >= 16 && client < 128 ? Math.floor((client - 16) / 4) : undefined;
}

/**
 * The USB identity behind an ALSA sequencer client. A card's client can outlive the card by
 * a moment on unplug, and sysfs fills in after the card on plug: both windows are 'pending'.
 */
export function resolveClientUsb(
  reader: SysfsUsbIdentityReader,
  cards: readonly AlsaCard[],
  client: number,
  clientName: string,
): UsbIdentity | 'pending' | undefined {
  const slot = cardNumberOfClient(client);
  if (slot !== undefined && !cards.some((c) => c.number === slot)) return 'pending';
  const card = cardForClient(client, clientName, cards);
  if (!card) return undefined;
  return reader.usbIdentityOfCard(card.number) ?? (card.driver === 'USB-Audio' ? 'pending' : undefined);
}

/** Reads USB identities of ALSA cards from sysfs; the roots are parameters for tests. */
export class SysfsUsbIdentityReader {
  constructor(
    private readonly procRoot = '/proc',
    private readonly sysRoot = '/sys',
  ) {}

  cards(): AlsaCard[] {
    try {
      return parseAsoundCards(readFileSync(join(this.procRoot, 'asound/cards'), 'utf8'));
    } catch {
      return [];
    }
  }

  /**
   * USB identity of a card: undefined for non-USB cards (virmidi, onboard), 'pending' while
   * sysfs is still being filled in (the serial string appears after the ids).
   */
  usbIdentityOfCard(cardNumber: number): UsbIdentity | 'pending' | undefined {
    let dev: string;
    try {
      // cardN/device is the USB interface; its parent directory is the USB device.
      dev = dirname(realpathSync(join(this.sysRoot, `class/sound/card${cardNumber}/device`)));
    } catch {
      return undefined;
    }
    const attr = (name: string): string | undefined => {
      try {
        return readFileSync(join(dev, name), 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    const vendor = attr('idVendor');
    const product = attr('idProduct');
    if (!vendor || !product) return undefined;
    const serial = attr('serial');
    if (!serial && declaresSerial(dev)) return 'pending';
    return {
      vendorId: parseInt(vendor, 16),
      productId: parseInt(product, 16),
      serial: serial || undefined,
      manufacturer: attr('manufacturer'),
      product: attr('product'),
      busPath: dev.split('/').pop() ?? '',
    };
  }

  /** Every USB device on the system, for `antiphon devices`. */
  usbDevices(): UsbIdentity[] {
    const base = join(this.sysRoot, 'bus/usb/devices');
    let entries: string[];
    try {
      entries = readdirSync(base);
    } catch {
      return [];
    }
    const out: UsbIdentity[] = [];
    for (const name of entries) {
      if (name.includes(':')) continue; // interfaces, not devices
      const attr = (a: string): string | undefined => {
        try {
          return readFileSync(join(base, name, a), 'utf8').trim();
        } catch {
          return undefined;
        }
      };
      const v = attr('idVendor');
      const p = attr('idProduct');
      if (!v || !p) continue;
      out.push({
        vendorId: parseInt(v, 16),
        productId: parseInt(p, 16),
        serial: attr('serial') || undefined,
        manufacturer: attr('manufacturer'),
        product: attr('product'),
        busPath: name,
      });
    }
    return out;
  }
}

export function formatUsbId(id: Pick<UsbIdentity, 'vendorId' | 'productId'>): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(id.vendorId)}:${hex(id.productId)}`;
}

/** Does the device descriptor name a serial-number string (iSerialNumber, byte 16, non-zero)? */
function declaresSerial(deviceDir: string): boolean {
  try {
    const descriptors = readFileSync(join(deviceDir, 'descriptors'));
    return (descriptors[16] ?? 0) !== 0;
  } catch {
    return false;
  }
}
