// `.dev.vars`: the git-ignored file wrangler dev reads local secrets from.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './wrangler-dev.mjs';
import { StartError, log, warn } from './output.mjs';

export const DEV_VARS = path.join(ROOT, '.dev.vars');
export const rel = (p) => path.relative(ROOT, p);

export function parseDotenv(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    vars[m[1]] = v;
  }
  return vars;
}

export function warnIfNotIgnored(file) {
  const r = spawnSync('git', ['check-ignore', '-q', rel(file)], { cwd: ROOT, stdio: 'ignore' });
  if (r.status === 1) warn(`${rel(file)} is not git-ignored: add it to .gitignore so that its secrets never get committed.`);
}

/** A random secret `name` in .dev.vars, written once (the Worker refuses weak or missing ones). */
export function ensureSecret(name) {
  let text = '';
  try {
    text = fs.readFileSync(DEV_VARS, 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw new StartError(`Cannot read ${rel(DEV_VARS)}: ${err.message}`);
  }
  const existing = parseDotenv(text)[name];
  if (existing) {
    log(`Using ${name} from ${rel(DEV_VARS)}.`);
  } else {
    const line = `${name}=${randomBytes(32).toString('base64url')}\n`;
    try {
      if (text) fs.appendFileSync(DEV_VARS, `${text.endsWith('\n') ? '' : '\n'}${line}`);
      else fs.writeFileSync(DEV_VARS, `# Local secrets for \`wrangler dev\` (git-ignored). Created by \`npm start\`.\n${line}`, { mode: 0o600 });
    } catch (err) {
      throw new StartError(`Cannot write ${rel(DEV_VARS)}: ${err.message}`);
    }
    log(`${text ? 'Added' : 'Created'} a random ${name} in ${rel(DEV_VARS)}.`);
  }
  warnIfNotIgnored(DEV_VARS);
  return existing || parseDotenv(fs.readFileSync(DEV_VARS, 'utf8'))[name];
}
