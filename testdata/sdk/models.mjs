// models.mjs prints, as one JSON object, the field names of models of
// Genesys' JavaScript SDK as its typings (index.d.ts) declare them:
//
//   node models.mjs Policy PolicyActions   {"Policy": ["id", ...], "PolicyActions": [...]}
//   node models.mjs                        every interface of namespace Models
//
// A name the typings lack maps to null. reconcile/sim/sdk_test.go reads it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('purecloud-platform-client-v2/package.json'));
const src = readFileSync(join(pkg, 'index.d.ts'), 'utf8');

// skip returns the index just past the string or comment starting at i,
// or i itself when none starts there.
function skip(text, i) {
	const c = text[i];
	if (c === '"' || c === "'" || c === '`') {
		let j = i + 1;
		while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
		return j + 1;
	}
	if (c === '/' && text[i + 1] === '/') {
		const j = text.indexOf('\n', i);
		return j < 0 ? text.length : j;
	}
	if (c === '/' && text[i + 1] === '*') {
		const j = text.indexOf('*/', i + 2);
		return j < 0 ? text.length : j + 2;
	}
	return i;
}

// close returns the index of the bracket closing the one at open.
function close(text, open) {
	let depth = 0;
	for (let i = open; i < text.length; ) {
		const j = skip(text, i);
		if (j !== i) { i = j; continue; }
		const c = text[i];
		if ('{(['.includes(c)) depth++;
		else if ('})]'.includes(c) && --depth === 0) return i;
		i++;
	}
	throw new Error(`unbalanced bracket at offset ${open}`);
}

// members splits a block's body at the semicolons and commas of its own level.
function members(body) {
	const out = [];
	let depth = 0, start = 0;
	for (let i = 0; i < body.length; ) {
		const j = skip(body, i);
		if (j !== i) { i = j; continue; }
		const c = body[i];
		if ('{(['.includes(c)) depth++;
		else if ('})]'.includes(c)) depth--;
		else if (depth === 0 && (c === ';' || c === ',')) { out.push(body.slice(start, i)); start = i + 1; }
		i++;
	}
	out.push(body.slice(start));
	return out;
}

const decl = /^(?:export\s+)?(?:declare\s+)?interface\s+([A-Za-z_$][\w$]*)(?:<[^{]*>)?(?:\s+extends\s+([^{]+))?\s*$/;
const field = /^(?:readonly\s+)?(?:"([^"]+)"|'([^']+)'|([A-Za-z_$][\w$]*))\s*\??\s*:/;

// interfaces returns name -> {fields, bases} for the interfaces declared
// directly inside body (not inside nested blocks).
function interfaces(body) {
	const found = new Map();
	let stmt = 0;
	for (let i = 0; i < body.length; ) {
		const j = skip(body, i);
		if (j !== i) { i = j; continue; }
		const c = body[i];
		if (c === '{') {
			const end = close(body, i);
			const m = decl.exec(body.slice(stmt, i).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim());
			if (m) {
				const fields = [];
				for (const member of members(body.slice(i + 1, end))) {
					const f = field.exec(member.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim());
					if (f) fields.push(f[1] ?? f[2] ?? f[3]);
				}
				const bases = m[2] ? m[2].split(',').map(s => s.trim().replace(/^Models\./, '').replace(/<.*$/, '')) : [];
				found.set(m[1], { fields, bases });
			}
			i = stmt = end + 1;
			continue;
		}
		if (c === ';' || c === '}') stmt = i + 1;
		i++;
	}
	return found;
}

// The Models namespace may be declared more than once; merge them all.
const models = new Map();
const ns = /declare\s+namespace\s+Models\s*\{/g;
for (let m; (m = ns.exec(src)); ) {
	const open = m.index + m[0].length - 1;
	const end = close(src, open);
	for (const [name, decl] of interfaces(src.slice(open + 1, end))) models.set(name, decl);
	ns.lastIndex = end;
}
if (models.size === 0) throw new Error('no interfaces found in namespace Models of index.d.ts');

function fieldsOf(name, seen = new Set()) {
	const m = models.get(name);
	if (!m || seen.has(name)) return m ? [] : null;
	seen.add(name);
	const all = new Set(m.fields);
	for (const b of m.bases) for (const f of fieldsOf(b, seen) ?? []) all.add(f);
	return [...all];
}

const names = process.argv.length > 2 ? process.argv.slice(2) : [...models.keys()];
const out = {};
for (const n of names) out[n] = fieldsOf(n);
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
