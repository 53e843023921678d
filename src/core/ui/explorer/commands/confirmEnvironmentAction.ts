/**
 * Asks before changing an environment's state. Production needs the environment's name typed in,
 * so a slip of the mouse cannot take a live app down.
 */
import type { EnvironmentNode } from '../nodes/environmentNode';
import type { UserInput } from '../../kit/userInput';

export async function confirmEnvironmentAction(ui: UserInput, env: EnvironmentNode, verb: 'Start' | 'Stop'): Promise<void> {
  const { mode, production } = env.environment;
  const target = `${env.app.name} ${mode}`;
  if (!production) {
    await ui.confirm(`${verb} ${target}?`, verb, verb === 'Stop' ? 'Users of this environment lose access until it is started again.' : undefined);
    return;
  }
  await ui.input({
    title: `${verb} production environment of ${env.app.name}`,
    prompt: `${target} is a production environment. Type its name "${mode}" to ${verb.toLowerCase()} it.`,
    placeholder: mode,
    validate: (v) => (v === mode ? undefined : `Type "${mode}" exactly to confirm.`),
  });
}
