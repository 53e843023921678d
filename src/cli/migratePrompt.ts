/**
 * The CLI's answers to the engine's questions: flags first (`--confirm-stop`, `--yes`) so pipelines
 * never block; on an interactive terminal the person is asked; otherwise the step waits for a person
 * (exit 3) instead of guessing.
 */
import { createInterface } from 'node:readline/promises';
import type { MigrationPrompt } from '../core/migration/stepTypes';

export class CliPrompt implements MigrationPrompt {
  constructor(
    readonly person: string,
    private readonly flags: { confirmStop?: string; yes?: boolean },
    private readonly interactive: boolean,
    private readonly write: (text: string) => void,
  ) {}

  async confirmTyped(question: string, expected: string): Promise<boolean | undefined> {
    if (this.flags.confirmStop !== undefined) return this.flags.confirmStop === expected;
    if (!this.interactive) return undefined;
    const answer = await this.ask(`${question}\n> `);
    return answer === undefined ? undefined : answer.trim() === expected;
  }

  async confirm(question: string, detail?: string): Promise<boolean | undefined> {
    if (this.flags.yes) return true;
    if (!this.interactive) return undefined;
    const answer = await this.ask(`${question}${detail ? `\n${detail}` : ''}\n[y/N] `);
    return answer === undefined ? undefined : /^y(es)?$/i.test(answer.trim());
  }

  private async ask(prompt: string): Promise<string | undefined> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      this.write('');
      return await rl.question(prompt);
    } catch {
      return undefined;
    } finally {
      rl.close();
    }
  }
}
