import { describe, expect, it } from 'vitest';
import { Debouncer, QuadratureDecoder } from './quadrature.js';

const FORWARD: [0 | 1, 0 | 1][] = [
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];
const BACKWARD: [0 | 1, 0 | 1][] = [
  [0, 1],
  [1, 1],
  [1, 0],
  [0, 0],
];

describe('QuadratureDecoder', () => {
  it('counts one detent per full cycle, each way', () => {
    const q = new QuadratureDecoder();
    expect(FORWARD.map(([a, b]) => q.update(a, b))).toEqual([0, 0, 0, 1]);
    expect(BACKWARD.map(([a, b]) => q.update(a, b))).toEqual([0, 0, 0, -1]);
  });

  it('ignores contact bounce inside a step and counts the detent once', () => {
    const q = new QuadratureDecoder();
    const bouncy: [0 | 1, 0 | 1][] = [
      [1, 0],
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(bouncy.reduce((n, [a, b]) => n + q.update(a, b), 0)).toBe(1);
  });

  it('counts nothing for an invalid jump (both contacts changed)', () => {
    const q = new QuadratureDecoder();
    expect(q.update(1, 1)).toBe(0);
    expect(q.update(0, 0)).toBe(0);
  });
});

describe('Debouncer', () => {
  it('takes the first edge at once and ignores bounce during the lockout', () => {
    const d = new Debouncer(8);
    expect(d.edge(1, 100)).toBe(1);
    expect(d.edge(0, 101)).toBeUndefined();
    expect(d.edge(1, 102)).toBeUndefined();
    expect(d.nextDeadline(102)).toBe(108);
    expect(d.settle(1, 108)).toBeUndefined(); // still pressed: nothing new
    expect(d.edge(0, 200)).toBe(0);
  });

  it('does not lose a release that happened inside the lockout', () => {
    const d = new Debouncer(8);
    d.edge(1, 0);
    d.edge(0, 3); // a very short tap: released while locked out
    expect(d.settle(0, 8)).toBe(0);
  });
});
