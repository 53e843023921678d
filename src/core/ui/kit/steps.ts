/**
 * Multi-step prompts with Back: each step asks one question into a shared state; Back (a
 * `GoBackError` from the prompt) returns to the last step that asked something, with every answer
 * kept, so going back and forth shows the earlier answers again. Escape cancels the whole run.
 */
import { GoBackError } from './userInput';

export interface StepContext {
  /** True when there is an earlier question to go back to: prompts then show a Back button. */
  back: boolean;
}

export interface Step<S> {
  readonly id: string;
  /**
   * Asks its question and writes the answer into `state`. Returns false when it asked nothing
   * (nothing to choose from, or answered elsewhere), so Back passes over it.
   */
  ask(state: S, ctx: StepContext): Promise<boolean | void>;
}

export async function runSteps<S>(steps: readonly Step<S>[], state: S): Promise<S> {
  // Indices of the steps that asked, in order: Back pops to the last of them.
  const asked: number[] = [];
  let i = 0;
  while (i < steps.length) {
    try {
      const didAsk = await steps[i].ask(state, { back: asked.length > 0 });
      if (didAsk !== false) asked.push(i);
      i++;
    } catch (e) {
      const previous = asked.pop();
      if (!(e instanceof GoBackError) || previous === undefined) throw e;
      i = previous;
    }
  }
  return state;
}
