/**
 * Friendly names for the v4 `region` (a cluster id such as `prod2-eu-central-1`). The mapping is
 * not documented by Mendix, so unknown ids are shown as they are rather than guessed.
 */
const AWS_REGION_NAMES: Readonly<Record<string, string>> = {
  'af-south-1': 'Cape Town',
  'ap-southeast-1': 'Singapore',
  'ap-southeast-2': 'Sydney',
  'ap-northeast-1': 'Tokyo',
  'ap-south-1': 'Mumbai',
  'ap-northeast-3': 'Osaka',
  'ap-northeast-2': 'Seoul',
  'ap-southeast-3': 'Jakarta',
  'ca-central-1': 'Canada',
  'eu-central-1': 'Frankfurt',
  'eu-west-1': 'Ireland',
  'me-south-1': 'Bahrain',
  'me-central-1': 'UAE',
  'sa-east-1': 'São Paulo',
  'eu-west-2': 'London',
  'us-east-1': 'N. Virginia',
  'us-west-2': 'Oregon',
};

/** `prod-us-west-2` → `Oregon`; `prod2-eu-central-1` → `Frankfurt-2`; `sandbox-…` → Free Tier. */
export function regionLabel(region: string | undefined): string | undefined {
  if (!region) return undefined;
  const m = /^([a-z]+?)(\d*)-([a-z]{2}-[a-z]+-\d)$/.exec(region);
  if (!m) return region;
  const name = AWS_REGION_NAMES[m[3]];
  if (!name) return region;
  if (m[1] === 'sandbox') return `Free Tier (${name})`;
  return m[2] && m[2] !== '1' ? `${name}-${m[2]}` : name;
}
