// The live page: one EventSource on /events (which reconnects by itself when the box
// restarts), a state rebuilt from each `hello`, and small views that follow the messages.
import { Controls } from './controls.js';
import { DrumGrid } from './grid.js';
import { LikelihoodPlot } from './plot.js';

const $ = (id) => document.getElementById(id);
const grid = new DrumGrid($('grid'), $('legend'));
const plot = new LikelihoodPlot($('plot'), $('totals'), (who) => grid.colourOf(who));
const controls = new Controls(document, (message) => addProblem({ level: 'warning', code: 'command', message }));
let state;

function setLink(text, ok) {
  $('link').textContent = text;
  $('link').className = `badge ${ok ? 'on' : 'off'}`;
}

function showClock() {
  const c = state.clock;
  const lock =
    c.source === 'external'
      ? c.locked
        ? ', locked'
        : ', not locked'
      : c.source === 'link' && c.link
        ? `, ${c.link.peers} peer${c.link.peers === 1 ? '' : 's'}`
        : '';
  $('clock').textContent =
    `${c.tempo.toFixed(1)} BPM · clock ${c.source}${lock} (${c.mode}) · mode ${state.parameters.global.mode}`;
  grid.tempo = c.tempo;
}

function showEngine() {
  const { playing, recordArmed } = state.transport;
  $('engine').textContent = `${playing ? state.engine : 'stopped'}${recordArmed ? '' : ' · not recording'}`;
  $('demo').hidden = !state.demo;
}

function showDevices() {
  $('devices').replaceChildren(
    ...state.devices.map((d) => {
      const li = document.createElement('li');
      li.textContent = `${d.name}: ${d.roles.length ? d.roles.join(', ') : 'no role'}`;
      return li;
    }),
  );
  if (state.devices.length === 0)
    $('devices').append(Object.assign(document.createElement('li'), { textContent: 'no devices' }));
}

function addProblem(p) {
  const li = document.createElement('li');
  li.className = p.level;
  li.textContent = `${p.code}: ${p.message}`;
  $('problems').prepend(li);
  while ($('problems').children.length > 20) $('problems').lastChild.remove();
}

function showStats() {
  const g = state.generation.msPerStep;
  $('stats').textContent =
    `${state.stats.exchanges} exchanges · ${state.slips} slips${g === undefined ? '' : ` · ${g.toFixed(2)} ms per generated step`}`;
}

const handlers = {
  hello(m) {
    state = m.state;
    grid.drums = m.drums;
    controls.reset(m);
    $('problems').replaceChildren();
    for (const p of state.problems) addProblem(p);
    if (state.lastExchange) {
      grid.addExchange(state.lastExchange);
      plot.show(state.lastExchange);
    }
    showClock();
    showEngine();
    showDevices();
    showStats();
  },
  parameter(m) {
    controls.changed(m);
    if (m.param === 'mode') {
      state.parameters.global.mode = m.value;
      showClock();
    }
  },
  engine(m) {
    state.engine = m.state;
    showEngine();
  },
  demo(m) {
    state.demo = m.on;
    showEngine();
  },
  transport(m) {
    state.transport = m.transport;
    showEngine();
  },
  hit(m) {
    grid.addHit(m.hit, 'call');
  },
  beat(m) {
    grid.onBeat(m.step);
  },
  exchange(m) {
    grid.addExchange(m.exchange);
    plot.show(m.exchange);
    state.stats.exchanges++;
    showStats();
  },
  clock(m) {
    state.clock = m.clock;
    showClock();
  },
  devices(m) {
    state.devices = m.devices;
    showDevices();
  },
  problem(m) {
    addProblem(m.problem);
  },
  generated(m) {
    state.generation = { lastMs: m.ms, msPerStep: m.steps > 0 ? m.ms / m.steps : state.generation.msPerStep };
    showStats();
  },
  slip() {
    state.slips++;
    showStats();
  },
};

let source;
function connect() {
  source = new EventSource('/events');
  source.onopen = () => setLink('live', true);
  source.onmessage = (e) => {
    const m = JSON.parse(e.data);
    handlers[m.kind]?.(m);
  };
  source.onerror = () => {
    setLink('reconnecting…', false);
    // EventSource retries by itself while CONNECTING; a CLOSED one (an error answer) needs a new one.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  };
}

function frame() {
  grid.draw();
  requestAnimationFrame(frame);
}

connect();
requestAnimationFrame(frame);

/** For tests and curious people: what the grid shows at a cell, read back from the canvas. */
window.antiphonPage = {
  grid,
  plot,
  controls,
  get connected() {
    return source.readyState === EventSource.OPEN;
  },
  cellColour(step, drum) {
    const at = grid.cellCentre(step, drum);
    if (!at) return undefined;
    const dpr = window.devicePixelRatio || 1;
    const [r, g, b] = grid.canvas
      .getContext('2d')
      .getImageData(Math.round(at.x * dpr), Math.round(at.y * dpr), 1, 1).data;
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  },
};
