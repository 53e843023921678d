/**
 * Compares the source environment's configuration with the target's. Constant values are never
 * shown (they may hold passwords): a difference says only that the values differ. Differences the
 * Deploy API can write are separated from those only the portal can set.
 */
import type { EnvironmentInfo, EnvironmentSettings, NamedValue } from '../mendix/services';

export interface ConfigDifference {
  area: 'constant' | 'scheduled-event' | 'custom-setting' | 'scaling' | 'tag';
  name: string;
  /** Masked for constants. */
  source: string;
  target: string;
  /** Can the engine apply it through the API? */
  writable: boolean;
  note?: string;
}

export interface ConfigSide {
  settings: EnvironmentSettings;
  environment: EnvironmentInfo;
  tags: string[];
}

/** Settings no API can read or write; the person copies them by hand (the v3→v4 copy checklist). */
export const PORTAL_ONLY_SETTINGS: readonly string[] = [
  'Instances and memory per instance, when the API does not report them (General tab → Scale)',
  'Custom environment variables (Runtime tab)',
  'HTTP response headers (Network tab)',
  'Path-based access restrictions and IP restriction profiles (Network / Connectivity tab)',
  'Outgoing-connection client certificates and CAs (Network tab)',
  'Log levels (Log Levels tab)',
  'Preferred maintenance window (Maintenance tab)',
];

const MASK = '•••• (masked)';

/** Custom runtime settings whose values must not be shown (passwords, keys, tokens). */
const SECRET_NAME = /pass(word|wd)?|secret|token|credential|private|api[._-]?key|\bkey\b|key$/i;

/** The value of a custom runtime setting as a person may see it: masked when its name says it is secret. */
export function shownSettingValue(name: string, value: string | null): string {
  if (value === null) return '(no value)';
  return SECRET_NAME.test(name) ? MASK : value;
}

const shown = (v: string | null): string => v ?? '(no value)';

function byName(list: NamedValue[]): Map<string, NamedValue> {
  return new Map(list.map((v) => [v.name, v]));
}

export function diffConfiguration(source: ConfigSide, target: ConfigSide): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const tConst = byName(target.settings.constants);
  for (const c of source.settings.constants) {
    const t = tConst.get(c.name);
    if (!t) {
      out.push({ area: 'constant', name: c.name, source: MASK, target: '(missing)', writable: false, note: 'the target package does not define this constant' });
    } else if (t.value !== c.value) {
      out.push({ area: 'constant', name: c.name, source: MASK, target: MASK, writable: true, note: 'values differ' });
    }
  }
  const tEvents = byName(target.settings.scheduledEvents);
  for (const e of source.settings.scheduledEvents) {
    const t = tEvents.get(e.name);
    if (!t) out.push({ area: 'scheduled-event', name: e.name, source: shown(e.value), target: '(missing)', writable: false });
    else if (t.value !== e.value) out.push({ area: 'scheduled-event', name: e.name, source: shown(e.value), target: shown(t.value), writable: true });
  }
  const tCustom = byName(target.settings.customSettings);
  for (const s of source.settings.customSettings) {
    const t = tCustom.get(s.name);
    if (!t) {
      // The settings call changes existing settings; creating one is not documented (§14.3): portal step.
      out.push({
        area: 'custom-setting',
        name: s.name,
        source: shownSettingValue(s.name, s.value),
        target: '(not set)',
        writable: false,
        note: 'exists only on the source: add it in the portal (Runtime tab → Custom Runtime Settings)',
      });
    } else if (t.value !== s.value) {
      out.push({ area: 'custom-setting', name: s.name, source: shownSettingValue(s.name, s.value), target: shownSettingValue(t.name, t.value), writable: true });
    }
  }
  const si = source.environment.instances;
  const sm = source.environment.memoryPerInstanceMb;
  const ti = target.environment.instances;
  const tm = target.environment.memoryPerInstanceMb;
  if (si !== undefined && sm !== undefined && (si !== ti || sm !== tm)) {
    out.push({
      area: 'scaling',
      name: 'instances × memory per instance',
      source: `${si} × ${sm} MB`,
      target: ti !== undefined && tm !== undefined ? `${ti} × ${tm} MB` : '(unknown)',
      writable: true,
    });
  }
  const tTags = new Set(target.tags);
  for (const tag of source.tags) if (!tTags.has(tag)) out.push({ area: 'tag', name: tag, source: 'present', target: 'missing', writable: true });
  return out;
}

/**
 * The target's collections as GET returned them, with each value the source also has taken from the
 * source. Nothing is added: settings only the source has go to the portal checklist.
 */
export function mergedSettings(source: EnvironmentSettings, target: EnvironmentSettings): EnvironmentSettings {
  const s = { constants: byName(source.constants), events: byName(source.scheduledEvents), custom: byName(source.customSettings) };
  const take = (list: NamedValue[], from: Map<string, NamedValue>): NamedValue[] =>
    list.map((t) => {
      const v = from.get(t.name);
      return v ? { ...t, value: v.value } : t;
    });
  return {
    constants: take(target.constants, s.constants),
    scheduledEvents: take(target.scheduledEvents, s.events),
    customSettings: take(target.customSettings, s.custom),
  };
}

/** Portal checklist lines for the custom runtime settings only the source has (values of secrets masked). */
export function sourceOnlyCustomSettingActions(diff: readonly ConfigDifference[]): string[] {
  return diff
    .filter((d) => d.area === 'custom-setting' && !d.writable)
    .map((d) => `Runtime tab → Custom Runtime Settings: add ${d.name} = ${d.source}`);
}
