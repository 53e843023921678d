/**
 * The demo world (issue 3): Order Portal moving from Frankfurt-2 to Oregon, and Legacy HR moving from
 * a v3 node to a v4 node, each with two empty temporary apps. IDs are fixed so tests and docs can
 * refer to them through `DEMO` and never hard-code UUIDs.
 */
import { allPermissions, emptyState, type EmulatorConfig, type EmulatorState, type Permission, type RepoInfo } from '../model';
import { addNightlySnapshot, addNode, addPackage, addPat, addProject, addUser, constantsFrom, eventsFrom } from './builders';

export const DEMO = {
  username: 'demo@example.com',
  apiKey: 'demo-api-key',
  pat: 'demo-pat',
  patRead: 'demo-pat-read',
  /** A second team member with API rights on Order Portal Acceptance only: for NO_ACCESS cases. */
  viewer: { username: 'viewer@example.com', apiKey: 'viewer-api-key', pat: 'viewer-pat' },
  projects: {
    orderPortal: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000001', name: 'Order Portal' },
    orderPortalTempA: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000002', name: 'Order Portal (temp A)' },
    orderPortalTempB: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000003', name: 'Order Portal (temp B)' },
    legacyHr: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000004', name: 'Legacy HR' },
    legacyHrTempA: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000005', name: 'Legacy HR (temp A)' },
    legacyHrTempB: { id: '6f1c2a10-5d3b-4c7e-9a21-0a0000000006', name: 'Legacy HR (temp B)' },
  },
  /** Nodes by sub-domain; the v1 AppId of a linked project is its node's sub-domain. */
  nodes: {
    orderportal: { id: '2b7e9d40-8c1a-4f3e-b6d2-0b0000000001', subdomain: 'orderportal', region: 'Frankfurt-2', suffix: '.apps.eu-1c.mendixcloud.com', generation: 'v4' },
    orderportalUs: { id: '2b7e9d40-8c1a-4f3e-b6d2-0b0000000002', subdomain: 'orderportal-us', region: 'Oregon', suffix: '.apps.us-2a.mendixcloud.com', generation: 'v4' },
    legacyhr: { id: '2b7e9d40-8c1a-4f3e-b6d2-0b0000000003', subdomain: 'legacyhr', region: 'Frankfurt', suffix: '.mendixcloud.com', generation: 'v3' },
    legacyhrV4: { id: '2b7e9d40-8c1a-4f3e-b6d2-0b0000000004', subdomain: 'legacyhr-v4', region: 'Frankfurt-2', suffix: '.apps.eu-1c.mendixcloud.com', generation: 'v4' },
  },
  environments: {
    orderPortalProduction: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000001', mode: 'Production' },
    orderPortalAcceptance: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000002', mode: 'Acceptance' },
    orderPortalUsProduction: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000003', mode: 'Production' },
    orderPortalUsAcceptance: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000004', mode: 'Acceptance' },
    legacyHrProduction: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000005', mode: 'Production' },
    legacyHrAcceptance: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000006', mode: 'Acceptance' },
    legacyHrV4Production: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000007', mode: 'Production' },
    legacyHrV4Acceptance: { id: '9c4d5e60-7a8b-4c9d-8e0f-0c0000000008', mode: 'Acceptance' },
  },
  packages: {
    orderPortalProduction: { id: '4e8f1a20-3b5c-4d6e-9f70-0d0000000001', version: '1.6.0.142', mendixVersion: '10.24.3.73587' },
    orderPortalAcceptance: { id: '4e8f1a20-3b5c-4d6e-9f70-0d0000000002', version: '1.7.0.151', mendixVersion: '10.24.3.73587' },
    legacyHr: { id: '4e8f1a20-3b5c-4d6e-9f70-0d0000000003', version: '3.2.0.877', mendixVersion: '7.23.7.55882' },
  },
  /** Constant whose value looks like an SMTP host (the migration must flag it). */
  smtpConstant: 'Email.SMTPHost',
  customDomain: 'orders.example.com',
} as const;

const ORDER_PORTAL_REPO: RepoInfo = {
  mendixVersion: DEMO.packages.orderPortalAcceptance.mendixVersion,
  modelVersionBase: '1.7.0',
  constants: [
    { name: 'Email.SMTPHost', dataType: 'String', defaultValue: 'smtp.mailrelay.example.com' },
    { name: 'Email.SMTPPort', dataType: 'Integer', defaultValue: '587' },
    { name: 'OrderPortal.ERPBaseUrl', dataType: 'String', defaultValue: 'https://erp.example.com/api/v2' },
    { name: 'OrderPortal.EnableAuditLog', dataType: '_Boolean', defaultValue: 'true' },
  ],
  scheduledEvents: ['OrderPortal.SE_NightlyCleanup', 'OrderPortal.SE_SyncInventory'],
};

const LEGACY_HR_REPO: RepoInfo = {
  mendixVersion: DEMO.packages.legacyHr.mendixVersion,
  modelVersionBase: '3.2.0',
  constants: [
    { name: 'HR.LdapServer', dataType: 'String', defaultValue: 'ldap://ldap.corp.example.com:389' },
    { name: 'HR.PayrollExportFolder', dataType: 'String', defaultValue: '/exports/payroll' },
  ],
  scheduledEvents: ['HR.SE_SyncEmployees'],
};

const DAY = 24 * 3600 * 1000;

export function buildDemo(now: number, secret: string, config: Partial<EmulatorConfig> = {}): EmulatorState {
  const s = emptyState(now, secret, config);
  const me = DEMO.username;
  const viewer = DEMO.viewer.username;
  addUser(s, me, 'Demo User', DEMO.apiKey, true);
  addUser(s, viewer, 'Vera Viewer', DEMO.viewer.apiKey, false);
  addPat(s, DEMO.pat, me, true);
  addPat(s, DEMO.patRead, me, false);
  addPat(s, DEMO.viewer.pat, viewer, true);

  const P = DEMO.projects;
  addProject(s, { ...P.orderPortal, members: [me, viewer], freeSubdomain: 'orderportal-main', repo: ORDER_PORTAL_REPO });
  addProject(s, { ...P.orderPortalTempA, members: [me], freeSubdomain: 'orderportal-tempa', repo: null });
  addProject(s, { ...P.orderPortalTempB, members: [me], freeSubdomain: 'orderportal-tempb', repo: null });
  addProject(s, { ...P.legacyHr, members: [me], freeSubdomain: 'legacyhr-main', repo: LEGACY_HR_REPO });
  addProject(s, { ...P.legacyHrTempA, members: [me], freeSubdomain: 'legacyhr-tempa', repo: null });
  addProject(s, { ...P.legacyHrTempB, members: [me], freeSubdomain: 'legacyhr-tempb', repo: null });

  const size = s.config.packageBytes;
  const K = DEMO.packages;
  addPackage(s, { ...K.orderPortalProduction, projectId: P.orderPortal.id, creator: 'Demo User', creationDate: now - 20 * DAY, size, description: 'Release 1.6', repo: ORDER_PORTAL_REPO });
  addPackage(s, { ...K.orderPortalAcceptance, projectId: P.orderPortal.id, creator: 'Demo User', creationDate: now - 3 * DAY, size, description: 'Release candidate 1.7', repo: ORDER_PORTAL_REPO });
  addPackage(s, { ...K.legacyHr, projectId: P.legacyHr.id, creator: 'Demo User', creationDate: now - 400 * DAY, size, description: 'HR 3.2', repo: LEGACY_HR_REPO });

  const full: Record<string, Permission> = { [me]: allPermissions(true) };
  const E = DEMO.environments;
  const N = DEMO.nodes;
  addNode(s, {
    id: N.orderportal.id,
    subdomain: N.orderportal.subdomain,
    regionKey: 'eu-central-1-2',
    generation: 'v4',
    plan: 'S21',
    databaseRamGb: 2,
    memoryMb: 8192,
    dbVersion: '14',
    linkedProjectId: P.orderPortal.id,
    technicalContactId: me,
    environments: [
      {
        id: E.orderPortalProduction.id,
        name: 'Production',
        isProduction: true,
        status: 'Running',
        packageId: K.orderPortalProduction.id,
        instances: 2,
        memoryPerInstanceMb: 2048,
        constants: constantsFrom(ORDER_PORTAL_REPO.constants, { 'OrderPortal.ERPBaseUrl': 'https://erp.example.com/api/v2/prod' }),
        scheduledEvents: eventsFrom(ORDER_PORTAL_REPO.scheduledEvents, { 'OrderPortal.SE_NightlyCleanup': true, 'OrderPortal.SE_SyncInventory': true }),
        customSettings: [{ Name: 'ConnectionPoolingMaxActive', Value: '100' }],
        tags: ['orders', 'customer-facing'],
        customDomains: [DEMO.customDomain],
        permissions: { ...full },
      },
      {
        id: E.orderPortalAcceptance.id,
        name: 'Acceptance',
        isProduction: false,
        status: 'Running',
        packageId: K.orderPortalAcceptance.id,
        instances: 1,
        memoryPerInstanceMb: 1024,
        constants: constantsFrom(ORDER_PORTAL_REPO.constants, { 'Email.SMTPHost': 'smtp.test-relay.example.com' }),
        scheduledEvents: eventsFrom(ORDER_PORTAL_REPO.scheduledEvents, { 'OrderPortal.SE_NightlyCleanup': true }),
        customSettings: [{ Name: 'ConnectionPoolingMaxActive', Value: '50' }],
        tags: ['orders'],
        permissions: {
          ...full,
          [viewer]: { ...allPermissions(false), canAccessAPI: true, canViewLogs: true },
        },
      },
    ],
  });
  addNode(s, {
    id: N.orderportalUs.id,
    subdomain: N.orderportalUs.subdomain,
    regionKey: 'us-west-2',
    generation: 'v4',
    plan: 'S21',
    databaseRamGb: 2,
    memoryMb: 8192,
    dbVersion: '14',
    linkedProjectId: P.orderPortalTempA.id,
    technicalContactId: me,
    environments: [
      { id: E.orderPortalUsProduction.id, name: 'Production', isProduction: true, status: 'Empty', permissions: { ...full } },
      { id: E.orderPortalUsAcceptance.id, name: 'Acceptance', isProduction: false, status: 'Empty', permissions: { ...full } },
    ],
  });
  addNode(s, {
    id: N.legacyhr.id,
    subdomain: N.legacyhr.subdomain,
    regionKey: 'eu-central-1',
    generation: 'v3',
    plan: 'M21',
    databaseRamGb: 4,
    memoryMb: 4096,
    dbVersion: '11',
    linkedProjectId: P.legacyHr.id,
    technicalContactId: me,
    environments: [
      {
        id: E.legacyHrProduction.id,
        name: 'Production',
        isProduction: true,
        status: 'Running',
        packageId: K.legacyHr.id,
        memoryPerInstanceMb: 2048,
        constants: constantsFrom(LEGACY_HR_REPO.constants),
        scheduledEvents: eventsFrom(LEGACY_HR_REPO.scheduledEvents, { 'HR.SE_SyncEmployees': true }),
        tags: ['hr'],
        permissions: { ...full },
      },
      {
        id: E.legacyHrAcceptance.id,
        name: 'Acceptance',
        isProduction: false,
        status: 'Running',
        packageId: K.legacyHr.id,
        constants: constantsFrom(LEGACY_HR_REPO.constants, { 'HR.LdapServer': 'ldap://ldap-test.corp.example.com:389' }),
        scheduledEvents: eventsFrom(LEGACY_HR_REPO.scheduledEvents, {}),
        permissions: { ...full },
      },
    ],
  });
  addNode(s, {
    id: N.legacyhrV4.id,
    subdomain: N.legacyhrV4.subdomain,
    regionKey: 'eu-central-1-2',
    generation: 'v4',
    plan: 'M21',
    databaseRamGb: 4,
    memoryMb: 4096,
    dbVersion: '14',
    linkedProjectId: P.legacyHrTempA.id,
    technicalContactId: me,
    environments: [
      { id: E.legacyHrV4Production.id, name: 'Production', isProduction: true, status: 'Empty', permissions: { ...full } },
      { id: E.legacyHrV4Acceptance.id, name: 'Acceptance', isProduction: false, status: 'Empty', permissions: { ...full } },
    ],
  });

  for (let d = 1; d <= 3; d++) {
    addNightlySnapshot(s, `7a2b3c40-d5e6-4f70-8a91-0e000000000${d}`, E.orderPortalProduction.id, P.orderPortal.id, now, d, K.orderPortalProduction.version);
  }
  addNightlySnapshot(s, '7a2b3c40-d5e6-4f70-8a91-0e0000000004', E.orderPortalAcceptance.id, P.orderPortal.id, now, 1, K.orderPortalAcceptance.version);
  addNightlySnapshot(s, '7a2b3c40-d5e6-4f70-8a91-0e0000000005', E.legacyHrProduction.id, P.legacyHr.id, now, 1, K.legacyHr.version);
  return s;
}
