/** The migration commands' ids (spread into the explorer's `COMMANDS`, so the one table types them). */
export const MIGRATION_COMMANDS = {
  resumeMigration: 'mendixMigration.migration.resume',
  runNextMigrationStep: 'mendixMigration.migration.runNextStep',
  verifyMigrationStep: 'mendixMigration.migration.verifyStep',
  markMigrationStepDone: 'mendixMigration.migration.markStepDone',
  redoMigrationStep: 'mendixMigration.migration.redoStep',
  abortMigration: 'mendixMigration.migration.abort',
  exportMigrationReport: 'mendixMigration.migration.exportReport',
  openMigrationPanel: 'mendixMigration.migration.openPanel',
  refreshMigrations: 'mendixMigration.migrations.refresh',
} as const;
