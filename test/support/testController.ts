/**
 * A migration controller over an in-memory cloud with virtual time, as the controller and command
 * tests use it: the person is "tester" and says yes, jobs are polled every virtual second.
 */
import type { MigrationServices } from '../../src/core/mendix/services';
import type { MigrationPrompt } from '../../src/core/migration/stepTypes';
import { createLogger } from '../../src/core/shared/logger';
import { MigrationController } from '../../src/core/ui/migrations/migrationController';
import { FakeClock } from './driveMigration';
import { ScriptedPrompt } from './scriptedPrompt';

export function testController(services: MigrationServices, prompt: MigrationPrompt = new ScriptedPrompt('tester', { yes: true })): MigrationController {
  return new MigrationController({
    services: () => Promise.resolve(services),
    prompt,
    logger: createLogger(() => undefined),
    clock: new FakeClock(),
    planOptions: () => ({ pollIntervalMs: 1000, pollTimeoutMs: 3600_000 }),
  });
}
