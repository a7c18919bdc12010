import { describe, expect, it } from 'vitest';
import { ButtonGestures } from './button-gestures.js';

describe('ButtonGestures', () => {
  it('reports a press at release when the button has no double action', () => {
    const b = new ButtonGestures(false);
    expect(b.edge(true, 0)).toEqual(['down']);
    expect(b.edge(false, 80)).toEqual(['up', 'press']);
    expect(b.nextDeadline()).toBeUndefined();
  });

  it('fires a long-press while held, and no press at release', () => {
    const b = new ButtonGestures(true, { longMs: 700, doubleMs: 300 });
    b.edge(true, 1000);
    expect(b.nextDeadline()).toBe(1700);
    expect(b.due(1699)).toEqual([]);
    expect(b.due(1700)).toEqual(['long']);
    expect(b.edge(false, 2500)).toEqual(['up']);
    expect(b.due(5000)).toEqual([]);
  });

  it('tells a double-press from two presses', () => {
    const b = new ButtonGestures(true, { longMs: 700, doubleMs: 300 });
    b.edge(true, 0);
    b.edge(false, 60);
    expect(b.edge(true, 200)).toEqual(['down', 'double']);
    expect(b.edge(false, 260)).toEqual(['up']);
    expect(b.due(1000)).toEqual([]);

    b.edge(true, 2000);
    expect(b.edge(false, 2060)).toEqual(['up']);
    expect(b.nextDeadline()).toBe(2360);
    expect(b.due(2360)).toEqual(['press']);
    b.edge(true, 2500);
    expect(b.edge(false, 2560)).toEqual(['up']);
    expect(b.due(2900)).toEqual(['press']);
  });
});
