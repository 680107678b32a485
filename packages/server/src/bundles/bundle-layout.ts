import type { Artifact, ArtifactKind } from '@synctrail/types';

/**
 * The names the first seed document's log pack gives the files of one kind. Kinds whose file has
 * a fixed name there take it; the others (the HTTP trace, the configuration, the dumps, one .json
 * per object type) keep the name the connector gave, which tells them apart.
 */
const FIXED_NAMES: Partial<Record<ArtifactKind, string>> = {
  AUTO_RESOLVERS: 'autoresolvers.xml',
  SITE_SETTINGS: 'Site.xml',
  MAPPING_SCHEME: 'synchronization_scheme.xml',
  JOB_LIST: 'job.txt',
};

/** Names Synctrail writes itself into every session's folder. */
export const GENERATED_NAMES = ['run.json', 'actions.csv', 'calls.csv'] as const;

/** A name that cannot climb out of its folder or hide as a dot file. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '_' : c));
  const cleaned = printable.join('').replace(/^\.+/, '_');
  return cleaned.length > 0 ? cleaned : 'artifact';
}

/** `name (2).ext` for the second file wanting `name.ext`. */
function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Where each of a run's artifacts goes in its folder: the layout's name for its kind, `other/` for
 * files of no known kind, never two files under one name (nor over a generated file).
 */
export function layoutNames(artifacts: readonly Artifact[]): Map<string, string> {
  const taken = new Set<string>(GENERATED_NAMES.map((n) => n.toLowerCase()));
  taken.add('manifest.json');
  const names = new Map<string, string>();
  for (const artifact of artifacts) {
    const fixed = FIXED_NAMES[artifact.kind];
    const wanted =
      artifact.kind === 'OTHER' ? `other/${safeName(artifact.name)}` : (fixed ?? safeName(artifact.name));
    let name = wanted;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = numbered(wanted, n);
    taken.add(name.toLowerCase());
    names.set(artifact.id, name);
  }
  return names;
}

/** A session's folder in a multi-session bundle: when it was requested, then its id. */
export function sessionFolder(run: { id: string; requestedAt: string }): string {
  const stamp = run.requestedAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}_${run.id}/`;
}
