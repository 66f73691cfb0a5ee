/** Jest's global setup: builds the cloud function bundles that are older than their sources. */
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async () => {
  const root = path.join(__dirname, '..');
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'build-functions.ts'), '--stale'], { cwd: root, stdio: 'inherit' });
};
