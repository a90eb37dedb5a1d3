/// <reference lib="dom" />
import { ApiError, call, query, storedKey, UNAUTHORIZED_EVENT } from './api';
import { reviewDraftOrder } from './confirm';
import { createDetail } from './detail';
import { byId } from './dom';
import { createList } from './list';
import { createTabs } from './tabs';
import { createBackorders, showDraftOrders, showSuppliers } from './views';
import { createExceptions } from './exceptions';
import type { Location, Session, Supplier } from './types';

/**
 * The buyers' page: asks once for an API key (kept in sessionStorage, so it lasts as long as the tab), learns the
 * key's role, then shows its views as tabs: the recommendations with a detail panel, the draft orders, the exceptions,
 * the backorders and the suppliers. Viewers see no decision buttons.
 */

async function allSuppliers(): Promise<Supplier[]> {
  const suppliers: Supplier[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: Supplier[]; nextCursor: string | null } } = await call('GET', `/suppliers${query({ limit: 200, cursor })}`);
    suppliers.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return suppliers.sort((a, b) => a.name.localeCompare(b.name));
}

async function allLocations(): Promise<Location[]> {
  return (await call<{ data: Location[] }>('GET', '/locations')).body.data;
}

function showSignIn(message = ''): void {
  byId('workspace').hidden = true;
  byId('session').hidden = true;
  byId('sign-in').hidden = false;
  byId('sign-in-error').textContent = message;
  byId<HTMLInputElement>('api-key').focus();
}

/** Set once a session has wired the table and the detail: signing in again then reloads the page rather than wiring them twice. */
let started = false;

async function start(): Promise<void> {
  let session: Session;
  try {
    session = (await call<Session>('GET', '/app/session')).body;
  } catch (error) {
    storedKey.clear();
    showSignIn(error instanceof ApiError && error.status === 401 ? 'That key was not accepted.' : `Could not sign in: ${(error as Error).message}`);
    return;
  }
  started = true;
  byId('sign-in').hidden = true;
  byId('session').hidden = false;
  byId('session-name').textContent = session.name;
  byId('session-role').textContent = session.role;
  byId('workspace').hidden = false;

  const canDecide = session.role === 'buyer' || session.role === 'admin';
  const [suppliers, locations] = await Promise.all([allSuppliers(), allLocations()]);
  const review = (supplierId: number, locationId: number) =>
    void reviewDraftOrder(supplierId, locationId, {
      canDecide,
      onApproved: async () => {
        await list.load();
        const shown = detail.shownId();
        if (shown !== null) await detail.open(shown);
        if (!byId('view-draft-orders').hidden) await showDraftOrders(review);
      },
    });
  const detail = createDetail({
    suppliers,
    canDecide,
    onChanged: (recommendation) => list.update(recommendation),
    onClosed: (id) => {
      list.select(null);
      list.focus(id);
    },
    onReviewDraftOrder: review,
  });
  const list = createList({
    suppliers,
    locations,
    canDecide,
    onOpen: (id) => {
      list.select(id);
      void detail.open(id, { focus: true });
    },
    onReviewDraftOrder: review,
  });
  const backorders = createBackorders(locations);
  const exceptions = createExceptions({ canDecide });
  const loaders: Record<string, () => Promise<void>> = {
    recommendations: () => list.load(),
    'draft-orders': () => showDraftOrders(review),
    exceptions: () => exceptions.show(),
    backorders: () => backorders.show(),
    suppliers: () => showSuppliers(),
  };
  createTabs((view) => void loaders[view]?.()).show(location.hash.slice(1) || 'recommendations');
}

byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('api-key');
  storedKey.set(input.value.trim());
  input.value = '';
  if (started) location.reload();
  else void start();
});

window.addEventListener(UNAUTHORIZED_EVENT, () => {
  storedKey.clear();
  showSignIn('The key was not accepted (revoked?): sign in again.');
});

byId('sign-out').addEventListener('click', () => {
  storedKey.clear();
  location.reload();
});

if (storedKey.get()) void start();
else showSignIn();
