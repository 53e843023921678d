/**
 * Mendix Cloud regions with their default app-URL suffix (contract §12). The cluster id is what v4
 * reports as `region`; its mapping to suffixes is undocumented, so these ids are the emulator's own.
 */
export interface Region {
  key: string;
  name: string;
  suffix: string;
  cluster: string;
}

const TABLE: Region[] = [
  { key: 'af-south-1', name: 'Cape Town', suffix: '.apps.af-1a.mendixcloud.com', cluster: 'prod-af-south-1' },
  { key: 'ap-southeast-1', name: 'Singapore', suffix: '.apps.ap-2a.mendixcloud.com', cluster: 'prod-ap-southeast-1' },
  { key: 'ap-southeast-2', name: 'Sydney', suffix: '.apps.au-1a.mendixcloud.com', cluster: 'prod-ap-southeast-2' },
  { key: 'ap-northeast-1', name: 'Tokyo', suffix: '.mendixcloud.com', cluster: 'prod-ap-northeast-1' },
  { key: 'ap-south-1', name: 'Mumbai', suffix: '.apps.ap-3a.mendixcloud.com', cluster: 'prod-ap-south-1' },
  { key: 'ap-northeast-3', name: 'Osaka', suffix: '.apps.ja-2a.mendixcloud.com', cluster: 'prod-ap-northeast-3' },
  { key: 'ap-northeast-2', name: 'Seoul', suffix: '.apps.ap-4a.mendixcloud.com', cluster: 'prod-ap-northeast-2' },
  { key: 'ap-southeast-3', name: 'Jakarta', suffix: '.apps.ap-5a.mendixcloud.com', cluster: 'prod-ap-southeast-3' },
  { key: 'ca-central-1', name: 'Canada', suffix: '.apps.ca-1a.mendixcloud.com', cluster: 'prod-ca-central-1' },
  { key: 'eu-central-1', name: 'Frankfurt', suffix: '.mendixcloud.com', cluster: 'prod-eu-central-1' },
  { key: 'eu-central-1-2', name: 'Frankfurt-2', suffix: '.apps.eu-1c.mendixcloud.com', cluster: 'prod2-eu-central-1' },
  { key: 'eu-west-1', name: 'Ireland', suffix: '.mendixcloud.com', cluster: 'prod-eu-west-1' },
  { key: 'me-south-1', name: 'Bahrain', suffix: '.apps.me-1a.mendixcloud.com', cluster: 'prod-me-south-1' },
  { key: 'me-central-1', name: 'UAE', suffix: '.apps.me-2a.mendixcloud.com', cluster: 'prod-me-central-1' },
  { key: 'sa-east-1', name: 'São Paulo', suffix: '.apps.sa-1a.mendixcloud.com', cluster: 'prod-sa-east-1' },
  { key: 'eu-west-2', name: 'London', suffix: '.mendixcloud.com', cluster: 'prod-eu-west-2' },
  { key: 'us-east-1', name: 'N. Virginia', suffix: '.mendixcloud.com', cluster: 'prod-us-east-1' },
  { key: 'us-west-2', name: 'Oregon', suffix: '.apps.us-2a.mendixcloud.com', cluster: 'prod-us-west-2' },
];

/** Free Apps live on their own sandbox domain. */
export const FREE_REGION: Region = { key: 'free', name: 'Free Tier (Ireland)', suffix: '.mxapps.io', cluster: 'sandbox-eu-west-1' };

export const REGIONS: ReadonlyMap<string, Region> = new Map([...TABLE, FREE_REGION].map((r) => [r.key, r]));

export function regionOf(key: string): Region {
  const r = REGIONS.get(key);
  if (!r) throw new Error(`unknown region ${key}`);
  return r;
}
