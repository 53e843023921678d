/** Leaf nodes that stand in for data: a failed load, an empty list, "load more", and detail rows. */
import { COMMANDS } from '../../kit/commandIds';
import { describeError } from '../../../shared/errors';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { ExplorerNode } from './explorerNode';

function idUnder(parent: ExplorerNode | undefined, suffix: string): string {
  return parent ? `${parent.id}/${suffix}` : suffix;
}

/** A failed load; clicking it retries the parent. The row says what to do, the log has the detail. */
export class ErrorNode implements ExplorerNode {
  readonly kind = 'error';
  get id(): string {
    return idUnder(this.parent, 'error');
  }
  readonly message: string;
  readonly hint: string | undefined;

  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly what: string,
    error: unknown,
  ) {
    const d = describeError(error);
    this.message = d.message;
    this.hint = d.hint;
  }

  getTreeItem(): TreeItemSpec {
    return {
      id: this.id,
      label: `Could not load ${this.what}`,
      description: 'Retry',
      tooltip: [`**Could not load ${this.what}**`, '', this.message, ...(this.hint ? ['', this.hint] : []), '', 'Click to retry; see Mendix: Show Log for details.'].join('\n'),
      icon: { id: 'error', color: 'errorForeground' },
      collapsible: 'none',
      contextValue: 'error retry',
      command: { command: COMMANDS.retryNode, title: 'Retry', args: [this] },
      accessibilityLabel: `Could not load ${this.what}: ${this.message}. Retry`,
    };
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}

export class EmptyNode implements ExplorerNode {
  readonly kind = 'empty';
  get id(): string {
    return idUnder(this.parent, 'empty');
  }

  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly message: string,
    private readonly action?: { command: string; title: string },
  ) {}

  getTreeItem(): TreeItemSpec {
    return {
      id: this.id,
      label: this.message,
      description: this.action?.title,
      icon: { id: 'info' },
      collapsible: 'none',
      contextValue: 'empty',
      command: this.action ? { command: this.action.command, title: this.action.title, args: [] } : undefined,
    };
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}

export class LoadMoreNode implements ExplorerNode {
  readonly kind = 'loadMore';
  get id(): string {
    return idUnder(this.parent, 'loadMore');
  }

  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly shown: number,
    readonly total: number | undefined,
  ) {}

  getTreeItem(): TreeItemSpec {
    const of = this.total !== undefined ? ` (${this.shown} of ${this.total} shown)` : ` (${this.shown} shown)`;
    return {
      id: this.id,
      label: 'Load more…',
      description: of.trim(),
      icon: { id: 'ellipsis' },
      collapsible: 'none',
      contextValue: 'loadMore',
      command: { command: COMMANDS.loadMore, title: 'Load More', args: [this] },
    };
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}

/** A read-only "label: value" row, e.g. a package's version or a constant's value. */
export class DetailNode implements ExplorerNode {
  readonly kind: 'detail' | 'setting';
  get id(): string {
    return idUnder(this.parent, this.key);
  }

  constructor(
    readonly parent: ExplorerNode | undefined,
    private readonly key: string,
    readonly label: string,
    readonly value: string,
    private readonly opts: { icon?: string; tooltip?: string; kind?: 'detail' | 'setting' } = {},
  ) {
    this.kind = opts.kind ?? 'detail';
  }

  getTreeItem(): TreeItemSpec {
    return {
      id: this.id,
      label: this.label,
      description: this.value,
      tooltip: this.opts.tooltip,
      icon: this.opts.icon ? { id: this.opts.icon } : undefined,
      collapsible: 'none',
      contextValue: this.kind,
    };
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
