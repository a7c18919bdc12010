import { changesBetween, type LinkChange, type LinkSample } from './link-session.js';

/**
 * What the real session and the simulator share: their listeners, the newest sample, and the
 * one way a sample reaches the listeners (samples first, then each change it brings), so both
 * sides of the seam keep the contract's ordering the same way.
 */
export abstract class LinkSessionListeners {
  private newest: LinkSample | undefined;
  private readonly sampleListeners: ((s: LinkSample) => void)[] = [];
  private readonly changeListeners: ((c: LinkChange) => void)[] = [];
  private readonly failureListeners: ((why: string) => void)[] = [];

  latest(): LinkSample | undefined {
    return this.newest;
  }

  onSample(listener: (sample: LinkSample) => void): void {
    this.sampleListeners.push(listener);
  }

  onChange(listener: (change: LinkChange) => void): void {
    this.changeListeners.push(listener);
  }

  onFailure(listener: (why: string) => void): void {
    this.failureListeners.push(listener);
  }

  /** Makes `sample` the newest and tells the sample listeners, then the change listeners. */
  protected publish(sample: LinkSample): void {
    const changes = changesBetween(this.newest, sample);
    this.newest = sample;
    for (const listen of this.sampleListeners) listen(sample);
    for (const change of changes) for (const listen of this.changeListeners) listen(change);
  }

  /** Drops every listener; returns the failure listeners there were, for telling them once. */
  protected dropListeners(): ((why: string) => void)[] {
    const failures = [...this.failureListeners];
    this.sampleListeners.length = 0;
    this.changeListeners.length = 0;
    this.failureListeners.length = 0;
    return failures;
  }
}
