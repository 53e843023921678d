/** The base of an environment's package, backups and settings rows: loaded on expansion, named after what they load. */
import { LoadingNode, type EnvironmentContext, type ExplorerEnv, type ExplorerNode } from './explorerNode';
import { ErrorNode } from './leafNodes';

export abstract class EnvironmentPartNode<D> extends LoadingNode<D> {
  constructor(
    env: ExplorerEnv,
    readonly parent: ExplorerNode,
    /** The environment (and its app and port) the row works on, fixed at construction. */
    readonly context: EnvironmentContext,
    /** The row's id under its parent. */
    private readonly key: string,
    /** What it loads, as the error row and the log name it ("the deployed package"). */
    private readonly what: string,
  ) {
    super(env);
  }

  get id(): string {
    return `${this.parent.id}/${this.key}`;
  }

  protected errorChildren(e: unknown): ExplorerNode[] {
    return [new ErrorNode(this, this.what, e)];
  }

  protected describe(): string {
    return `${this.what} of ${this.context.app.name} ${this.context.environment.mode}`;
  }
}
