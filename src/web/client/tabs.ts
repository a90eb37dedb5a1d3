/// <reference lib="dom" />
/**
 * The views as tabs (WAI-ARIA tabs pattern): click or arrow keys move between them, Home and End to the ends; only the
 * chosen tab is in the Tab order. A view is loaded the first time it is shown, and the URL's hash names the view.
 */
export function createTabs(onShow: (view: string) => void): { show(view: string): void } {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const viewOf = (tab: HTMLButtonElement) => tab.getAttribute('aria-controls')!.replace(/^view-/, '');
  function show(view: string, focus = false): void {
    const chosen = tabs.find((tab) => viewOf(tab) === view) ?? tabs[0];
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')!)!.hidden = !selected;
    }
    if (focus) chosen.focus();
    history.replaceState(null, '', `#${viewOf(chosen)}`);
    onShow(viewOf(chosen));
  }
  for (const tab of tabs) {
    tab.addEventListener('click', () => show(viewOf(tab)));
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (target === undefined) return;
      event.preventDefault();
      show(viewOf(tabs[(target + tabs.length) % tabs.length]), true);
    });
  }
  return { show };
}
