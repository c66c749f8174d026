// The template source suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken template sources: a bare Error for an unknown code, its own objects handed out.
import type { Template } from '@notify/email-core';
import { ControllableTemplateSource, templateSourceContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

class BareErrorTemplateSource extends ControllableTemplateSource {
  override async get(code: string): Promise<Template> {
    try {
      return await super.get(code);
    } catch {
      throw new Error(`no template ${code}`);
    }
  }
}

class SharedObjectTemplateSource extends ControllableTemplateSource {
  private readonly handedOut = new Map<string, Template>();
  override async get(code: string): Promise<Template> {
    const cached = this.handedOut.get(code) ?? (await super.get(code));
    this.handedOut.set(code, cached);
    return cached;
  }
}

describe('templateSourceContract catches a broken source', () => {
  const suite = (make: (t: Template[]) => ControllableTemplateSource) =>
    runSuite((it) =>
      templateSourceContract(it, async (templates) => {
        const source = make(templates);
        return { subject: source, makeUnavailable: async () => source.setAvailable(false) };
      }),
    );

  it('passes the in-memory reference, every case', async () => {
    const results = await suite((t) => new ControllableTemplateSource(t));
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a source that throws a bare Error for an unknown code', async () => {
    const results = await suite((t) => new BareErrorTemplateSource(t));
    expect(outcomeOf(results, 'unknown code')).toBe('failed');
    expect(outcomeOf(results, 'cannot answer')).toBe('failed');
  });

  it('fails a source that hands out its own objects', async () => {
    const results = await suite((t) => new SharedObjectTemplateSource(t));
    expect(outcomeOf(results, 'changing a returned template')).toBe('failed');
  });
});
