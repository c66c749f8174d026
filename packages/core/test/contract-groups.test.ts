// The store, queue and transport suites are split by concern (src/testing/<port>/): each whole
// suite must register exactly its groups' cases, in the groups' order, so an adapter running one
// group runs the very cases the whole suite would, under the same titles.
import {
  type ContractIt,
  mailTransportContract,
  mailTransportContractGroups,
  notificationQueueContract,
  notificationQueueContractGroups,
  notificationStoreContract,
  notificationStoreContractGroups,
} from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

/** The titles `register` registers, skipped ones included; no case is run. */
function titles(register: (it: ContractIt) => void): string[] {
  const names: string[] = [];
  const recordingIt = Object.assign((name: string) => void names.push(name), {
    skip: (name: string) => void names.push(name),
  });
  register(recordingIt);
  return names;
}

const neverMade = async (): Promise<never> => {
  throw new Error('registering a case must not make a harness');
};

describe('contract suites split by concern', () => {
  it('notificationStoreContract is its groups, in order', () => {
    const options = { lacks: { outage: 'declared for this test' } };
    const whole = titles((it) => notificationStoreContract(it, neverMade, options));
    const groups = notificationStoreContractGroups.flatMap((group) =>
      titles((it) => group(it, neverMade, options)),
    );
    expect(whole).toEqual(groups);
    expect(whole).toHaveLength(21);
    expect(whole.filter((t) => t.includes('(skipped: backend lacks outage'))).toHaveLength(1);
  });

  it('notificationQueueContract is its groups, in order', () => {
    const options = { lacks: { priority: 'declared for this test', settle: 'declared for this test' } };
    const whole = titles((it) => notificationQueueContract(it, neverMade, options));
    const groups = notificationQueueContractGroups.flatMap((group) =>
      titles((it) => group(it, neverMade, options)),
    );
    expect(whole).toEqual(groups);
    expect(whole).toHaveLength(12);
  });

  it('mailTransportContract is its groups, in order', () => {
    const whole = titles((it) => mailTransportContract(it, neverMade));
    const groups = mailTransportContractGroups.flatMap((group) => titles((it) => group(it, neverMade)));
    expect(whole).toEqual(groups);
    expect(whole).toHaveLength(5);
  });

  it('every title names its port, and no two cases share one', () => {
    const all = [
      ...titles((it) => notificationStoreContract(it, neverMade)),
      ...titles((it) => notificationQueueContract(it, neverMade)),
      ...titles((it) => mailTransportContract(it, neverMade)),
    ];
    expect(all.filter((t) => !/^(NotificationStore|NotificationQueue|MailTransport): /.test(t))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });
});
