import { InMemoryTemplateSource } from '@notify/email-core';
import { ControllableTemplateSource, templateSourceContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryTemplateSource', () => {
  templateSourceContract(it, async (templates) => ({ subject: new InMemoryTemplateSource(templates) }), {
    lacks: { outage: 'it is never down; ControllableTemplateSource (below) can be' },
  });
});

describe('ControllableTemplateSource', () => {
  templateSourceContract(it, async (templates) => {
    const source = new ControllableTemplateSource(templates);
    return { subject: source, makeUnavailable: async () => source.setAvailable(false) };
  });
});
