/** Editor and OS actions for commands: clipboard, browser, documents, the log channel. */
import * as vscode from 'vscode';
import type { Host } from '../../core/ui/kit/userInput';
import type { Redactor } from '../../core/shared/redact';

export class VsCodeHost implements Host {
  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly redactor: Redactor,
  ) {}

  async copyToClipboard(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  async openExternal(url: string): Promise<void> {
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  async openDocument(content: string, language: 'markdown' | 'json'): Promise<void> {
    const doc = await vscode.workspace.openTextDocument({ content, language });
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async openFile(path: string): Promise<void> {
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
  }

  async revealFile(path: string): Promise<void> {
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
  }

  showLog(): void {
    this.channel.show(true);
  }

  maskSecret(value: string): void {
    this.redactor.add(value);
  }
}
