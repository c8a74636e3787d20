import { existsSync } from 'node:fs';
import { loadSplit, saveSplit, type Split } from '../data/splits.js';
import { runFile } from './paths.js';

/** The run's patient split (split.json), saved at the start so evaluation uses the same held-out patients. */
export function saveRunSplit(dir: string, split: Split): void {
  saveSplit(runFile(dir, 'split'), split);
}

export function loadRunSplit(dir: string): Split | null {
  const file = runFile(dir, 'split');
  return existsSync(file) ? loadSplit(file) : null;
}
