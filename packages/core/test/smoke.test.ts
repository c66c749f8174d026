import 'reflect-metadata';
import { NotifyError } from '@notify/email-core';
import { Container, inject, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';

const A = Symbol('A');
@injectable()
class B {
  constructor(@inject(A) readonly a: string) {}
}
describe('smoke', () => {
  it('decorators work', async () => {
    const c = new Container();
    c.bind(A).toConstantValue('x');
    c.bind(B).toSelf();
    expect(c.get(B).a).toBe('x');
    expect(NotifyError.is(new NotifyError('NOT_FOUND', 'x'))).toBe(true);
  });
});
