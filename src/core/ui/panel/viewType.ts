/** The migration panel's webview type: registered at activation, so it lives apart from the heavier panel code. */
export const PANEL_VIEW_TYPE = 'mendixMigration.migrationPanel';
