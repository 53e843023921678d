import * as vscode from 'vscode';
import { createLogger, type Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';

/** The one LogOutputChannel of the extension, adapted to the core Logger with secrets masked. */
export function createOutputLogger(channel: vscode.LogOutputChannel, redactor: Redactor): Logger {
  return createLogger((level, message) => channel[level](message), (t) => redactor.redact(t));
}
