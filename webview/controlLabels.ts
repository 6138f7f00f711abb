// vscode-elements' text fields, text areas and selects name the real control inside their shadow
// root from their `label` property. An aria-label on the host names only the host, which has no
// role, so a screen reader finds the input itself unnamed. This copies each host's aria-label to
// `label`, for the controls present now and for those added or relabelled later, so every module
// keeps writing the one standard attribute.

const LABELLED = ['vscode-textfield', 'vscode-textarea', 'vscode-single-select'];
const SELECTOR = LABELLED.map((tag) => `${tag}[aria-label]`).join(',');

function forward(el: Element & { label?: string }): void {
  const label = el.getAttribute('aria-label');
  // A property, not an attribute: vscode-textfield does not read a `label` attribute.
  if (label !== null && el.label !== label) el.label = label;
}

function forwardWithin(node: Node): void {
  if (!(node instanceof Element)) return;
  if (node.matches(SELECTOR)) forward(node);
  for (const el of node.querySelectorAll(SELECTOR)) forward(el);
}

/** Keeps the `label` property equal to `aria-label` on the controls inside `containers`; returns a disposer. */
export function forwardControlLabels(containers: readonly HTMLElement[]): () => void {
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') forwardWithin(r.target);
      else for (const node of r.addedNodes) forwardWithin(node);
    }
  });
  for (const container of containers) {
    forwardWithin(container);
    observer.observe(container, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
  }
  return () => observer.disconnect();
}
