import { InMemoryTemplateSource } from '@notify/email-core';
import { templateSourceContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryTemplateSource', () => {
  templateSourceContract(it, async (templates) => {
    const source = new InMemoryTemplateSource(templates);
    return { subject: source, makeUnavailable: async () => source.setAvailable(false) };
  });
});
