import type { MigrationInput } from '../../src/core/migration/types';

/** A complete set of wizard answers for tests. */
export function sampleInput(downloadFolder: string, overrides: Partial<MigrationInput> = {}): MigrationInput {
  return {
    name: 'order-portal',
    flavour: 'node-move',
    source: { projectId: 'p-src', name: 'Order Portal', appId: 'orderportal', environment: 'Production', nodeSubdomain: 'orderportal' },
    target: {
      nodeSubdomain: 'orderportal-us',
      environment: 'Production',
      tempAppA: { projectId: 'p-tmpa', name: 'Order Portal (temp A)' },
      tempAppB: { projectId: 'p-tmpb', name: 'Order Portal (temp B)' },
    },
    downloadFolder,
    keepBackups: [],
    customDomains: [],
    certificate: 'none',
    portalUrl: 'https://sprintr.home.mendix.com',
    ...overrides,
  };
}
