// The parameters, shown always and editable once the page holds the box's password, and the
// mutate / end-call / panic buttons. Every change is a POST /command the box checks again.

const PASSWORD_KEY = 'antiphon-password';

/** A value as the registry prints it: decimals, unit, and special values ("off", "call"). */
export function formatValue(p, v) {
  if (p.kind === 'toggle') return v ? 'on' : 'off';
  if (p.kind !== 'number') return String(v);
  const special = p.special?.[v];
  if (special !== undefined) return special;
  return `${Number(v).toFixed(p.decimals ?? 0)}${p.unit ? ` ${p.unit}` : ''}`;
}

export class Controls {
  constructor(root, onProblem) {
    this.params = root.querySelector('#params');
    this.unlock = root.querySelector('#unlock');
    this.actions = root.querySelector('#actions');
    this.status = root.querySelector('#unlock-status');
    this.onProblem = onProblem;
    this.password = sessionStorage.getItem(PASSWORD_KEY) ?? undefined;
    this.writable = false;
    this.registry = [];
    this.values = { global: {}, voices: [] };
    this.unlock.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#tryPassword(root.querySelector('#password').value);
    });
    for (const b of this.actions.querySelectorAll('button'))
      b.addEventListener('click', () => void this.send({ kind: b.dataset.command }));
  }

  get unlocked() {
    return this.writable && this.password !== undefined;
  }

  /** A fresh state from the box (a new connection). */
  reset(hello) {
    this.writable = hello.writable;
    this.registry = hello.registry;
    this.values = structuredClone(hello.state.parameters);
    this.unlock.hidden = !this.writable || this.unlocked;
    this.actions.hidden = !this.unlocked;
    this.render();
  }

  changed(m) {
    if (m.voice === undefined) this.values.global[m.param] = m.value;
    else {
      const v = this.values.voices.find((x) => x.name === m.voice);
      if (v) v.values[m.param] = m.value;
    }
    const out = this.params.querySelector(`output[data-key="${CSS.escape(keyOf(m.param, m.voice))}"]`);
    const p = this.registry.find((x) => x.name === m.param);
    if (out && p) out.textContent = formatValue(p, m.value);
    const input = this.params.querySelector(`[data-input="${CSS.escape(keyOf(m.param, m.voice))}"]`);
    if (input && document.activeElement !== input) setInput(input, p, m.value);
  }

  async send(command) {
    const res = await fetch('/command', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.password ?? ''}` },
      body: JSON.stringify(command),
    });
    if (res.status === 401) this.#forget('the password was not accepted');
    if (!res.ok) this.onProblem((await res.json().catch(() => ({}))).error ?? `refused (${res.status})`);
    return res.status;
  }

  async #tryPassword(password) {
    const res = await fetch('/auth', { method: 'POST', headers: { Authorization: `Bearer ${password}` } });
    if (res.ok) {
      this.password = password;
      sessionStorage.setItem(PASSWORD_KEY, password);
      this.status.textContent = '';
      this.unlock.hidden = true;
      this.actions.hidden = false;
      this.render();
    } else this.status.textContent = res.status === 401 ? 'wrong password' : 'read-only box';
  }

  #forget(why) {
    this.password = undefined;
    sessionStorage.removeItem(PASSWORD_KEY);
    this.status.textContent = why;
    this.unlock.hidden = !this.writable;
    this.actions.hidden = true;
    this.render();
  }

  render() {
    const rows = [];
    for (const p of this.registry.filter((x) => x.scope === 'global'))
      rows.push(...this.#row(p, undefined, this.values.global[p.name]));
    for (const v of this.values.voices) {
      const head = document.createElement('div');
      head.className = 'voice';
      head.textContent = `Voice ${v.name}`;
      rows.push(head);
      for (const p of this.registry.filter((x) => x.scope === 'voice'))
        rows.push(...this.#row(p, v.name, v.values[p.name]));
    }
    this.params.replaceChildren(...rows);
  }

  #row(p, voice, value) {
    const label = document.createElement('label');
    label.textContent = p.label;
    label.title = p.help;
    const cell = document.createElement('div');
    const out = document.createElement('output');
    out.dataset.key = keyOf(p.name, voice);
    out.textContent = formatValue(p, value ?? p.default);
    if (this.unlocked) {
      const input = inputFor(p);
      input.dataset.input = keyOf(p.name, voice);
      input.setAttribute('aria-label', p.label + (voice ? ` (${voice})` : ''));
      setInput(input, p, value ?? p.default);
      input.addEventListener(
        'change',
        () => void this.send({ kind: 'set', param: p.name, ...(voice ? { voice } : {}), value: readInput(input, p) }),
      );
      cell.append(input, ' ');
    }
    cell.append(out);
    return [label, cell];
  }
}

const keyOf = (param, voice) => (voice === undefined ? param : `${param}@${voice}`);

function inputFor(p) {
  if (p.kind === 'choice') {
    const s = document.createElement('select');
    for (const o of p.options) s.append(new Option(o, o));
    return s;
  }
  const i = document.createElement('input');
  if (p.kind === 'number') Object.assign(i, { type: 'range', min: p.min, max: p.max, step: p.step });
  else if (p.kind === 'toggle') i.type = 'checkbox';
  else i.type = 'text';
  return i;
}

function setInput(input, p, v) {
  if (p.kind === 'toggle') input.checked = Boolean(v);
  else input.value = String(v);
}

function readInput(input, p) {
  if (p.kind === 'toggle') return input.checked;
  if (p.kind === 'number') return Number(input.value);
  return input.value;
}
