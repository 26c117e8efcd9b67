// Builds like react-scripts: REACT_APP_* variables are baked into the bundle, assets get content
// hashes in their names under build/static/, public/ is copied, and index.html links the bundle.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const out = path.join(__dirname, 'build');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'static', 'js'), { recursive: true });
fs.mkdirSync(path.join(out, 'static', 'css'), { recursive: true });

const env = {};
for (const [k, v] of Object.entries(process.env)) {
  if (k.startsWith('REACT_APP_')) env[k] = v;
}
const hashed = (dir, name, ext, body) => {
  const h = crypto.createHash('sha256').update(body).digest('hex').slice(0, 8);
  const file = `${name}.${h}.${ext}`;
  fs.writeFileSync(path.join(out, 'static', dir, file), body);
  return `/static/${dir}/${file}`;
};

const js = `window.__ENV__ = ${JSON.stringify(env)};\n` + fs.readFileSync(path.join(__dirname, 'src', 'app.js'), 'utf8');
const css = fs.readFileSync(path.join(__dirname, 'src', 'app.css'), 'utf8');
const jsPath = hashed('js', 'main', 'js', js);
const cssPath = hashed('css', 'main', 'css', css);

for (const f of fs.readdirSync(path.join(__dirname, 'public'))) {
  fs.copyFileSync(path.join(__dirname, 'public', f), path.join(out, f));
}
const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8')
  .replace('%MAIN_JS%', jsPath)
  .replace('%MAIN_CSS%', cssPath);
fs.writeFileSync(path.join(out, 'index.html'), index);
console.log(`built ${jsPath} ${cssPath}`);
