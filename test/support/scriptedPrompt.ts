import type { MigrationPrompt } from '../../src/core/migration/stepTypes';

/** A prompt with fixed answers, for tests. */
export class ScriptedPrompt implements MigrationPrompt {
  readonly asked: string[] = [];
  constructor(
    readonly person: string,
    private readonly answers: { typed?: Record<string, string>; yes?: boolean } = {},
  ) {}
  confirmTyped(question: string, expected: string): Promise<boolean | undefined> {
    this.asked.push(question);
    const typed = this.answers.typed?.[expected] ?? this.answers.typed?.['*'];
    return Promise.resolve(typed === undefined ? undefined : typed === expected);
  }
  confirm(question: string): Promise<boolean | undefined> {
    this.asked.push(question);
    return Promise.resolve(this.answers.yes);
  }
}
