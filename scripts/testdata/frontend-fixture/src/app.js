// What the fixture shows, for the browser test: the network it opened on (networks[0] of the list at
// the baked-in discovery URL, like explorer-frontend src/store/index.jsx), every network listed, the
// path the browser asked for (deep links are routed in the browser) and the baked-in variables.
(async function main() {
  const env = window.__ENV__;
  const root = document.getElementById('root');
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  try {
    const response = await fetch(env.REACT_APP_DISCOVERY_SERVICE_URL);
    const networks = await response.json();
    root.replaceChildren(
      el('h1', { id: 'network', 'data-net-id': String(networks[0].netID) }, networks[0].netName),
      el('p', {}, 'Path: '),
      el('p', { id: 'path' }, window.location.pathname),
      el('p', { id: 'labels-per-unit' }, env.REACT_APP_LABELS_PER_UNIT || ''),
      el('p', { id: 'discovery-url' }, env.REACT_APP_DISCOVERY_SERVICE_URL),
      el('ul', { id: 'networks' }),
    );
    const list = document.getElementById('networks');
    for (const n of networks) {
      list.appendChild(el('li', { 'data-net-id': String(n.netID), 'data-stats-api': n.statsAPI || '' }, n.netName));
    }
  } catch (e) {
    root.replaceChildren(el('p', { id: 'error' }, String(e)));
  }
}());
