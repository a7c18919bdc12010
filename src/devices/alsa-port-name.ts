/** An RtMidi ALSA port name taken apart: "Client Name:Port Name 20:1". */
export interface AlsaPortName {
  readonly fullName: string;
  readonly clientName: string;
  readonly portName: string;
  /** ALSA sequencer client number: changes on every replug, so never an identity. */
  readonly client: number;
  readonly port: number;
}

const PORT_NAME = /^(.*?):(.*) (\d+):(\d+)$/;

/** Returns undefined for names not in RtMidi's ALSA form. */
export function parseAlsaPortName(fullName: string): AlsaPortName | undefined {
  const m = PORT_NAME.exec(fullName);
  if (!m) return undefined;
  const [, clientName = '', portName = '', client = '', port = ''] = m;
  return { fullName, clientName, portName, client: Number(client), port: Number(port) };
}
