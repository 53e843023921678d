import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mendix-migration.mendix-cloud-migration';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

describe('extension inside VS Code', function () {
  it('is present', function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    assert.equal(ext.packageJSON && (ext.packageJSON as { displayName?: string }).displayName, 'Mendix Cloud Migration');
  });

  it('is active after running "Mendix: Show Log"', async function () {
    await vscode.commands.executeCommand('mendixMigration.showLog');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(ext?.isActive, true);
  });

  it('registers every command it contributes', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const contributed = (ext.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(contributed.includes('mendixMigration.showLog'));
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed commands that no code registers',
    );
  });

  it('reads back the configuration defaults', function () {
    const api = vscode.workspace.getConfiguration('mendixMigration.api');
    assert.equal(api.get('deployBaseUrl'), 'https://deploy.mendix.com');
    assert.equal(api.get('cloudPortalBaseUrl'), 'https://cloud.home.mendix.com');
    assert.equal(api.get('homeBaseUrl'), 'https://api.home.mendix.com');
    // Every contributed setting reads back its declared default when the user set nothing.
    const props = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest).contributes.configuration.properties;
    const root = vscode.workspace.getConfiguration();
    for (const [key, schema] of Object.entries(props)) {
      if ('default' in schema) assert.deepEqual(root.get(key), schema.default, key);
    }
  });
});
