import { extname } from 'node:path';
import { type Gazetteer, GazetteerError, loadGazetteer } from './gazetteer.js';
import { gazetteerNames, type LocatedGazetteer, loadGazetteerCsv } from './gazetteer-csv.js';

/** What GAZETTEER_FILE gives: the names the dialog recognises and, from a CSV, where they are. */
export interface GazetteerFile {
  names: Gazetteer;
  /** Only a CSV gazetteer has coordinates; a JSON one lists names only. */
  located?: LocatedGazetteer;
}

/** Reads GAZETTEER_FILE by its extension: `.json` (names, docs/examples/gazetteer.example.json) or `.csv` (names and coordinates). */
export function loadGazetteerFile(path: string): GazetteerFile {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return { names: loadGazetteer(path) };
  if (ext === '.csv') {
    const located = loadGazetteerCsv(path);
    return { names: gazetteerNames(located), located };
  }
  throw new GazetteerError(`gazetteer ${path}: a .json (names) or .csv (names and coordinates) file`);
}
