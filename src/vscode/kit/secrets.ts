/** SecretStorage behind the explorer's typed key set: the only place the extension touches secrets. */
import type * as vscode from 'vscode';
import type { SecretBackend, SecretKey } from '../../core/ui/accounts/accounts';

export function secretBackend(secrets: vscode.SecretStorage): SecretBackend {
  return {
    get: (key: SecretKey) => Promise.resolve(secrets.get(key)),
    store: (key: SecretKey, value: string) => Promise.resolve(secrets.store(key, value)),
    delete: (key: SecretKey) => Promise.resolve(secrets.delete(key)),
  };
}
