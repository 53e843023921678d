/** Turns the core's plain TreeItemSpec into a vscode.TreeItem. */
import * as vscode from 'vscode';
import type { TreeItemSpec } from '../../core/ui/kit/treeSpec';

const COLLAPSIBLE: Readonly<Record<TreeItemSpec['collapsible'], vscode.TreeItemCollapsibleState>> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(spec: TreeItemSpec, node: unknown): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, COLLAPSIBLE[spec.collapsible]);
  item.id = spec.id;
  item.description = spec.description;
  if (spec.tooltip) item.tooltip = new vscode.MarkdownString(spec.tooltip);
  if (spec.icon) item.iconPath = new vscode.ThemeIcon(spec.icon.id, spec.icon.color ? new vscode.ThemeColor(spec.icon.color) : undefined);
  item.contextValue = spec.contextValue;
  if (spec.command) item.command = { command: spec.command.command, title: spec.command.title, arguments: spec.command.args ?? [node] };
  if (spec.accessibilityLabel) item.accessibilityInformation = { label: spec.accessibilityLabel };
  return item;
}
