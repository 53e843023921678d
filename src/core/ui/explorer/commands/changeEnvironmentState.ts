/**
 * Starts or stops an environment: asks first, shows a spinner on its row while the work runs in a
 * cancellable notification, then reloads the app's environments so the row shows the new status.
 */
import type { ProgressReport, UserInput } from '../../kit/userInput';
import type { EnvironmentNode } from '../nodes/environmentNode';
import type { CommandDeps } from './commandDeps';

const WORDS = {
  Start: { busy: 'starting', doing: 'Starting', done: 'Started' },
  Stop: { busy: 'stopping', doing: 'Stopping', done: 'Stopped' },
} as const;

type Verb = keyof typeof WORDS;

export async function changeEnvironmentState(
  deps: CommandDeps,
  env: EnvironmentNode,
  verb: Verb,
  work: (report: (p: ProgressReport) => void, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  await confirmEnvironmentAction(deps.ui, env, verb);
  const words = WORDS[verb];
  const target = `${env.app.name} ${env.environment.mode}`;
  env.busy = words.busy;
  deps.tree.redraw(env);
  try {
    await deps.progress.run(`${words.doing} ${target}`, work);
    deps.log.info(`${words.done} ${target}`);
  } finally {
    env.busy = undefined;
    deps.tree.refresh(env.parent);
  }
}

/** Production needs the environment's name typed in, so a slip of the mouse cannot take a live app down. */
async function confirmEnvironmentAction(ui: UserInput, env: EnvironmentNode, verb: Verb): Promise<void> {
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
