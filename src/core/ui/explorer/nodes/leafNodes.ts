/** Leaf nodes that stand in for data: a failed load, an empty list, "load more", and detail rows. */
import { COMMANDS } from '../../kit/commandIds';
import { describeError } from '../../../shared/errors';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { ExplorerNode, NodeKind } from './explorerNode';

/** A row without children, identified under its parent by a key of its own. */
export abstract class LeafNode implements ExplorerNode {
  abstract readonly kind: NodeKind;

  constructor(
    readonly parent: ExplorerNode | undefined,
    private readonly key: string,
  ) {}

  get id(): string {
    return this.parent ? `${this.parent.id}/${this.key}` : this.key;
  }

  abstract getTreeItem(): TreeItemSpec;

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}

/** A failed load; clicking it retries the parent. The row says what to do, the log has the detail. */
export class ErrorNode extends LeafNode {
  readonly kind = 'error';
  readonly message: string;
  readonly hint: string | undefined;

  constructor(
    parent: ExplorerNode | undefined,
    readonly what: string,
    error: unknown,
  ) {
    super(parent, 'error');
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
}

export class EmptyNode extends LeafNode {
  readonly kind = 'empty';

  constructor(
    parent: ExplorerNode | undefined,
    readonly message: string,
    private readonly action?: { command: string; title: string },
  ) {
    super(parent, 'empty');
  }

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
}

export class LoadMoreNode extends LeafNode {
  readonly kind = 'loadMore';

  constructor(
    parent: ExplorerNode | undefined,
    readonly shown: number,
    readonly total: number | undefined,
  ) {
    super(parent, 'loadMore');
  }

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
}

/** A read-only "label: value" row, e.g. a package's version or a constant's value. */
export class DetailNode extends LeafNode {
  readonly kind: 'detail' | 'setting';

  constructor(
    parent: ExplorerNode | undefined,
    key: string,
    readonly label: string,
    readonly value: string,
    private readonly opts: { icon?: string; tooltip?: string; kind?: 'detail' | 'setting' } = {},
  ) {
    super(parent, key);
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
}
